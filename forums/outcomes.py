"""Outcomes of a meeting: decisions (to the workspace's decision log), action items, and asks
between departments; and decisions recorded outside a meeting (:func:`decision_record_direct`).

Recorded on an agenda item while the meeting runs, by whoever runs it
(:func:`forums.permissions.can_run`); an action's owner marks it done or dropped.

A decision is later amended in place, its previous values kept as a
:class:`~forums.models.DecisionRevision` (:func:`decision_amend`), or superseded by a new
decision (:func:`decision_supersede`) or a later one (:func:`decision_supersede_by`), by whoever
took it, executives and admins. Every decision recorded, and every supersede, sends the
``decision.recorded`` webhook (:func:`decision_recorded_emit`).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from checkins.models import Ask
from checkins.services.asks import AskDraft, asks_create
from core.audit import audit_record, update_audited
from forums import sources
from forums.models import (
    ActionItem,
    AgendaItem,
    Decision,
    DecisionRevision,
    ForumReminder,
    Meeting,
)
from forums.permissions import can_run, ensure_can_change_decision
from forums.services import bump_version, lock_running
from goals.models import Goal
from integrations.models import Event
from integrations.services import webhook_emit
from teams.models import Department, Membership, User, Workspace
from teams.tenancy import ensure_in_workspace, ensure_members

REVIEW_IN_FUTURE = "The review date must be in the future."


def _check_words(title: str, rationale: str) -> None:
    if not title.strip():
        raise ValidationError({"title": "Say what was decided."})
    if not rationale.strip():
        raise ValidationError({"rationale": "Say why: the log is read months later."})


def _check_departments(decision: Decision, departments: list[Department]) -> None:
    if not departments:
        raise ValidationError({"departments": "Name the departments the decision affects."})
    ensure_in_workspace(decision.workspace, departments, field="departments")


def _decision_save(
    decision: Decision, departments: list[Department], *, decided_by: User, review_on
) -> Decision:
    """The rules every decision meets, wherever it is taken, then the row and its audit."""
    workspace = decision.workspace
    _check_words(decision.title, decision.rationale)
    _check_departments(decision, departments)
    ensure_members(workspace, [decided_by], field="decided_by", guests=False)
    if review_on is not None and review_on <= workspace.today():
        raise ValidationError({"review_on": REVIEW_IN_FUTURE})
    decision.full_clean(exclude=["workspace", "meeting", "agenda_item", "decided_by", "created_by"])
    decision.save()
    decision.departments.add(*departments)
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
    decision_recorded_emit(decision, actor=membership.user)
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
    item: AgendaItem | None = None,
    announce: bool = True,
) -> Decision:
    """A decision taken by its own process (a conflict's, by its facilitator or an executive),
    in the same log and under the same rules. The caller authorizes the actor: forums does not
    know what the decision settles. With ``item`` (:func:`running_item`), it was taken in that
    meeting: it is among the meeting's outcomes, and every open page of the meeting shows it.
    ``announce=False`` leaves ``decision.recorded`` to the caller, for once it has linked the
    decision to its source."""
    meeting = None
    if item is not None:
        meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=item.meeting_id)
        if meeting.status != Meeting.Status.STARTED:  # it ended while we looked
            meeting = item = None
    decision = Decision(
        workspace=membership.workspace,
        meeting=meeting,
        agenda_item=item,
        title=title.strip(),
        rationale=rationale.strip(),
        decided_by=decided_by,
        review_on=review_on,
        created_by=membership.user,
    )
    _decision_save(decision, list(departments), decided_by=decided_by, review_on=review_on)
    if meeting is not None:
        bump_version(meeting)
    if announce:
        decision_recorded_emit(decision, actor=membership.user)
    return decision


def running_item(*, workspace: Workspace, kind: str, source_id: int) -> AgendaItem | None:
    """The agenda row of this source in a meeting of the workspace running now (started, its
    minutes not yet published), if any: where a decision on it is being taken."""
    return (
        AgendaItem.objects.filter(
            meeting__workspace=workspace,
            meeting__status=Meeting.Status.STARTED,
            kind=kind,
            source_id=source_id,
        )
        .select_related("meeting")
        .order_by("-meeting__started_at", "-pk")
        .first()
    )


# --- The decision.recorded webhook -------------------------------------------------------------


def _person(user: User) -> dict:
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def decision_payload(decision: Decision, *, actor: User) -> dict:
    """The ``data`` of ``decision.recorded``: ``{"decision": {"id", "title", "rationale",
    "review_on", "departments": [ids], "decided_by": {"id", "name"}, "url"}, "source": {"name",
    "id", "label", "url"}, "kind", "supersedes": {"id", "title"} or null, "actor": {"id",
    "name"}}``. The source is where it was made (:mod:`forums.sources`: "meeting" and the
    meeting's id, "conflict" and the conflict's, or "direct"); ``kind`` is the kind it has there
    (a conflict's), or null. The decision needs ``origin`` (:func:`forums.sources.origins`)."""
    origin, slug = decision.origin, decision.workspace.slug
    before = getattr(decision, "supersedes", None)
    path = reverse("decision_detail", kwargs={"ws": slug, "pk": decision.pk})
    return {
        "decision": {
            "id": decision.pk,
            "title": decision.title,
            "rationale": decision.rationale,
            "review_on": decision.review_on,
            "departments": [department.pk for department in decision.departments.all()],
            "decided_by": _person(decision.decided_by),
            "url": settings.SITE_URL + path,
        },
        "source": {
            "name": origin.source,
            "id": origin.id,
            "label": origin.label,
            "url": settings.SITE_URL + origin.url if origin.url else None,
        },
        "kind": origin.kind or None,
        "supersedes": {"id": before.pk, "title": before.title} if before else None,
        "actor": _person(actor),
    }


def decision_recorded_emit(decision: Decision, *, actor: User) -> None:
    """Send ``decision.recorded`` (:func:`decision_payload`) from inside the transaction that
    records the decision, once its source has linked it (a conflict links its decision after
    :func:`decision_record_direct` returns, so :func:`conflicts.decisions.conflict_decide`
    sends it itself): the deliveries are written with the decision, and sent once it commits
    (:func:`integrations.services.webhook_emit`); a rolled-back decision sends nothing."""
    decision = (
        Decision.objects.select_related("workspace", "decided_by", "meeting__forum", "supersedes")
        .prefetch_related(Prefetch("departments", queryset=Department.objects.order_by("pk")))
        .get(pk=decision.pk)
    )
    sources.origins([decision], decision.workspace.slug)
    webhook_emit(
        workspace=decision.workspace,
        event=Event.DECISION_RECORDED,
        payload=decision_payload(decision, actor=actor),
    )


# --- Amend and supersede -----------------------------------------------------------------------


def _lock_decision(membership: Membership, decision: Decision) -> Decision:
    """The decision, locked, once the person may change it and it is not superseded."""
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("workspace", "superseded_by")
        .get(pk=decision.pk, workspace=membership.workspace)
    )
    ensure_can_change_decision(membership, locked)
    if locked.is_superseded:
        raise ValidationError(
            f"This decision was already superseded by “{locked.superseded_by}”: "
            "amend or supersede that one instead."
        )
    return locked


@transaction.atomic
def decision_amend(
    *,
    membership: Membership,
    decision: Decision,
    title: str,
    rationale: str,
    departments: Iterable[Department],
    review_on: dt.date | None,
    reason: str,
) -> Decision:
    """Change what was decided, why, its review date or its departments in place, keeping what
    it said before, who changed it, when and why as a revision."""
    locked = _lock_decision(membership, decision)
    title, rationale, reason = title.strip(), rationale.strip(), reason.strip()
    departments = sorted(set(departments), key=lambda department: department.name)
    _check_words(title, rationale)
    _check_departments(locked, departments)
    before = list(locked.departments.order_by("name"))
    fields = {"title": title, "rationale": rationale, "review_on": review_on}
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if before != departments:
        changed.append("departments")
    if not changed:
        raise ValidationError(
            "Nothing changed: change what was decided, why, the review date or the departments."
        )
    if "review_on" in changed and review_on is not None and review_on <= locked.workspace.today():
        raise ValidationError({"review_on": REVIEW_IN_FUTURE})
    if not reason:
        raise ValidationError({"reason": "Say why the decision is amended: its history says so."})
    revision = DecisionRevision.objects.create(
        decision=locked,
        title=locked.title,
        rationale=locked.rationale,
        review_on=locked.review_on,
        reason=reason,
        amended_by=membership.user,
    )
    revision.departments.add(*before)
    update_audited(
        locked,
        fields,
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"{membership.user} amended the decision “{title}”: {reason}",
        related={"departments": ([str(d) for d in before], [str(d) for d in departments])},
    )
    locked.departments.set(departments)
    return locked


def _link(membership: Membership, old: Decision, new: Decision) -> None:
    """Mark ``old`` superseded by ``new`` and cancel its pending review reminders."""
    update_audited(
        old,
        {"superseded_by": new},
        workspace=old.workspace,
        actor=membership.user,
        summary=f"{membership.user} superseded the decision “{old.title}” by “{new.title}”",
    )
    ForumReminder.objects.filter(decision=old, status=ForumReminder.Status.PENDING).update(
        status=ForumReminder.Status.CANCELLED
    )


@transaction.atomic
def decision_supersede(
    *,
    membership: Membership,
    decision: Decision,
    title: str,
    rationale: str,
    departments: Iterable[Department],
    review_on: dt.date | None = None,
) -> Decision:
    """Record a new decision, taken by the person, that replaces ``decision``: the old one
    stays in the log, marked superseded, linked both ways, and no longer comes back for
    review."""
    locked = _lock_decision(membership, decision)
    new = Decision(
        workspace=locked.workspace,
        title=title.strip(),
        rationale=rationale.strip(),
        decided_by=membership.user,
        review_on=review_on,
        created_by=membership.user,
    )
    _decision_save(new, list(departments), decided_by=membership.user, review_on=review_on)
    _link(membership, locked, new)
    decision_recorded_emit(new, actor=membership.user)
    return new


@transaction.atomic
def decision_supersede_by(*, membership: Membership, decision: Decision, by: Decision) -> Decision:
    """Mark ``decision`` superseded by a later decision already in the log (one taken in a
    meeting since, say). The replacement was announced when it was recorded: no webhook."""
    locked = _lock_decision(membership, decision)
    if by.pk == locked.pk:
        raise ValidationError({"by": "A decision cannot supersede itself."})
    replacement = (
        Decision.objects.select_for_update(of=("self",))
        .filter(pk=by.pk, workspace=membership.workspace)
        .first()
    )
    if replacement is None:
        raise ValidationError({"by": "Choose a decision of this workspace."})
    if replacement.is_superseded:
        raise ValidationError({"by": f"“{replacement}” is superseded too: choose a current one."})
    # Read once the replacement is locked: another request may just have linked it.
    earlier = Decision.objects.filter(superseded_by=replacement).first()
    if earlier is not None:
        raise ValidationError({"by": f"“{replacement}” already supersedes “{earlier}”."})
    if (replacement.created_at, replacement.pk) < (locked.created_at, locked.pk):
        raise ValidationError({"by": "A decision is superseded by a later one."})
    _link(membership, locked, replacement)
    return replacement


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
