"""Check-in and ask reminders, each sent exactly once.

Every reminder is a row, keyed by (cycle, goal, recipient, kind) or (ask, recipient, kind),
written before anything is sent; :mod:`core.outbox` enqueues, claims, sends and sweeps the rows
(see there how exactly once comes about). This module says who is reminded of what, when, and
what their messages say.
"""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from checkins import selectors
from checkins.cycles import CycleBounds, cycle_bounds, kinds_due, reminder_day
from checkins.links import checkin_link_token
from checkins.models import Ask, CheckIn, Reminder, ReminderPreference
from checkins.services.cycles import cycle_current
from core import outbox
from core.mail import send_templated_mail
from core.outbox import CHUNK
from core.outbox import MAX_ATTEMPTS as MAX_ATTEMPTS  # a row's attempts before it fails
from goals.models import Goal
from teams.models import Department, Workspace

# Reminders per send task (read at each enqueue).
SEND_BATCH = outbox.SEND_BATCH

Status = Reminder.Status
Kind = Reminder.Kind


# --- Writing rows and enqueuing them ------------------------------------------------------


def _wanted(workspace: Workspace, rows: list[Reminder]) -> list[Reminder]:
    """Drop the rows whose recipient opted out of their kind."""
    preferences = {
        preference.user_id: preference
        for preference in ReminderPreference.objects.filter(
            workspace=workspace, user_id__in={row.recipient_id for row in rows}
        )
    }
    default = ReminderPreference()
    return [row for row in rows if preferences.get(row.recipient_id, default).wants(row.kind)]


def reminders_enqueue(ids: list[int]) -> None:
    """One ``send_reminders`` task per :data:`SEND_BATCH` rows, over one broker connection."""
    from checkins.tasks import send_reminders

    outbox.enqueue_batches(send_reminders, ids, size=SEND_BATCH)


@transaction.atomic
def reminders_record(
    *, workspace: Workspace, rows: Iterable[Reminder], now: datetime | None = None
) -> list[int]:
    """Write the rows that do not exist yet and that their recipients want, then enqueue
    every row of the workspace not enqueued yet; returns the ids enqueued."""
    unique = {
        (row.cycle_id, row.ask_id, row.goal_id, row.recipient_id, row.kind): row for row in rows
    }
    return OUTBOX.record(
        _wanted(workspace, list(unique.values())),
        queued=Reminder.objects.filter(workspace=workspace),
        now=now or timezone.now(),
    )


# --- Planning -----------------------------------------------------------------------------


def _checkin_rows(
    workspace: Workspace, bounds: CycleBounds, day: date, members: set[int]
) -> Iterator[Reminder]:
    kinds = kinds_due(bounds, day)
    if not kinds:
        return
    cycle = cycle_current(workspace=workspace, today=day)
    owed = selectors.OwnerLink.objects.filter(
        goal__workspace=workspace, goal__status__in=selectors.ACTIVE_GOAL_STATUSES
    ).filter(~Exists(CheckIn.objects.filter(cycle=cycle, goal=OuterRef("goal_id"))))
    for goal_id, lead_id, executive_id in owed.values_list(
        "goal_id", "department__lead_id", "department__executive_id"
    ).iterator(chunk_size=CHUNK):
        for kind in kinds:
            recipient = executive_id if kind == Kind.ESCALATION else lead_id
            if recipient in members:
                yield Reminder(
                    workspace=workspace,
                    cycle=cycle,
                    goal_id=goal_id,
                    recipient_id=recipient,
                    kind=kind,
                )


def _ask_late_rows(workspace: Workspace, day: date, members: set[int]) -> Iterator[Reminder]:
    late = (
        Ask.objects.filter(workspace=workspace)
        .filter(selectors.late_q(day))
        .values_list(
            "pk",
            "goal_id",
            "from_department__lead_id",
            "from_department__executive_id",
            "to_department__lead_id",
            "to_department__executive_id",
        )
    )
    for ask_id, goal_id, from_lead, from_executive, to_lead, to_executive in late:
        for recipient in {from_lead or from_executive, to_lead or to_executive} & members:
            yield Reminder(
                workspace=workspace,
                ask_id=ask_id,
                goal_id=goal_id,
                recipient_id=recipient,
                kind=Kind.ASK_LATE,
            )


@transaction.atomic
def reminders_plan(*, workspace: Workspace, now: datetime | None = None) -> list[int]:
    """Write the reminders due at ``now`` for the workspace and enqueue them.

    Before the due date each lead who still owes a check-in gets one reminder, after it one
    nudge, then their department's executive one escalation; the leads on both sides of a
    late ask hear of it once. Running it again writes nothing new.
    """
    now = now or timezone.now()
    day = reminder_day(workspace, now)
    members = set(workspace.memberships.values_list("user_id", flat=True))
    bounds = cycle_bounds(workspace.checkin_cadence, day)
    rows = [
        *_checkin_rows(workspace, bounds, day, members),
        *_ask_late_rows(workspace, day, members),
    ]
    return reminders_record(workspace=workspace, rows=rows, now=now)


# --- The sweep ----------------------------------------------------------------------------


def reminders_sweep(**thresholds: Any) -> list[int]:
    """Put back dead claims and re-enqueue lost messages (:meth:`core.outbox.Outbox.sweep`:
    ``now``, ``stale_after``, ``pending_after``, ``limit``); returns the ids enqueued."""
    return OUTBOX.sweep(**thresholds)


# --- Sending ------------------------------------------------------------------------------


def _still_due(reminder: Reminder, now: datetime) -> bool:
    """Whether there is still something to remind of (a check-in logged meanwhile, an ask
    answered, a goal closed: nothing)."""
    if reminder.kind in Reminder.CHECKIN_KINDS:
        return reminder.goal.status in selectors.ACTIVE_GOAL_STATUSES and not reminder.checked_in
    ask = reminder.ask
    if reminder.kind == Kind.ASK_RECEIVED:
        return ask.status == Ask.Status.OPEN
    if reminder.kind == Kind.ASK_DECLINED:
        return ask.status == Ask.Status.DECLINED
    return ask.is_late(reminder.workspace.today(now))


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _content(reminder: Reminder) -> dict[str, Any]:
    """The email's template and context, and the in-app notification's title and link."""
    ws = reminder.workspace.slug
    goal = reminder.goal
    context: dict[str, Any] = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "workspace": reminder.workspace,
        "goal": goal,
        "settings_url": _absolute(reverse("reminder_settings", kwargs={"ws": ws})),
    }
    if reminder.kind in Reminder.CHECKIN_KINDS:
        token = checkin_link_token(
            goal_id=goal.pk, cycle_id=reminder.cycle_id, user_id=reminder.recipient_id
        )
        context["cycle"] = reminder.cycle
        context["url"] = _absolute(reverse("checkin_link", kwargs={"ws": ws, "token": token}))
        if reminder.kind != Kind.BEFORE_DUE:
            context["departments"] = list(goal.owner_departments.all())
        due = date_format(reminder.cycle.due_on, "D j M")
        titles = {
            Kind.BEFORE_DUE: f"Check-in due {due}: {goal}",
            Kind.NUDGE: f"Check-in overdue since {due}: {goal}",
            Kind.ESCALATION: f"Overdue check-in in your departments: {goal}",
        }
        return {
            "template": f"emails/checkin_{reminder.kind}",
            "context": context,
            "title": titles[reminder.kind],
            "url": reverse("checkin_form", kwargs={"ws": ws, "goal": goal.pk}),
        }
    ask = reminder.ask
    asking = reminder.recipient_id in (
        ask.from_department.lead_id,
        ask.from_department.executive_id,
    )
    box = "?box=sent" if asking and reminder.kind != Kind.ASK_RECEIVED else ""
    url = reverse("ask_inbox", kwargs={"ws": ws}) + box
    context.update(ask=ask, url=_absolute(url), asking=asking)
    titles = {
        Kind.ASK_RECEIVED: f"{ask.from_department} asks {ask.to_department}: {ask.text}",
        Kind.ASK_DECLINED: f"{ask.to_department} declined: {ask.text}",
        Kind.ASK_LATE: f"Late ask ({ask.from_department} → {ask.to_department}): {ask.text}",
    }
    return {
        "template": f"emails/{reminder.kind}",
        "context": context,
        "title": titles[reminder.kind],
        "url": url,
    }


def wants_email() -> Coalesce:
    """For a query of reminder rows (of any app): whether each row's recipient wants their
    reminders by email too, as their :class:`ReminderPreference` in its workspace says."""
    preference = ReminderPreference.objects.filter(
        workspace=OuterRef("workspace_id"), user=OuterRef("recipient_id")
    ).values("by_email")[:1]
    return Coalesce(Subquery(preference), Value(True))


def _for_sending(ids: list[int]) -> dict[int, Reminder]:
    """The batch's reminders by id, with what rendering them needs, in three queries at most:
    the rows with ``checked_in`` (the cycle's check-in is in) and ``by_email`` (the
    recipient's preference), the goals' departments with their people, and the asks. Few
    joins each, as PostgreSQL's planning time grows fast with their number."""
    checkin = CheckIn.objects.filter(cycle=OuterRef("cycle_id"), goal=OuterRef("goal_id"))
    departments = Department.objects.select_related("lead", "executive")
    batch = {
        reminder.pk: reminder
        for reminder in Reminder.objects.filter(pk__in=ids)
        .select_related("workspace", "cycle", "goal", "recipient")
        .annotate(
            checked_in=Exists(checkin),
            by_email=wants_email(),
        )
        .prefetch_related(Prefetch("goal__owner_departments", queryset=departments))
        .order_by()
    }
    ask_ids = {reminder.ask_id for reminder in batch.values() if reminder.ask_id is not None}
    if ask_ids:
        asks = Ask.objects.select_related("from_department", "to_department").in_bulk(ask_ids)
        for reminder in batch.values():
            if reminder.ask_id is not None:
                reminder.ask = asks[reminder.ask_id]
    return batch


class _Reminders(outbox.Outbox):
    """Check-in and ask reminders in :mod:`core.outbox`. Each hook calls this module's
    function, looked up at the call, so that a test can stand in for it."""

    model = Reminder

    def read(self, ids: list[int]) -> dict[int, Reminder]:
        return _for_sending(ids)

    def still_due(self, row: Reminder, now: datetime) -> bool:
        return _still_due(row, now)

    def content(self, row: Reminder) -> dict[str, Any]:
        return _content(row)

    def enqueue(self, ids: list[int]) -> None:
        reminders_enqueue(ids)

    def mail(self, **message: Any) -> None:
        send_templated_mail(**message)


OUTBOX = _Reminders()


def reminders_send(*, reminder_ids: list[int], final_attempt: bool = False) -> dict[int, str]:
    """Send a batch of reminders over one mail session; each id's outcome (see
    :meth:`core.outbox.Outbox.send`)."""
    return OUTBOX.send(ids=reminder_ids, final_attempt=final_attempt)


def reminders_cancel_for_checkin(*, cycle_id: int, goal: Goal) -> int:
    """A check-in was logged: the cycle's reminders for the goal not sent yet are moot."""
    return Reminder.objects.filter(
        cycle_id=cycle_id, goal=goal, kind__in=Reminder.CHECKIN_KINDS, status=Status.PENDING
    ).update(status=Status.CANCELLED)
