"""Ending goals: closing one with its retrospective (and the win an achieved shared goal
posts), and carrying unfinished ones over into another period."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record, diff
from core.notify import notify
from goals import tasks
from goals.models import Goal, Period, Retrospective, Win
from goals.permissions import can_edit_goal
from goals.selectors.goals import attach_departments
from goals.services.goals import (
    CLOSING_STATUSES,
    StaleGoalError,
    goal_authorize,
    goal_clean,
    goal_status_changed_emit,
)
from teams.models import Membership, Role
from teams.selectors import department_people
from teams.tenancy import ensure_in_workspace


@transaction.atomic
def goal_close(
    *,
    membership: Membership,
    goal: Goal,
    status: str,
    what_worked: str,
    what_to_change: str,
    version: int | None = None,
) -> Retrospective:
    """End a goal as achieved or missed with its retrospective.

    An achieved shared goal also posts a win to the workspace feed and tells every department
    that owned or contributed to it (in the app, and one email per department lead).
    """
    goal_authorize(membership=membership, goal=goal)
    actor = membership.user
    errors = {}
    if status not in CLOSING_STATUSES:
        errors["status"] = "Close a goal as achieved or missed."
    if not what_worked.strip():
        errors["what_worked"] = "Say what worked, even in one sentence."
    if not what_to_change.strip():
        errors["what_to_change"] = "Say what you would change next time, even in one sentence."
    if errors:
        raise ValidationError(errors)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if version is not None and locked.version != version:
        raise StaleGoalError(locked)
    if locked.status == status:
        raise ValidationError({"status": f"This goal is already {locked.get_status_display()}."})
    before = locked.status
    goal.status = status
    goal.version = locked.version + 1
    goal_clean(goal)
    goal.save(update_fields=["status", "version", "updated_at"])
    retrospective = Retrospective.objects.filter(goal=goal).first() or Retrospective(goal=goal)
    retrospective.workspace = goal.workspace
    retrospective.outcome = status
    retrospective.author = actor
    retrospective.what_worked = what_worked.strip()
    retrospective.what_to_change = what_to_change.strip()
    retrospective.full_clean()
    retrospective.save()
    audit_record(
        workspace=goal.workspace,
        actor=actor,
        verb="closed",
        target=goal,
        summary=(
            f"{actor} closed the goal as {goal.get_status_display().lower()} with a retrospective"
        ),
        changes=diff({"status": before}, {"status": status}),
    )
    goal_status_changed_emit(goal=goal, actor=actor, before=before)
    if status == Goal.Status.ACHIEVED and goal.owner_departments.count() >= 2:
        goal_win_post(goal=goal)
    return retrospective


def goal_win_post(*, goal: Goal) -> Win | None:
    """Celebrate an achieved shared goal once: a win in the feed, notifications and emails."""
    owners = list(goal.owner_departments.order_by("name"))
    contributors = list(goal.contributing_departments.order_by("name"))
    names = [department.name for department in owners]
    who = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else "".join(names)
    text = f"{who} achieved “{goal.title}”"
    win, created = Win.objects.get_or_create(
        goal=goal, defaults={"workspace": goal.workspace, "text": text[:300]}
    )
    if not created:
        return None
    departments = {department.pk: department for department in [*owners, *contributors]}
    notify(
        workspace=goal.workspace,
        recipients=department_people(departments.values()),
        kind="win",
        title=f"Win: {win.text}",
        url=goal.get_absolute_url(),
    )
    for department in departments.values():
        if department.lead_id:
            transaction.on_commit(
                lambda department_id=department.pk: tasks.send_win_email.delay(
                    win.pk, department_id
                )
            )
    return win


@transaction.atomic
def goal_carry_over(*, membership: Membership, goals: Iterable[Goal], period: Period) -> list[Goal]:
    """Move unfinished goals into ``period``, keeping their history (the same goal rows).

    A due date outside the new period moves to its last day; the goals leave the old period's
    priority list and join the new one unranked. Refused, naming them, for goals the person
    may not change.
    """
    workspace, actor = membership.workspace, membership.user
    goal_authorize(membership=membership)
    ensure_in_workspace(workspace, [period], field="period")
    ids = [goal.pk for goal in goals]
    locked = list(
        Goal.objects.select_for_update(of=("self",))
        .filter(workspace=workspace, pk__in=ids)
        .select_related("period")
        .order_by("pk")
    )
    if not locked or len(locked) != len(set(ids)):
        raise ValidationError({"goals": "Choose one or more goals of this workspace."})
    if not membership.has_role(Role.EXECUTIVE):
        attach_departments(locked)
        refused = [goal.title for goal in locked if not can_edit_goal(membership, goal.owners)]
        if refused:
            raise ValidationError({"goals": f"You may not change: {', '.join(refused)}."})
    finished = [goal.title for goal in locked if goal.is_closed]
    if finished:
        raise ValidationError(
            {"goals": f"Finished goals stay in their period: {', '.join(finished)}."}
        )
    already = [goal.title for goal in locked if goal.period_id == period.pk]
    if already:
        raise ValidationError({"goals": f"Already in {period}: {', '.join(already)}."})
    for goal in locked:
        before = {"period": str(goal.period or "no period"), "due_date": goal.due_date}
        goal.period = period
        if goal.due_date is None or not period.start_date <= goal.due_date <= period.end_date:
            goal.due_date = period.end_date
        if goal.start_date is not None and goal.start_date > goal.due_date:
            goal.start_date = period.start_date
        goal.priority = None
        goal.version += 1
        goal_clean(goal)
        goal.save(
            update_fields=["period", "due_date", "start_date", "priority", "version", "updated_at"]
        )
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="carried_over",
            target=goal,
            summary=f"{actor} carried the goal over from {before['period']} to {period}",
            changes=diff(before, {"period": str(period), "due_date": goal.due_date}),
        )
    return locked
