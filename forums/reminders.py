"""Forum reminders, each sent exactly once.

Who hears of what, and when (planned every 15 minutes by :func:`forum_reminders_plan`):

* the facilitator, two days before a meeting (:data:`PREPARE_AHEAD`): prepare its agenda;
* every participant, a day before it (:data:`AGENDA_AHEAD`): its agenda as it stands, for
  guests only the items shared with guests;
* the facilitator, a day after a meeting ended (:data:`MINUTES_AFTER`) without its minutes
  published;
* an action item's owner, on the day before it is due (from 09:00 in the workspace's
  timezone, as for check-ins: :func:`checkins.cycles.reminder_day`), and once when it is
  overdue;
* a decision's owners (whoever took it and the leads of its departments), on its review date
  from 09:00 in the workspace's timezone (the forum agendas list it too:
  :func:`forums.agenda._reviews`).

Every reminder is a row, keyed by (meeting, recipient, kind), (action, recipient, kind) or
(decision, recipient, kind, review date), written before anything is sent; :mod:`core.outbox`
enqueues, claims, sends and sweeps the rows. Cancelled meetings, closed actions and superseded
decisions get nothing, and a row whose meeting was cancelled, whose action was closed or whose
decision was superseded (or given another review date) before it went out is cancelled unsent.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from checkins.cycles import reminder_day
from checkins.services.reminders import wants_email
from core import outbox
from forums.agenda import Item, agenda_of
from forums.models import ActionItem, Decision, Forum, ForumReminder, Meeting
from teams.models import Department, Membership, Role, Workspace

PREPARE_AHEAD = timedelta(days=2)
AGENDA_AHEAD = timedelta(days=1)
MINUTES_AFTER = timedelta(days=1)
ACTION_DUE_AHEAD = timedelta(days=1)
# What the planner missed by more than this (down for days) is no longer worth saying.
CATCH_UP = timedelta(days=7)

Kind = ForumReminder.Kind


# --- Planning ------------------------------------------------------------------------------


def _participants(
    workspace: Workspace, facilitators: dict[int, int], members: set[int]
) -> dict[int, set[int]]:
    """Forum id -> its participants who are in the workspace, as
    :func:`forums.selectors.meeting_people` counts them (the facilitator, the members and
    leads of its departments, its guests), in three queries for any number of forums."""
    people: dict[int, set[int]] = defaultdict(set)
    for forum_id, facilitator in facilitators.items():
        people[forum_id].add(facilitator)
    departments: dict[int, set[int]] = defaultdict(set)
    for forum_id, department_id, lead_id in Forum.departments.through.objects.filter(
        forum_id__in=facilitators
    ).values_list("forum_id", "department_id", "department__lead_id"):
        departments[department_id].add(forum_id)
        people[forum_id].add(lead_id)
    in_department = Membership.departments.through.objects.filter(
        membership__workspace=workspace, department_id__in=departments
    ).values_list("department_id", "membership__user_id")
    for department_id, user_id in in_department:
        for forum_id in departments[department_id]:
            people[forum_id].add(user_id)
    guests = Forum.guests.through.objects.filter(forum_id__in=facilitators)
    for forum_id, user_id in guests.values_list("forum_id", "user_id"):
        people[forum_id].add(user_id)
    return {forum_id: found & members for forum_id, found in people.items()}


def _meeting_rows(workspace: Workspace, now: datetime, members: set[int]) -> Iterator[dict]:
    """The agenda for every participant of the meetings starting within a day, the prompt to
    prepare it for the facilitator of those starting within two."""
    meetings = list(
        Meeting.objects.filter(
            workspace=workspace,
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + PREPARE_AHEAD,
        ).values_list("pk", "forum_id", "forum__facilitator_id", "starts_at")
    )
    if not meetings:
        return
    people = _participants(
        workspace, {forum_id: facilitator for _, forum_id, facilitator, _ in meetings}, members
    )
    for pk, forum_id, facilitator, starts_at in meetings:
        if starts_at <= now + AGENDA_AHEAD:
            for person in people[forum_id]:
                yield {"meeting_id": pk, "recipient_id": person, "kind": Kind.AGENDA}
        elif facilitator in members:
            yield {"meeting_id": pk, "recipient_id": facilitator, "kind": Kind.PREPARE}


def _minutes_rows(workspace: Workspace, now: datetime, members: set[int]) -> Iterator[dict]:
    """The facilitator of a meeting over for a day (ended, or past its end without being
    ended) whose minutes are not published."""
    late, since = now - MINUTES_AFTER, now - CATCH_UP - MINUTES_AFTER
    meetings = Meeting.objects.filter(
        Q(ended_at__range=(since, late)) | Q(ended_at__isnull=True, starts_at__range=(since, late)),
        workspace=workspace,
        status__in=Meeting.RUNNING,
    ).values_list("pk", "forum__facilitator_id", "starts_at", "duration_minutes", "ended_at")
    for pk, facilitator, starts_at, duration, ended_at in meetings:
        ended = ended_at or starts_at + timedelta(minutes=duration)
        if ended <= late and facilitator in members:
            yield {"meeting_id": pk, "recipient_id": facilitator, "kind": Kind.MINUTES}


def _action_rows(workspace: Workspace, now: datetime, members: set[int]) -> Iterator[dict]:
    """The owner of each open action due by tomorrow, and of each overdue one."""
    day = reminder_day(workspace, now)
    actions = ActionItem.objects.filter(
        workspace=workspace,
        status=ActionItem.Status.OPEN,
        due_on__gte=day - CATCH_UP,
        due_on__lte=day + ACTION_DUE_AHEAD,
    ).values_list("pk", "owner_id", "due_on")
    for pk, owner, due_on in actions:
        if owner in members:
            kind = Kind.ACTION_DUE if due_on >= day else Kind.ACTION_OVERDUE
            yield {"action_id": pk, "recipient_id": owner, "kind": kind}


def _decision_rows(workspace: Workspace, now: datetime, members: set[int]) -> Iterator[dict]:
    """The owners of each decision not superseded whose review date has come: whoever took
    it and the leads of its departments, those still in the workspace."""
    day = reminder_day(workspace, now)
    decisions = list(
        Decision.objects.filter(
            workspace=workspace,
            superseded_by__isnull=True,
            review_on__gte=day - CATCH_UP,
            review_on__lte=day,
        ).values_list("pk", "decided_by_id", "review_on")
    )
    if not decisions:
        return
    owners: dict[int, set[int]] = defaultdict(set)
    for pk, decided_by, _ in decisions:
        owners[pk].add(decided_by)
    leads = Decision.departments.through.objects.filter(
        decision_id__in=owners, department__lead__isnull=False
    ).values_list("decision_id", "department__lead_id")
    for pk, lead in leads:
        owners[pk].add(lead)
    for pk, _, review_on in decisions:
        for person in sorted(owners[pk] & members):
            yield {
                "decision_id": pk,
                "recipient_id": person,
                "kind": Kind.DECISION_REVIEW,
                "review_on": review_on,
            }


@transaction.atomic
def forum_reminders_plan(*, workspace: Workspace, now: datetime | None = None) -> list[int]:
    """Write the forum reminders due at ``now`` in the workspace and enqueue them; returns the
    ids enqueued. Running it again writes nothing new: each row exists once."""
    now = now or timezone.now()
    members = set(workspace.memberships.values_list("user_id", flat=True))
    rows = [
        ForumReminder(workspace=workspace, **fields)
        for found in (_meeting_rows, _minutes_rows, _action_rows, _decision_rows)
        for fields in found(workspace, now, members)
    ]
    return OUTBOX.record(rows, queued=ForumReminder.objects.filter(workspace=workspace), now=now)


def forum_reminders_sweep(**thresholds: Any) -> list[int]:
    """Put back dead claims and re-enqueue lost messages (:meth:`core.outbox.Outbox.sweep`:
    ``now``, ``stale_after``, ``pending_after``, ``limit``); returns the ids enqueued."""
    return OUTBOX.sweep(**thresholds)


def forum_reminders_send(*, reminder_ids: list[int], final_attempt: bool = False) -> dict[int, str]:
    """Send a batch over one mail session; each id's outcome (:meth:`core.outbox.Outbox.send`)."""
    return OUTBOX.send(ids=reminder_ids, final_attempt=final_attempt)


# --- Sending -------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _agendas(rows: list[ForumReminder]) -> None:
    """Give each row about a meeting its ``agenda``: the live one, read once per meeting
    however many receive it, for the meetings still scheduled whose agenda is to be sent."""
    agendas: dict[int, list[Item]] = {}
    for row in rows:
        meeting = row.meeting
        wanted = row.kind != Kind.MINUTES and row.status == ForumReminder.Status.PENDING
        if wanted and meeting.pk not in agendas and meeting.status == Meeting.Status.SCHEDULED:
            departments = [department.pk for department in meeting.forum.departments.all()]
            agendas[meeting.pk] = agenda_of(meeting, departments=departments)
        row.agenda = agendas.get(meeting.pk, [])


def _agenda_context(row: ForumReminder) -> dict[str, Any]:
    """The meeting, its local start and its agenda (for a guest, the items shared with
    guests), each item with an absolute link."""
    meeting, forum = row.meeting, row.meeting.forum
    agenda = row.agenda
    if row.role == Role.GUEST:
        agenda = [item for item in agenda if item.shared_with_guests]
    return {
        "meeting": meeting,
        "forum": forum,
        # On the forum's clock, naive: templates would show an aware time in UTC.
        "starts": timezone.localtime(meeting.starts_at, forum.zone).replace(tzinfo=None),
        "agenda": [(item, _absolute(item.url) if item.url else "") for item in agenda],
        "total_minutes": sum(item.minutes or 0 for item in agenda),
    }


def _meeting_content(row: ForumReminder, context: dict[str, Any]) -> dict[str, Any]:
    ws = row.workspace.slug
    path = reverse("meeting_detail", kwargs={"ws": ws, "pk": row.meeting_id})
    context.update(_agenda_context(row), url=_absolute(path))
    forum, day = context["forum"], date_format(context["starts"], "D j M")
    titles = {
        Kind.PREPARE: f"Prepare the agenda: {forum} on {day}",
        Kind.AGENDA: f"Agenda: {forum} on {day} at {context['starts']:%H:%M}",
        Kind.MINUTES: f"Publish the minutes: {forum} of {day}",
    }
    return {"context": context, "title": titles[row.kind], "url": path}


def _action_content(row: ForumReminder, context: dict[str, Any]) -> dict[str, Any]:
    ws, action = row.workspace.slug, row.action
    path = reverse("my_work", kwargs={"ws": ws})
    context.update(action=action, url=_absolute(path))
    meeting = action.meeting
    if meeting is not None:
        context.update(
            meeting_url=_absolute(reverse("meeting_detail", kwargs={"ws": ws, "pk": meeting.pk})),
            meeting_on=meeting.starts_at.astimezone(meeting.forum.zone).date(),
        )
    due = date_format(action.due_on, "D j M")
    titles = {
        Kind.ACTION_DUE: f"Action due {due}: {action.title}",
        Kind.ACTION_OVERDUE: f"Action overdue since {due}: {action.title}",
    }
    return {"context": context, "title": titles[row.kind], "url": path}


def _decision_content(row: ForumReminder, context: dict[str, Any]) -> dict[str, Any]:
    decision = row.decision
    path = reverse("decision_detail", kwargs={"ws": row.workspace.slug, "pk": decision.pk})
    context.update(decision=decision, url=_absolute(path))
    return {"context": context, "title": f"Decision due for review: {decision.title}", "url": path}


class _ForumReminders(outbox.Outbox):
    """Forum reminders in :mod:`core.outbox`."""

    model = ForumReminder
    message_id = "forum-reminder"
    header = "X-Alignment-Forum-Reminder"
    notification = "forum"

    def read(self, ids: list[int]) -> dict[int, ForumReminder]:
        """The rows with ``by_email`` and the recipient's ``role``, their meetings (with each
        forum and its departments), actions and decisions, and the agendas to send."""
        role = Membership.objects.filter(
            workspace=OuterRef("workspace_id"), user=OuterRef("recipient_id")
        ).values("role")[:1]
        batch = {
            row.pk: row
            for row in ForumReminder.objects.filter(pk__in=ids)
            .select_related("workspace", "recipient")
            .annotate(by_email=wants_email(), role=Subquery(role))
            .order_by()
        }
        departments = Prefetch("forum__departments", queryset=Department.objects.only("pk"))
        meetings = (
            Meeting.objects.select_related("forum", "workspace")
            .prefetch_related(departments)
            .in_bulk({row.meeting_id for row in batch.values()} - {None})
        )
        actions = ActionItem.objects.select_related("meeting__forum").in_bulk(
            {row.action_id for row in batch.values()} - {None}
        )
        decisions = Decision.objects.select_related("meeting__forum").in_bulk(
            {row.decision_id for row in batch.values()} - {None}
        )
        for row in batch.values():
            if row.meeting_id is not None:
                row.meeting = meetings[row.meeting_id]
            elif row.action_id is not None:
                row.action = actions[row.action_id]
            else:
                row.decision = decisions[row.decision_id]
        _agendas([row for row in batch.values() if row.meeting_id is not None])
        return batch

    def still_due(self, row: ForumReminder, now: datetime) -> bool:
        """The recipient still in the workspace; the meeting not cancelled, started or past;
        the minutes not published; the action open, still its owner's, and (not) overdue as its
        kind says; the decision not superseded and still due for review on the row's date."""
        if row.role is None:
            return False
        if row.kind == Kind.DECISION_REVIEW:
            decision = row.decision
            return not decision.is_superseded and decision.review_on == row.review_on
        if row.kind in ForumReminder.ACTION_KINDS:
            action = row.action
            if action.status != ActionItem.Status.OPEN or action.owner_id != row.recipient_id:
                return False
            overdue = action.due_on < row.workspace.today(now)
            return overdue == (row.kind == Kind.ACTION_OVERDUE)
        if row.kind == Kind.MINUTES:
            return row.meeting.status in Meeting.RUNNING
        return row.meeting.status == Meeting.Status.SCHEDULED and row.meeting.starts_at > now

    def content(self, row: ForumReminder) -> dict[str, Any]:
        """The email's template and context, and the in-app notification's title and link."""
        settings_path = reverse("reminder_settings", kwargs={"ws": row.workspace.slug})
        context: dict[str, Any] = {
            "reminder": row,
            "recipient": row.recipient,
            "workspace": row.workspace,
            # Guests add no topics and have no reminder settings.
            "guest": row.role == Role.GUEST,
            "settings_url": _absolute(settings_path),
        }
        if row.kind in ForumReminder.ACTION_KINDS:
            make = _action_content
        elif row.kind == Kind.DECISION_REVIEW:
            make = _decision_content
        else:
            make = _meeting_content
        return {"template": f"emails/forum_{row.kind}", **make(row, context)}

    def enqueue(self, ids: list[int]) -> None:
        """One ``send_forum_reminders`` task per batch, over one broker connection."""
        from forums.tasks import send_forum_reminders

        outbox.enqueue_batches(send_forum_reminders, ids)


OUTBOX = _ForumReminders()
