"""Outcomes of a meeting: decisions (to the workspace's decision log), action items, and asks
between departments; and decisions recorded outside a meeting (:func:`decision_record_direct`).

Recorded on an agenda item while the meeting runs, by whoever runs it
(:func:`forums.permissions.can_run`); an action's owner marks it done or dropped.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from checkins.models import Ask
from checkins.services.asks import AskDraft, asks_create
from core.audit import audit_record, update_audited
from forums.models import ActionItem, AgendaItem, Decision
from forums.permissions import can_run
from forums.services import bump_version, lock_running
from goals.models import Goal
from teams.models import Department, Membership, User
from teams.tenancy import ensure_in_workspace, ensure_members


def _decision_save(
    decision: Decision, departments: list[Department], *, decided_by: User, review_on
) -> Decision:
    """The rules every decision meets, wherever it is taken, then the row and its audit."""
    workspace = decision.workspace
    if not departments:
        raise ValidationError({"departments": "Name the departments the decision affects."})
    ensure_in_workspace(workspace, departments, field="departments")
    ensure_members(workspace, [decided_by], field="decided_by", guests=False)
    if review_on is not None and review_on <= workspace.today():
        raise ValidationError({"review_on": "The review date must be in the future."})
    decision.full_clean(exclude=["workspace", "meeting", "agenda_item", "decided_by", "created_by"])
    decision.save()
    decision.departments.set(departments)
    where = f" in {decision.meeting}" if decision.meeting else ""
    audit_record(
        workspace=workspace,
        actor=decision.created_by,
        verb="decided",
        target=decision,
        summary=f"Decision{where}: {decision.title}",
    )
    return decision


@transaction.atomic
def decision_record(
    *,
    membership: Membership,
    item: AgendaItem,
    title: str,
    rationale: str,
    decided_by: User,
    departments: Iterable[Department],
    review_on: dt.date | None = None,
) -> Decision:
    """A decision taken on an agenda item; it goes to the workspace's decision log."""
    locked = lock_running(item.meeting, membership, doing="record its decisions")
    decision = Decision(
        workspace=locked.workspace,
        meeting=locked,
        agenda_item=item,
        title=title.strip(),
        rationale=rationale.strip(),
        decided_by=decided_by,
        review_on=review_on,
        created_by=membership.user,
    )
    _decision_save(decision, list(departments), decided_by=decided_by, review_on=review_on)
    bump_version(locked)
    return decision


@transaction.atomic
def decision_record_direct(
    *,
    membership: Membership,
    title: str,
    rationale: str,
    decided_by: User,
    departments: Iterable[Department],
    review_on: dt.date | None = None,
) -> Decision:
    """A decision taken outside a meeting (a conflict's, by its facilitator or an executive),
    in the same log and under the same rules. The caller authorizes the actor: forums does not
    know what the decision settles."""
    decision = Decision(
        workspace=membership.workspace,
        title=title.strip(),
        rationale=rationale.strip(),
        decided_by=decided_by,
        review_on=review_on,
        created_by=membership.user,
    )
    return _decision_save(decision, list(departments), decided_by=decided_by, review_on=review_on)


@transaction.atomic
def action_create(
    *,
    membership: Membership,
    item: AgendaItem,
    title: str,
    owner: User,
    due_on: dt.date,
    department: Department | None = None,
) -> ActionItem:
    locked = lock_running(item.meeting, membership, doing="record its action items")
    ensure_members(locked.workspace, [owner], field="owner", guests=False)
    ensure_in_workspace(locked.workspace, [department], field="department")
    if due_on < locked.workspace.today():
        raise ValidationError({"due_on": "The due date cannot be in the past."})
    action = ActionItem(
        workspace=locked.workspace,
        meeting=locked,
        agenda_item=item,
        title=title.strip(),
        owner=owner,
        department=department,
        due_on=due_on,
        created_by=membership.user,
    )
    action.full_clean(exclude=["workspace", "meeting", "agenda_item", "owner", "created_by"])
    action.save()
    bump_version(locked)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="created",
        target=action,
        summary=f"Action for {owner} from {locked}: {action.title}",
    )
    return action


@transaction.atomic
def action_set_status(*, membership: Membership, action: ActionItem, status: str) -> ActionItem:
    """The owner (or whoever runs the meeting it came from) marks an action done or dropped,
    or opens it again."""
    locked = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting__forum")
        .get(pk=action.pk, workspace=membership.workspace)
    )
    forum = locked.meeting.forum if locked.meeting else None
    if locked.owner_id != membership.user_id and not (forum and can_run(membership, forum)):
        raise PermissionDenied("Only its owner or the forum's facilitator changes an action.")
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": "Choose open, done or dropped."})
    closed_at = None if status == ActionItem.Status.OPEN else timezone.now()
    update_audited(
        locked,
        {"status": status, "closed_at": closed_at},
        workspace=membership.workspace,
        actor=membership.user,
        summary=f"{membership.user} marked “{locked.title}” {status}",
    )
    return locked


@transaction.atomic
def ask_raise(
    *,
    membership: Membership,
    item: AgendaItem,
    goal: Goal,
    from_department: Department,
    to_department: Department,
    text: str,
    due_on: dt.date,
) -> Ask:
    """A new ask from one department to another, agreed on an agenda item: it goes to the
    receiving department's inbox like an ask from a check-in, and the item's notes say so."""
    locked = lock_running(item.meeting, membership, doing="record the asks it agrees on")
    if not text.strip():
        raise ValidationError({"text": "Say what is needed."})
    forum_departments = set(locked.forum.departments.values_list("pk", flat=True))
    for field, department in (
        ("from_department", from_department),
        ("to_department", to_department),
    ):
        if department.pk not in forum_departments:
            raise ValidationError({field: "Choose one of the forum's departments."})
    if goal.status == Goal.Status.DRAFT or goal.is_closed:
        raise ValidationError(
            {"goal": "Choose an active goal: a draft or closed goal takes no asks."}
        )
    if not goal.owner_departments.filter(pk__in=forum_departments).exists():
        raise ValidationError({"goal": "Choose a goal one of the forum's departments owns."})
    # The item as it is now: someone may have saved notes on it since the caller read it.
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    (ask,) = asks_create(
        workspace=locked.workspace,
        goal=goal,
        from_department=from_department,
        actor=membership.user,
        drafts=[AskDraft(to_department=to_department, text=text, due_on=due_on)],
        today=locked.workspace.today(),
    )
    note = f"{from_department} asked {to_department}: {ask.text} (by {due_on:%d %b})"
    item.notes = f"{item.notes}\n{note}".strip()
    item.save(update_fields=["notes"])
    bump_version(locked)
    return ask
