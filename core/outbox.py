"""Messages that are never lost and never sent twice: the machinery under every reminder.

Every message is a row (an :class:`OutboxRow`), keyed by what it is about, its recipient and
its kind, and written before anything is sent. Rows are enqueued once the transaction that
wrote them has committed, in batches: a task reads a batch at once and sends it over one SMTP
session, yet claims each row on its own with a conditional UPDATE (pending -> sending) just
before sending it, and marks it sent right after, in the same transaction as its in-app
notification (and the claim of the next row: one durable commit per message). A periodic sweep
puts back the claims of workers that died and re-enqueues rows whose message was lost with the
broker, or that a mail server outage handed back: each row is given up after its own
MAX_ATTEMPTS only.

The one duplicate left is a worker dying after the SMTP server accepted the message but before
the row was marked sent. Its re-send is logged as such, and carries the same Message-ID, so
mail clients that de-duplicate by Message-ID show it once.

An app says what its rows are and how their messages are made in a subclass of
:class:`Outbox` (``checkins.services.reminders``, ``forums.reminders``); the rest is here.
"""

import logging
import smtplib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import KombuError

from core.mail import send_templated_mail
from core.notify import notify
from core.retries import RETRYABLE

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claim older than this belongs to a worker that died: sending takes seconds (EMAIL_TIMEOUT).
CLAIM_TIMEOUT = timedelta(minutes=5)
# A row still pending this long after it was enqueued lost its message (a broker restart).
ENQUEUE_TIMEOUT = timedelta(minutes=10)
SWEEP_LIMIT = 10_000
CHUNK = 2_000
# Messages per send task: one read of their data and one SMTP session for all of them.
SEND_BATCH = 100
T = TypeVar("T")


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINAL = (Status.SENT, Status.FAILED, Status.CANCELLED)


class OutboxRow(models.Model):
    """One message to one person, recorded before it is sent so it goes out exactly once: it
    moves pending -> sending (claimed by one worker) -> sent, or to failed after its retries,
    or to cancelled when there is nothing left to say.

    A concrete model adds ``workspace`` and ``recipient`` foreign keys, a ``kind``, what the
    message is about, and the unique constraints that make each message one row.
    """

    Status = Status

    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: pending rows whose message may be lost, oldest enqueue first.
            models.Index(
                fields=["queued_at"],
                condition=models.Q(status="pending"),
                name="%(class)s_pending_queued",
            ),
            # The sweep: claims of a worker that died.
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="%(class)s_sending_claimed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "sending", "sent", "failed", "cancelled"]
                ),
                name="%(class)s_status_valid",
            ),
        ]


# --- Small helpers ---------------------------------------------------------------------------


def enqueue_batches(task: Any, ids: list[int], *, size: int = SEND_BATCH) -> None:
    """One ``task`` per ``size`` ids, over one broker connection. When the broker is down,
    the rows stay pending and the sweep enqueues them later."""
    try:
        with task.app.producer_or_acquire() as producer:
            for start in range(0, len(ids), size):
                task.apply_async((ids[start : start + size],), producer=producer)
    except (KombuError, OSError):
        logger.exception("Could not enqueue %d reminders; the sweep will enqueue them.", len(ids))


def in_seconds(**thresholds: float | None) -> dict[str, timedelta]:
    """The sweep's thresholds given in seconds (as tasks take them), those left None out:
    ``sweep(**in_seconds(stale_after=2, pending_after=None))``."""
    return {name: timedelta(seconds=s) for name, s in thresholds.items() if s is not None}


def with_database_retries(step: Callable[[], T], attempts: int = 3) -> T:
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


def refused_message(error: Exception) -> bool:
    """Whether the server refused this one message (its recipient, or its content) rather
    than failing as a whole (down, unreachable, or refusing our session or sender): the rest
    of the batch can still go out."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) or (
        isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
    )


def refused_for_good(error: Exception) -> bool:
    """Whether the server refused this one message with a permanent (5xx) reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


# --- One model of rows -----------------------------------------------------------------------


class Outbox:
    """The queue of one model of :class:`OutboxRow`: enqueuing, the sweep, and sending.

    A subclass names its ``model``, how its messages are told apart (``message_id``, the
    ``header`` carrying the row's id, the ``notification`` kind prefix) and implements
    :meth:`read`, :meth:`still_due`, :meth:`content` and :meth:`enqueue`.
    """

    model: type[OutboxRow]
    message_id = "reminder"  # Message-ID: <reminder-42@host>
    header = "X-Alignment-Reminder"
    notification = "reminder"  # in-app notification kinds "reminder.<kind>"

    def read(self, ids: list[int]) -> dict[int, Any]:
        """The batch's rows by id, with all that :meth:`content` needs and ``by_email`` (the
        recipient wants email, not only the in-app notification), in a few queries."""
        raise NotImplementedError

    def still_due(self, row: Any, now: datetime) -> bool:
        """Whether there is still something to say (else the row is cancelled unsent)."""
        raise NotImplementedError

    def content(self, row: Any) -> dict[str, Any]:
        """The email's ``template`` and ``context``, the notification's ``title`` and ``url``."""
        raise NotImplementedError

    def enqueue(self, ids: list[int]) -> None:
        """Hand the ids to the send task (:func:`enqueue_batches`)."""
        raise NotImplementedError

    def mail(self, **message: Any) -> None:
        send_templated_mail(**message)

    @property
    def label(self) -> str:
        """What the logs call a row: "Reminder", "Forum reminder"."""
        return str(self.model._meta.verbose_name).capitalize()

    # --- Enqueuing and the sweep -------------------------------------------------------------

    def queue(self, rows: QuerySet, now: datetime, limit: int | None = None) -> list[int]:
        """Stamp the pending ``rows`` as enqueued and enqueue them when the transaction
        commits; returns their ids."""
        pending = rows.filter(status=Status.PENDING).order_by("pk").values_list("pk", flat=True)
        ids = list(pending[:limit] if limit is not None else pending)
        for start in range(0, len(ids), CHUNK):
            self.model.objects.filter(pk__in=ids[start : start + CHUNK]).update(queued_at=now)
        if ids:
            transaction.on_commit(partial(self.enqueue, ids))
        return ids

    def record(self, rows: list[Any], *, queued: QuerySet, now: datetime) -> list[int]:
        """Write the ``rows`` that do not exist yet (the unique constraints skip the others),
        then enqueue the rows of ``queued`` not enqueued yet."""
        self.model.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
        return self.queue(queued.filter(queued_at__isnull=True), now)

    def sweep(
        self,
        *,
        now: datetime | None = None,
        stale_after: timedelta = CLAIM_TIMEOUT,
        pending_after: timedelta = ENQUEUE_TIMEOUT,
        limit: int = SWEEP_LIMIT,
    ) -> list[int]:
        """Put back the claims of dead workers, give up on rows past :data:`MAX_ATTEMPTS`, and
        re-enqueue the pending rows whose message may be lost; returns the ids enqueued."""
        now = now or timezone.now()
        rows = self.model.objects
        with transaction.atomic():
            released = rows.filter(status=Status.SENDING, claimed_at__lt=now - stale_after).update(
                status=Status.PENDING
            )
            given_up = rows.filter(status=Status.PENDING, attempts__gte=MAX_ATTEMPTS).update(
                status=Status.FAILED, last_error=f"Gave up after {MAX_ATTEMPTS} attempts."
            )
            lost = rows.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - pending_after))
            ids = self.queue(lost, now, limit)
        if released or given_up or ids:
            logger.warning(
                "%s sweep: %d stale claims released, %d given up, %d re-enqueued.",
                self.label,
                released,
                given_up,
                len(ids),
            )
        return ids

    # --- Sending -----------------------------------------------------------------------------

    def _claim_next(self, rows: list[Any], start: int) -> int | None:
        """Claim the first of ``rows`` from ``start`` on that no one has taken since the batch
        read it; its index, or None. Each claim is a conditional UPDATE of its own row (pending
        -> sending) that matches the attempts read and moves them on: of two workers, one
        wins."""
        for index in range(start, len(rows)):
            row = rows[index]
            if row.status in FINAL or row.attempts >= MAX_ATTEMPTS:
                continue
            # last_error is cleared: an attempt that dies before recording its end leaves it
            # blank.
            claimed = self.model.objects.filter(
                pk=row.pk, status=Status.PENDING, attempts=row.attempts
            ).update(
                status=Status.SENDING,
                claimed_at=timezone.now(),
                attempts=row.attempts + 1,
                last_error="",
            )
            if claimed:
                return index
        return None

    def _finish(
        self,
        row: Any,
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
        done = self.model.objects.filter(
            pk=row.pk, status=Status.SENDING, attempts=row.attempts
        ).update(**changes)
        if done and content is not None:
            notify(
                workspace=row.workspace,
                recipients=[row.recipient],
                kind=f"{self.notification}.{row.kind}",
                title=content["title"],
                url=content["url"],
            )
        return done

    def _settle(
        self, rows: list[Any], start: int, finish: Callable[[], int] | None = None
    ) -> int | None:
        """One transaction, so one durable commit, per message: ``finish`` records the outcome
        of the row just handled, then the next row from ``start`` on is claimed, just before
        its message goes out. Returns the index of the row claimed, or None when none is
        left."""

        def step() -> int | None:
            with transaction.atomic():
                if finish is not None:
                    finish()
                return self._claim_next(rows, start)

        index = with_database_retries(step)
        if index is not None:
            rows[index].status = Status.SENDING
            rows[index].attempts += 1
        return index

    def _deliver(self, row: Any, mailer: BaseEmailBackend) -> tuple[str, dict[str, Any] | None]:
        """Send one claimed row over the ``mailer`` session, unless it is moot; returns the
        status to record and the content of its in-app notification."""
        # The last attempt recorded no error, so it never finished: it may have sent the message.
        if row.attempts > 1 and not row.last_error:
            logger.warning(
                "%s %s: attempt %s after an unfinished one; if that one died inside the SMTP "
                "call, %s receives this message twice.",
                self.label,
                row.pk,
                row.attempts,
                row.recipient.email or row.recipient,
            )
        if not self.still_due(row, timezone.now()):
            return Status.CANCELLED, None
        content = self.content(row)
        if row.by_email and row.recipient.email:
            host = urlsplit(settings.SITE_URL).hostname or "alignment.localhost"
            mailer.open()
            self.mail(
                template=content["template"],
                to=[row.recipient.email],
                context=content["context"],
                headers={
                    "Message-ID": f"<{self.message_id}-{row.pk}@{host}>",
                    self.header: str(row.pk),
                },
                connection=mailer,
            )
        return Status.SENT, content

    def _after_mail_error(self, row: Any, error: Exception) -> str:
        """Failed when the server refused the message for good or when this row has had its
        :data:`MAX_ATTEMPTS`; otherwise pending, for a later attempt."""
        if refused_for_good(error) or row.attempts >= MAX_ATTEMPTS:
            logger.error(
                "%s %s failed for good after %s attempts: %s",
                self.label,
                row.pk,
                row.attempts,
                error,
            )
            return Status.FAILED
        return Status.PENDING

    def _hand_back(self, finish: Callable[[], int], rest: list[int]) -> None:
        """Record the outcome of the row that met a mail server failure and stamp the rest of
        the batch as enqueued just now: the task's retry takes them up, or else the sweep,
        after :data:`ENQUEUE_TIMEOUT`."""
        with transaction.atomic():
            finish()
            if rest:
                self.model.objects.filter(pk__in=rest, status=Status.PENDING).update(
                    queued_at=timezone.now()
                )

    def send(self, *, ids: list[int], final_attempt: bool = False) -> dict[int, str]:
        """Send a batch over one mail session; returns each id's outcome: "sent", "cancelled",
        "failed", "pending" (handed back for a later attempt) or "skipped" (someone else has
        it, it is done, or it is gone).

        The batch is read at once. Each row is then claimed on its own just before its message
        goes out, and marked sent just after, in the transaction that claims the next row: a
        worker dying mid-batch leaves at most the message in flight unrecorded. A row fails on
        its own: when the server refuses its message for good (5xx for its recipient or
        content), when its :data:`MAX_ATTEMPTS` are spent, or on any error other than a mail
        one. A refusal for now (4xx for its recipient) hands back that row alone. When the mail
        server fails as a whole (SMTP, network), the row and the rest of the batch are handed
        back, and the error raised for the task to retry the batch with backoff (the retry
        reads the batch again, then skips the rows sent by then without claiming them); on the
        final attempt they are left to the sweep instead. So an outage costs each row only its
        own attempts.
        """
        batch = self.read(ids)
        rows = [batch[pk] for pk in dict.fromkeys(ids) if pk in batch]
        outcomes = dict.fromkeys(ids, "skipped")
        mailer = get_connection()
        try:
            index = self._settle(rows, 0)
            while index is not None:
                row = rows[index]
                try:
                    status, content = self._deliver(row, mailer)
                    finish = partial(self._finish, row, status, content=content)
                except RETRYABLE as error:
                    status = self._after_mail_error(row, error)
                    finish = partial(self._finish, row, status, error=error)
                    if not refused_message(error):
                        rest = [left.pk for left in rows[index + 1 :] if left.status not in FINAL]
                        with_database_retries(partial(self._hand_back, finish, rest))
                        logger.warning(
                            "Mail server failed on %s %s (%s): %d more handed back.",
                            self.label.lower(),
                            row.pk,
                            error,
                            len(rest),
                        )
                        if not final_attempt:
                            raise
                        outcomes.update(dict.fromkeys(rest, Status.PENDING.value))
                        outcomes[row.pk] = Status(status).value
                        break
                except Exception as error:
                    logger.exception("%s %s failed for good.", self.label, row.pk)
                    status = Status.FAILED
                    finish = partial(self._finish, row, status, error=error)
                outcomes[row.pk] = Status(status).value
                index = self._settle(rows, index + 1, finish)
        finally:
            mailer.close()
        return outcomes
