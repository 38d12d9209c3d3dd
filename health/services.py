"""The relationship pulse's one write: a department's answers for the current cycle.

Each cycle, a department's lead (its executive, when it has no lead) answers "How well are we
working together?" from 1 to 5 about each department it shares an active goal with
(:func:`health.selectors.pulse_partners`). Answers go into the current cycle only and can be
changed until it ends; an answer for a cycle that has ended is refused.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from checkins.models import Cycle
from checkins.services.cycles import cycle_current
from core.audit import audit_record, diff
from health.models import PulseAnswer
from health.selectors import answerer, pulse_partners
from teams.models import Department, Membership

SCORES = range(1, 6)


@dataclass(frozen=True)
class PulseDraft:
    about: Department
    score: int
    comment: str = ""


def ensure_answers_for(membership: Membership, department: Department) -> None:
    if department.workspace_id != membership.workspace_id or answerer(department) != (
        membership.user_id
    ):
        raise PermissionDenied(
            f"Only the lead of {department} (its executive, when it has no lead) answers its pulse."
        )


def _check_cycle(cycle: int | None, current: Cycle) -> None:
    if cycle is not None and cycle != current.pk:
        raise ValidationError(
            {
                "cycle": "The cycle this form was opened in has ended: answers now go into the "
                f"cycle {current}. Check your answers and save them again."
            }
        )


def _check_answers(drafts: list[PulseDraft], partners: dict[int, Department]) -> None:
    """Errors are keyed ``<field>_<department id>`` (``about``, ``score``, ``comment``), so
    each shows beside its department's question."""
    errors = {}
    seen = set()
    for draft in drafts:
        pk = draft.about.pk
        if pk not in partners:
            errors[f"about_{pk}"] = (
                f"You share no active goal with {draft.about}: the pulse asks only about the "
                "departments you work with."
            )
        elif pk in seen:
            errors[f"about_{pk}"] = f"{draft.about} is answered twice."
        elif draft.score not in SCORES:
            errors[f"score_{pk}"] = "Answer from 1 (badly) to 5 (very well)."
        elif len(draft.comment) > 1000:
            errors[f"comment_{pk}"] = "Keep the comment to 1000 characters."
        seen.add(pk)
    if errors:
        raise ValidationError(errors)


def pulse_lock(department: Department) -> None:
    """Lock the answering department's row until the transaction ends, so two first answers
    sent at once are written one after the other: the second finds the first and changes it
    instead of hitting the unique constraint."""
    Department.objects.select_for_update().filter(pk=department.pk).exists()


@transaction.atomic
def pulse_answer(
    *,
    membership: Membership,
    department: Department,
    answers: list[PulseDraft],
    cycle: int | None = None,
    today: date | None = None,
) -> list[PulseAnswer]:
    """Save the department's answers for the current cycle (new ones, or changes to those
    already given), all or none. ``cycle`` is the id of the cycle the form was shown for: a
    form shown in a cycle that has since ended is refused rather than filed under the new
    one."""
    ensure_answers_for(membership, department)
    workspace, actor = membership.workspace, membership.user
    current = cycle_current(workspace=workspace, today=today)
    _check_cycle(cycle, current)
    partners = {d.pk: d for d in pulse_partners(department=department)}
    _check_answers(answers, partners)
    pulse_lock(department)
    existing = {
        answer.about_department_id: answer
        for answer in PulseAnswer.objects.select_for_update().filter(
            cycle=current, from_department=department
        )
    }
    saved = []
    for draft in answers:
        answer = existing.get(draft.about.pk)
        before = {"score": answer.score, "comment": answer.comment} if answer else {}
        after = {"score": draft.score, "comment": draft.comment.strip()}
        if answer is not None and before == after:
            saved.append(answer)
            continue
        answer = answer or PulseAnswer(
            workspace=workspace,
            cycle=current,
            from_department=department,
            about_department=draft.about,
        )
        answer.score, answer.comment, answer.answered_by = after["score"], after["comment"], actor
        answer.save()
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="updated" if before else "created",
            target=answer,
            summary=f"{department} on working with {draft.about}: {draft.score}/5",
            changes=diff(before, after),
        )
        saved.append(answer)
    return saved
