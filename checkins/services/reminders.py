"""Reminders that are never lost and never sent twice.

Every reminder is a row, keyed by (cycle, goal, recipient, kind) or (ask, recipient, kind),
written before anything is sent. Rows are enqueued once the transaction that wrote them has
committed, in batches: a task reads a batch at once and sends it over one SMTP session, yet
claims each row on its own with a conditional UPDATE (pending -> sending) just before sending
it, and marks it sent right after, in the same transaction as its in-app notification (and
the claim of the next row: one durable commit per reminder). A periodic sweep puts back the
claims of workers that died and re-enqueues rows whose message was lost with the broker, or
that a mail server outage handed back: each row is given up after its own MAX_ATTEMPTS only.

The one duplicate left is a worker dying after the SMTP server accepted the message but before
the row was marked sent. Its re-send is logged as such, and carries the same Message-ID, so
mail clients that de-duplicate by Message-ID show it once.
"""

import logging
import smtplib
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from kombu.exceptions import KombuError

from checkins import selectors
from checkins.cycles import CycleBounds, cycle_bounds, kinds_due, reminder_day
from checkins.links import checkin_link_token
from checkins.models import Ask, CheckIn, Reminder, ReminderPreference
from checkins.services.cycles import cycle_current
from core.mail import send_templated_mail
from core.notify import notify
from core.retries import RETRYABLE
from goals.models import Goal
from teams.models import Department, Workspace

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claim older than this belongs to a worker that died: sending takes seconds (EMAIL_TIMEOUT).
CLAIM_TIMEOUT = timedelta(minutes=5)
# A row still pending this long after it was enqueued lost its message (a broker restart).
ENQUEUE_TIMEOUT = timedelta(minutes=10)
SWEEP_LIMIT = 10_000
CHUNK = 2_000
# Reminders per send task: one read of their data and one SMTP session for all of them.
SEND_BATCH = 100

Status = Reminder.Status
Kind = Reminder.Kind
FINAL = (Status.SENT, Status.FAILED, Status.CANCELLED)
T = TypeVar("T")


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
    """One ``send_reminders`` task per :data:`SEND_BATCH` rows, over one broker connection.
    When the broker is down, the rows stay pending and the sweep enqueues them later."""
    from checkins.tasks import send_reminders

    try:
        with send_reminders.app.producer_or_acquire() as producer:
            for start in range(0, len(ids), SEND_BATCH):
                send_reminders.apply_async((ids[start : start + SEND_BATCH],), producer=producer)
    except (KombuError, OSError):
        logger.exception("Could not enqueue %d reminders; the sweep will enqueue them.", len(ids))


def _queue(rows: QuerySet[Reminder], now: datetime, limit: int | None = None) -> list[int]:
    """Stamp the pending ``rows`` as enqueued and enqueue them when the transaction commits."""
    pending = rows.filter(status=Status.PENDING).order_by("pk").values_list("pk", flat=True)
    ids = list(pending[:limit] if limit is not None else pending)
    for start in range(0, len(ids), CHUNK):
        Reminder.objects.filter(pk__in=ids[start : start + CHUNK]).update(queued_at=now)
    if ids:
        transaction.on_commit(partial(reminders_enqueue, ids))
    return ids


@transaction.atomic
def reminders_record(
    *, workspace: Workspace, rows: Iterable[Reminder], now: datetime | None = None
) -> list[int]:
    """Write the rows that do not exist yet and that their recipients want, then enqueue
    every row of the workspace not enqueued yet; returns the ids enqueued."""
    unique = {
        (row.cycle_id, row.ask_id, row.goal_id, row.recipient_id, row.kind): row for row in rows
    }
    Reminder.objects.bulk_create(
        _wanted(workspace, list(unique.values())), ignore_conflicts=True, batch_size=CHUNK
    )
    return _queue(
        Reminder.objects.filter(workspace=workspace, queued_at__isnull=True), now or timezone.now()
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


@transaction.atomic
def reminders_sweep(
    *,
    now: datetime | None = None,
    stale_after: timedelta = CLAIM_TIMEOUT,
    pending_after: timedelta = ENQUEUE_TIMEOUT,
    limit: int = SWEEP_LIMIT,
) -> list[int]:
    """Put back the claims of dead workers, give up on rows past :data:`MAX_ATTEMPTS`, and
    re-enqueue the pending rows whose message may be lost; returns the ids enqueued."""
    now = now or timezone.now()
    released = Reminder.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - stale_after
    ).update(status=Status.PENDING)
    given_up = Reminder.objects.filter(status=Status.PENDING, attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=f"Gave up after {MAX_ATTEMPTS} attempts."
    )
    lost = Reminder.objects.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - pending_after))
    ids = _queue(lost, now, limit)
    if released or given_up or ids:
        logger.warning(
            "Reminder sweep: %d stale claims released, %d given up, %d re-enqueued.",
            released,
            given_up,
            len(ids),
        )
    return ids


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


def _with_database_retries(step: Callable[[], T], attempts: int = 3) -> T:
    """Run a short write again on a fresh connection after the database dropped the old one
    (a restart): the claims, and the sent marks, so that a message already sent is not sent
    again for want of recording it."""
    for attempt in range(1, attempts):
        try:
            return step()
        except (OperationalError, InterfaceError):
            connection.close()
            time.sleep(attempt)
    return step()


def _for_sending(ids: list[int]) -> dict[int, Reminder]:
    """The batch's reminders by id, with what rendering them needs, in three queries at most:
    the rows with ``checked_in`` (the cycle's check-in is in) and ``by_email`` (the
    recipient's preference), the goals' departments with their people, and the asks. Few
    joins each, as PostgreSQL's planning time grows fast with their number."""
    checkin = CheckIn.objects.filter(cycle=OuterRef("cycle_id"), goal=OuterRef("goal_id"))
    preference = ReminderPreference.objects.filter(
        workspace=OuterRef("workspace_id"), user=OuterRef("recipient_id")
    ).values("by_email")[:1]
    departments = Department.objects.select_related("lead", "executive")
    batch = {
        reminder.pk: reminder
        for reminder in Reminder.objects.filter(pk__in=ids)
        .select_related("workspace", "cycle", "goal", "recipient")
        .annotate(
            checked_in=Exists(checkin),
            by_email=Coalesce(Subquery(preference), Value(True)),
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


def _claim_next(rows: list[Reminder], start: int) -> int | None:
    """Claim the first of ``rows`` from ``start`` on that no one has taken since the batch
    read it; its index, or None. Each claim is a conditional UPDATE of its own row (pending
    -> sending) that matches the attempts read and moves them on: of two workers, one wins."""
    for index in range(start, len(rows)):
        row = rows[index]
        if row.status in FINAL or row.attempts >= MAX_ATTEMPTS:
            continue
        # last_error is cleared: an attempt that dies before recording its end leaves it blank.
        if Reminder.objects.filter(pk=row.pk, status=Status.PENDING, attempts=row.attempts).update(
            status=Status.SENDING,
            claimed_at=timezone.now(),
            attempts=row.attempts + 1,
            last_error="",
        ):
            return index
    return None


def _finish(
    reminder: Reminder,
    status: str,
    *,
    content: dict[str, Any] | None = None,
    error: Exception | None = None,
) -> int:
    """Record the outcome of this claim, if the claim is still ours: sent (with its in-app
    notification), cancelled, failed, or pending again for a retry (``error`` says why)."""
    changes: dict[str, Any] = {"status": status, "last_error": ""}
    if status == Status.SENT:
        changes["sent_at"] = timezone.now()
    if error is not None:
        changes.update(
            queued_at=timezone.now(), last_error=f"{type(error).__name__}: {error}"[:300]
        )
    done = Reminder.objects.filter(
        pk=reminder.pk, status=Status.SENDING, attempts=reminder.attempts
    ).update(**changes)
    if done and content is not None:
        notify(
            workspace=reminder.workspace,
            recipients=[reminder.recipient],
            kind=f"reminder.{reminder.kind}",
            title=content["title"],
            url=content["url"],
        )
    return done


def _settle(
    rows: list[Reminder], start: int, finish: Callable[[], int] | None = None
) -> int | None:
    """One transaction, so one durable commit, per reminder: ``finish`` records the outcome
    of the row just handled, then the next row from ``start`` on is claimed, just before its
    message goes out. Returns the index of the row claimed, or None when none is left."""

    def step() -> int | None:
        with transaction.atomic():
            if finish is not None:
                finish()
            return _claim_next(rows, start)

    index = _with_database_retries(step)
    if index is not None:
        rows[index].status = Status.SENDING
        rows[index].attempts += 1
    return index


def _deliver(reminder: Reminder, mailer: BaseEmailBackend) -> tuple[str, dict[str, Any] | None]:
    """Send one claimed reminder over the ``mailer`` session, unless it is moot; returns the
    status to record and the content of its in-app notification."""
    # The last attempt recorded no error, so it never finished: it may have sent the message.
    if reminder.attempts > 1 and not reminder.last_error:
        logger.warning(
            "Reminder %s: attempt %s after an unfinished one; if that one died inside the SMTP "
            "call, %s receives this message twice.",
            reminder.pk,
            reminder.attempts,
            reminder.recipient.email or reminder.recipient,
        )
    if not _still_due(reminder, timezone.now()):
        return Status.CANCELLED, None
    content = _content(reminder)
    if reminder.by_email and reminder.recipient.email:
        host = urlsplit(settings.SITE_URL).hostname or "alignment.localhost"
        mailer.open()
        send_templated_mail(
            template=content["template"],
            to=[reminder.recipient.email],
            context=content["context"],
            headers={
                "Message-ID": f"<reminder-{reminder.pk}@{host}>",
                "X-Alignment-Reminder": str(reminder.pk),
            },
            connection=mailer,
        )
    return Status.SENT, content


def _refused_message(error: Exception) -> bool:
    """Whether the server refused this one message (its recipient, or its content) rather
    than failing as a whole (down, unreachable, or refusing our session or sender): the rest
    of the batch can still go out."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) or (
        isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
    )


def _refused_for_good(error: Exception) -> bool:
    """Whether the server refused this one message with a permanent (5xx) reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _after_mail_error(reminder: Reminder, error: Exception) -> str:
    """Failed when the server refused the message for good or when this row has had its
    :data:`MAX_ATTEMPTS`; otherwise pending, for a later attempt."""
    if _refused_for_good(error) or reminder.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Reminder %s failed for good after %s attempts: %s",
            reminder.pk,
            reminder.attempts,
            error,
        )
        return Status.FAILED
    return Status.PENDING


def _hand_back(finish: Callable[[], int], rest: list[int]) -> None:
    """Record the outcome of the row that met a mail server failure and stamp the rest of
    the batch as enqueued just now: the task's retry takes them up, or else the sweep, after
    :data:`ENQUEUE_TIMEOUT`."""
    with transaction.atomic():
        finish()
        if rest:
            Reminder.objects.filter(pk__in=rest, status=Status.PENDING).update(
                queued_at=timezone.now()
            )


def reminders_send(*, reminder_ids: list[int], final_attempt: bool = False) -> dict[int, str]:
    """Send a batch of reminders over one mail session; returns each id's outcome: "sent",
    "cancelled", "failed", "pending" (handed back for a later attempt) or "skipped" (someone
    else has it, it is done, or it is gone).

    The batch is read at once. Each row is then claimed on its own just before its message
    goes out, and marked sent just after, in the transaction that claims the next row: a
    worker dying mid-batch leaves at most the message in flight unrecorded. A row fails on
    its own: when the server refuses its message for good (5xx for its recipient or
    content), when its :data:`MAX_ATTEMPTS` are spent, or on any error other than a mail
    one. A refusal for now (4xx for its recipient) hands back that row alone. When the mail
    server fails as a whole (SMTP, network), the row and the rest of the batch are handed
    back, and the error raised for the task to retry the batch with backoff (the retry reads
    the batch again, then skips the rows sent by then without claiming them); on the final
    attempt they are left to the sweep instead. So an outage costs each row only its own
    attempts.
    """
    batch = _for_sending(reminder_ids)
    rows = [batch[pk] for pk in dict.fromkeys(reminder_ids) if pk in batch]
    outcomes = dict.fromkeys(reminder_ids, "skipped")
    mailer = get_connection()
    try:
        index = _settle(rows, 0)
        while index is not None:
            reminder = rows[index]
            try:
                status, content = _deliver(reminder, mailer)
                finish = partial(_finish, reminder, status, content=content)
            except RETRYABLE as error:
                status = _after_mail_error(reminder, error)
                finish = partial(_finish, reminder, status, error=error)
                if not _refused_message(error):
                    rest = [row.pk for row in rows[index + 1 :] if row.status not in FINAL]
                    _with_database_retries(partial(_hand_back, finish, rest))
                    logger.warning(
                        "Mail server failed on reminder %s (%s): %d more handed back.",
                        reminder.pk,
                        error,
                        len(rest),
                    )
                    if not final_attempt:
                        raise
                    outcomes.update(dict.fromkeys(rest, Status.PENDING.value))
                    outcomes[reminder.pk] = Status(status).value
                    break
            except Exception as error:
                logger.exception("Reminder %s failed for good.", reminder.pk)
                status = Status.FAILED
                finish = partial(_finish, reminder, status, error=error)
            outcomes[reminder.pk] = Status(status).value
            index = _settle(rows, index + 1, finish)
    finally:
        mailer.close()
    return outcomes


def reminders_cancel_for_checkin(*, cycle_id: int, goal: Goal) -> int:
    """A check-in was logged: the cycle's reminders for the goal not sent yet are moot."""
    return Reminder.objects.filter(
        cycle_id=cycle_id, goal=goal, kind__in=Reminder.CHECKIN_KINDS, status=Status.PENDING
    ).update(status=Status.CANCELLED)
