"""Logging a check-in: the goal's value, progress and status follow at once."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from checkins import selectors
from checkins.models import CheckIn, confidence_band
from checkins.services.asks import AskDraft, asks_create
from checkins.services.cycles import cycle_current
from checkins.services.reminders import reminders_cancel_for_checkin
from core.audit import audit_record, diff
from goals.models import Goal
from goals.services.goals import goal_refresh_progress, goal_status_set
from integrations.models import Event
from integrations.services import webhook_emit
from teams.models import Membership, User

FIELDS = ("value", "confidence", "moved", "blockers", "next_steps")


@transaction.atomic
def checkin_save(
    *,
    membership: Membership,
    goal: Goal,
    value: Decimal | None,
    confidence: int,
    moved: str = "",
    blockers: str = "",
    next_steps: str = "",
    asks: Sequence[AskDraft] = (),
    set_status: bool = True,
    today: date | None = None,
) -> CheckIn:
    """Log (or correct) the goal's check-in for the current cycle, raise its asks, and bring
    the goal's value and progress, and with ``set_status`` its status, up to date. Sends the
    ``checkin.created`` webhook event (see :func:`checkin_created_emit`), and
    ``goal.status_changed`` when the status moves.

    Refused for a goal of another workspace, a draft or closed goal, and a person who does not
    answer for one of the goal's owner departments.
    """
    workspace, actor = membership.workspace, membership.user
    locked = _goal_to_check_in(membership, goal, value=value, confidence=confidence)
    today = today or workspace.today()
    cycle = cycle_current(workspace=workspace, today=today)
    checkin = CheckIn.objects.select_for_update().filter(cycle=cycle, goal=locked).first()
    before = {field: getattr(checkin, field) for field in FIELDS} if checkin else {}
    checkin = checkin or CheckIn(cycle=cycle)
    checkin.goal = locked
    after = {
        "value": value,
        "confidence": confidence,
        "moved": moved.strip(),
        "blockers": blockers.strip(),
        "next_steps": next_steps.strip(),
    }
    for field, new in after.items():
        setattr(checkin, field, new)
    checkin.author = actor
    # The cycle, goal and author are ours and the goal's lock makes the row unique: only the
    # values need checking.
    checkin.full_clean(
        exclude=["cycle", "goal", "author"], validate_unique=False, validate_constraints=False
    )
    checkin.save()
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="updated" if before else "checked_in",
        target=checkin,
        summary=f"{actor} checked in on “{locked}”: confidence {confidence}/10",
        changes=diff(before, after),
    )
    if asks:
        owners = selectors.goal_owners(membership=membership, goal=locked)
        if not owners:
            raise ValidationError({"asks": "The goal has no owner department to ask from."})
        asking = next((owner for owner in owners if owner.mine), owners[0])
        asks_create(
            workspace=workspace,
            goal=locked,
            checkin=checkin,
            from_department=asking,
            actor=actor,
            drafts=asks,
            today=today,
        )
    reminders_cancel_for_checkin(cycle_id=cycle.pk, goal=locked)
    status = confidence_band(confidence)
    if set_status and status != locked.status:
        goal_status_set(goal=locked, actor=actor, status=status)
    goal_refresh_progress(goal=locked)
    checkin_created_emit(checkin=checkin, goal=locked, actor=actor, correction=bool(before))
    return checkin


def _goal_to_check_in(
    membership: Membership, goal: Goal, *, value: Decimal | None, confidence: int
) -> Goal:
    """The goal's row, locked, if ``membership`` may check in on it with these values."""
    locked = (
        Goal.objects.select_for_update().filter(pk=goal.pk, workspace=membership.workspace).first()
    )
    if locked is None:
        raise ValidationError({"goal": "This goal belongs to another workspace."})
    if not selectors.answers_for(membership, locked.owner_departments.values("pk")):
        raise PermissionDenied("Only the leads of the goal's owner departments log its check-ins.")
    if locked.status == Goal.Status.DRAFT:
        raise ValidationError(f"“{locked}” is still a draft; it takes check-ins once it is active.")
    if locked.is_closed:
        raise ValidationError(
            f"“{locked}” is closed ({locked.get_status_display().lower()}); "
            "closed goals take no more check-ins."
        )
    if not 1 <= confidence <= 10:
        raise ValidationError({"confidence": "Confidence runs from 1 to 10."})
    if value is None and locked.target is not None:
        raise ValidationError({"value": f"Enter the current {locked.metric or 'value'}."})
    return locked


def checkin_created_emit(*, checkin: CheckIn, goal: Goal, actor: User, correction: bool) -> None:
    """Send the ``checkin.created`` webhook event (on commit, see webhook_emit).

    Its ``data`` is ``{"checkin": {"id", "value", "confidence", "created_at"}, "goal": {"id",
    "title", "status", "progress"}, "author": {"id", "name"}, "correction": bool}``: the goal as
    the check-in left it, and ``correction`` true when it replaced this cycle's earlier
    check-in of the goal (same ``checkin.id``). ``value`` is a decimal string or null.
    """
    webhook_emit(
        workspace=goal.workspace,
        event=Event.CHECKIN_CREATED,
        payload={
            "checkin": {
                "id": checkin.pk,
                "value": checkin.value,
                "confidence": checkin.confidence,
                "created_at": checkin.created_at,
            },
            "goal": {
                "id": goal.pk,
                "title": goal.title,
                "status": str(goal.status),
                "progress": goal.progress,
            },
            "author": {"id": actor.pk, "name": actor.get_full_name() or actor.username},
            "correction": correction,
        },
    )
