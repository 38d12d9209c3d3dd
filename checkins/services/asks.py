"""Asks: what one department needs from another, by when, for which goal."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from checkins import selectors
from checkins.models import Ask, CheckIn, Reminder
from checkins.services.reminders import reminders_record
from core.audit import audit_record
from core.notify import notify
from goals.models import Goal
from teams.models import Department, Membership, User, Workspace
from teams.tenancy import ensure_in_workspace

# An ask's links, which the services check themselves (full_clean would query each).
ASK_LINKS = ["workspace", "goal", "checkin", "from_department", "to_department", "created_by"]


@dataclass(frozen=True)
class AskDraft:
    to_department: Department
    text: str
    due_on: date


def _answering(department: Department) -> int | None:
    """Who hears for a department: its lead, else its executive."""
    return department.lead_id or department.executive_id


def _members(workspace: Workspace, ids: Iterable[int | None]) -> list[int]:
    wanted = {pk for pk in ids if pk is not None}
    return list(workspace.memberships.filter(user_id__in=wanted).values_list("user_id", flat=True))


def asks_create(
    *,
    workspace: Workspace,
    goal: Goal,
    from_department: Department,
    actor: User,
    drafts: Sequence[AskDraft],
    today: date,
    checkin: CheckIn | None = None,
) -> list[Ask]:
    """The asks a check-in (or a forum meeting) raises for ``goal``; the receiving
    departments' leads are told. Part of the caller's transaction
    (:func:`checkins.services.checkins.checkin_save`, :func:`forums.outcomes.ask_raise`)."""
    ensure_in_workspace(workspace, [goal, from_department], field="asks")
    asks = []
    for draft in drafts:
        ensure_in_workspace(workspace, [draft.to_department], field="asks")
        if draft.to_department.pk == from_department.pk:
            raise ValidationError({"asks": "Ask another department than your own."})
        if draft.due_on < today:
            raise ValidationError({"asks": "The date an ask is needed by cannot be in the past."})
        ask = Ask(
            workspace=workspace,
            goal=goal,
            checkin=checkin,
            from_department=from_department,
            to_department=draft.to_department,
            text=draft.text.strip(),
            due_on=draft.due_on,
            created_by=actor,
        )
        # Every department and the goal were checked above: only the values need checking.
        ask.full_clean(exclude=ASK_LINKS, validate_constraints=False)
        ask.save()
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="asked",
            target=ask,
            summary=f"{from_department} asked {draft.to_department}: {ask.text}",
        )
        asks.append(ask)
    members = set(_members(workspace, [_answering(ask.to_department) for ask in asks]))
    reminders_record(
        workspace=workspace,
        rows=[
            Reminder(
                workspace=workspace,
                ask=ask,
                goal=ask.goal,
                recipient_id=_answering(ask.to_department),
                kind=Reminder.Kind.ASK_RECEIVED,
            )
            for ask in asks
            if _answering(ask.to_department) in members
        ],
    )
    return asks


ACTIONS = ("commit", "decline", "deliver")


@transaction.atomic
def ask_respond(
    *,
    membership: Membership,
    ask: Ask,
    action: str,
    committed_on: date | None = None,
    decline_reason: str = "",
    today: date | None = None,
) -> Ask:
    """The receiving department commits to a date, declines with a reason, or delivers.

    The asking side hears of it: in the app for a commitment or a delivery, and by email too
    for a decline (both departments' leads).
    """
    workspace, actor = membership.workspace, membership.user
    locked = (
        Ask.objects.select_for_update(of=("self",))
        .select_related("goal", "from_department", "to_department")
        .get(pk=ask.pk, workspace=workspace)
    )
    if not selectors.answers_for(membership, [locked.to_department_id]):
        raise PermissionDenied(f"Only the leads of {locked.to_department} answer its asks.")
    if action not in ACTIONS:
        raise ValidationError({"action": "Choose to commit, decline or mark delivered."})
    if locked.status not in Ask.UNRESOLVED:
        raise ValidationError(f"This ask is already {locked.get_status_display().lower()}.")
    today = today or workspace.today()
    before = locked.status
    summary = _apply_answer(
        locked, action, committed_on=committed_on, decline_reason=decline_reason, today=today
    )
    locked.responded_by, locked.responded_at = actor, timezone.now()
    # The transition was checked above, against the rules the constraints also hold.
    locked.full_clean(exclude=[*ASK_LINKS, "responded_by"], validate_constraints=False)
    locked.save()
    audit_record(
        workspace=workspace,
        actor=actor,
        verb=action,
        target=locked,
        summary=f"{summary} “{locked.text}”",
        changes={"status": [before, locked.status]},
    )
    _tell_about_answer(locked, action, summary=summary, actor=actor, workspace=workspace)
    return locked


def _apply_answer(
    ask: Ask, action: str, *, committed_on: date | None, decline_reason: str, today: date
) -> str:
    """Set the answer on ``ask`` (not saved yet); returns what happened, for the audit trail."""
    if action == "commit":
        if committed_on is None:
            raise ValidationError({"committed_on": "Say by when you will deliver."})
        if committed_on < today:
            raise ValidationError({"committed_on": "The date cannot be in the past."})
        ask.status, ask.committed_on = Ask.Status.COMMITTED, committed_on
        return f"{ask.to_department} committed to deliver by {date_format(committed_on)}"
    if action == "decline":
        reason = decline_reason.strip()
        if not reason:
            raise ValidationError(
                {"decline_reason": "Say why you decline, so the other side can plan around it."}
            )
        ask.status, ask.decline_reason = Ask.Status.DECLINED, reason
        return f"{ask.to_department} declined: {reason}"
    ask.status = Ask.Status.DELIVERED
    return f"{ask.to_department} delivered"


def _tell_about_answer(
    ask: Ask, action: str, *, summary: str, actor: User, workspace: Workspace
) -> None:
    """The asking side hears of the answer: a decline by email to both departments' leads
    (a reminder row, sent exactly once), anything else in the app."""
    asking = {ask.created_by_id, _answering(ask.from_department)}
    if action == "decline":
        recipients = set(_members(workspace, asking | {_answering(ask.to_department)}))
        recipients.discard(actor.pk)
        reminders_record(
            workspace=workspace,
            rows=[
                Reminder(
                    workspace=workspace,
                    ask=ask,
                    goal=ask.goal,
                    recipient_id=recipient,
                    kind=Reminder.Kind.ASK_DECLINED,
                )
                for recipient in recipients
            ],
        )
    else:
        notify(
            workspace=workspace,
            recipients=[User(pk=pk) for pk in _members(workspace, asking) if pk != actor.pk],
            kind=f"ask.{action}",
            title=f"{summary}: {ask.text}",
            url=reverse("ask_inbox", kwargs={"ws": workspace.slug}) + "?box=sent",
        )
