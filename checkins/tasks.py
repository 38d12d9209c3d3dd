"""Celery tasks for reminders: thin, taking ids, safe to run twice.

Every task is delivered at least once (see :mod:`core.retries`); the claim of each row in
:func:`checkins.services.reminders.reminders_send` turns that into exactly once.
"""

from collections import Counter
from datetime import datetime

from celery import shared_task

from checkins.services import reminders
from core import outbox
from core.retries import RETRY
from teams.models import Workspace

PLAN_EXPIRES = 14 * 60  # before beat's next planning run (alignment/settings.py)


@shared_task
def plan_reminders() -> int:
    """Beat: plan each workspace's reminders in its own task."""
    ids = list(Workspace.objects.values_list("pk", flat=True))
    for workspace_id in ids:
        plan_workspace_reminders.apply_async((workspace_id,), expires=PLAN_EXPIRES)
    return len(ids)


@shared_task
def plan_workspace_reminders(workspace_id: int, at: str | None = None) -> int:
    """Write and enqueue the reminders due in a workspace; ``at`` (ISO 8601) plans for
    another moment than now."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    now = datetime.fromisoformat(at) if at else None
    return len(reminders.reminders_plan(workspace=workspace, now=now))


@shared_task(bind=True, **RETRY)
def send_reminders(self, reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of reminders over one SMTP session; a mail server failure retries the
    batch, whose rows sent by then are skipped, and after the last retry leaves its unsent
    rows to the sweep. Returns how many ended in each outcome."""
    outcomes = reminders.reminders_send(
        reminder_ids=reminder_ids, final_attempt=self.request.retries >= self.max_retries
    )
    return dict(Counter(outcomes.values()))


@shared_task
def sweep_reminders(stale_after: float | None = None, pending_after: float | None = None) -> int:
    """Beat: re-enqueue what is due but unsent. The thresholds (seconds) default to
    :data:`core.outbox.CLAIM_TIMEOUT` and :data:`~core.outbox.ENQUEUE_TIMEOUT`."""
    thresholds = outbox.in_seconds(stale_after=stale_after, pending_after=pending_after)
    return len(reminders.reminders_sweep(**thresholds))
