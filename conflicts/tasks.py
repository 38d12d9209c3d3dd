"""Celery tasks for conflicts: thin, taking ids, safe to run twice (see forums.tasks)."""

from collections import Counter
from datetime import datetime

from celery import shared_task

from conflicts import escalation
from core import outbox
from core.retries import RETRY
from teams.models import Workspace

PLAN_EXPIRES = 14 * 60  # before beat's next planning run (alignment/settings.py)


@shared_task
def plan_conflict_escalations() -> int:
    """Beat: plan each workspace's escalations in its own task."""
    ids = list(Workspace.objects.values_list("pk", flat=True))
    for pk in ids:
        plan_workspace_conflict_escalations.apply_async((pk,), expires=PLAN_EXPIRES)
    return len(ids)


@shared_task
def plan_workspace_conflict_escalations(workspace_id: int, at: str | None = None) -> int:
    """Write and enqueue a workspace's escalations due now (or at ``at``, ISO 8601)."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    now = datetime.fromisoformat(at) if at else None
    return len(escalation.escalations_plan(workspace=workspace, now=now)) if workspace else 0


@shared_task(bind=True, **RETRY)
def send_conflict_reminders(self, reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of escalations over one SMTP session; how many ended in each outcome."""
    outcomes = escalation.escalations_send(
        reminder_ids=reminder_ids, final_attempt=self.request.retries >= self.max_retries
    )
    return dict(Counter(outcomes.values()))


@shared_task
def sweep_conflict_reminders(
    stale_after: float | None = None, pending_after: float | None = None
) -> int:
    """Beat: re-enqueue the escalations due but unsent."""
    thresholds = outbox.in_seconds(stale_after=stale_after, pending_after=pending_after)
    return len(escalation.escalations_sweep(**thresholds))
