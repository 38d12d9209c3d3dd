"""Conflicts past their decide-by date without a decision escalate, exactly once, to the
executives of the involved departments.

Planned every 15 minutes by :func:`escalations_plan`: one :class:`ConflictReminder` row per
(conflict, executive), written before anything is sent; :mod:`core.outbox` enqueues, claims,
sends and sweeps the rows, as for check-in and forum reminders. A conflict decided or
withdrawn before its row went out has it cancelled unsent.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from checkins.services.reminders import wants_email
from conflicts.models import Conflict, ConflictReminder
from core import outbox
from teams.models import Department, Workspace

Kind = ConflictReminder.Kind


@transaction.atomic
def escalations_plan(*, workspace: Workspace, now: datetime | None = None) -> list[int]:
    """Write the escalations due at ``now`` and enqueue them; the ids enqueued. Running it
    again writes nothing new."""
    now = now or timezone.now()
    today = workspace.today(now)
    members = set(workspace.memberships.values_list("user_id", flat=True))
    pairs = Department.objects.filter(
        conflicts__workspace=workspace,
        conflicts__status__in=Conflict.UNDECIDED,
        conflicts__decide_by__lt=today,
        executive__isnull=False,
    ).values_list("conflicts", "executive_id")
    rows = [
        ConflictReminder(workspace=workspace, conflict_id=pk, recipient_id=executive)
        for pk, executive in set(pairs)
        if executive in members
    ]
    queued = ConflictReminder.objects.filter(workspace=workspace)
    return OUTBOX.record(rows, queued=queued, now=now)


def escalations_sweep(**thresholds: Any) -> list[int]:
    """:meth:`core.outbox.Outbox.sweep` for the escalations."""
    return OUTBOX.sweep(**thresholds)


def escalations_send(*, reminder_ids: list[int], final_attempt: bool = False) -> dict[int, str]:
    return OUTBOX.send(ids=reminder_ids, final_attempt=final_attempt)


class _Escalations(outbox.Outbox):
    model = ConflictReminder
    message_id = "conflict-reminder"
    header = "X-Alignment-Conflict-Reminder"
    notification = "conflict"

    def read(self, ids: list[int]) -> dict[int, ConflictReminder]:
        return {
            row.pk: row
            for row in ConflictReminder.objects.filter(pk__in=ids)
            .select_related("workspace", "recipient", "conflict__raised_by_department")
            .annotate(by_email=wants_email())
            .order_by()
        }

    def still_due(self, row: ConflictReminder, now: datetime) -> bool:
        return row.conflict.is_undecided

    def content(self, row: ConflictReminder) -> dict[str, Any]:
        conflict = row.conflict
        path = reverse("conflict_detail", kwargs={"ws": row.workspace.slug, "pk": conflict.pk})
        settings_path = reverse("reminder_settings", kwargs={"ws": row.workspace.slug})
        context = {
            "reminder": row,
            "recipient": row.recipient,
            "workspace": row.workspace,
            "conflict": conflict,
            "url": settings.SITE_URL + path,
            "settings_url": settings.SITE_URL + settings_path,
        }
        return {
            "template": f"emails/conflict_{row.kind}",
            "context": context,
            "title": f"Overdue for a decision since {conflict.decide_by:%d %b}: {conflict}",
            "url": path,
        }

    def enqueue(self, ids: list[int]) -> None:
        from conflicts.tasks import send_conflict_reminders

        outbox.enqueue_batches(send_conflict_reminders, ids)


OUTBOX = _Escalations()
