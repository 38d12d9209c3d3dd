"""Celery tasks for forums: thin, taking ids, safe to run twice.

Every task is delivered at least once (see :mod:`core.retries`); the claim of each row in
:meth:`core.outbox.Outbox.send` turns that into exactly once for the reminders.
"""

from collections import Counter
from datetime import datetime

from celery import Task, shared_task

from core import outbox
from core.retries import RETRY
from forums import reminders
from forums.models import Forum
from forums.services import meetings_plan
from teams.models import Workspace

PLAN_EXPIRES = 14 * 60  # before beat's next planning run (alignment/settings.py)
MEETINGS_EXPIRES = 23 * 60 * 60  # before the next day's run


def _one_task_each(task: Task, ids: list[int], *, expires: int) -> int:
    """Fan out: one ``task`` per id, each expiring before the next run of the beat entry."""
    for pk in ids:
        task.apply_async((pk,), expires=expires)
    return len(ids)


@shared_task
def plan_forum_reminders() -> int:
    """Beat: plan each workspace's forum reminders in its own task."""
    ids = list(Workspace.objects.values_list("pk", flat=True))
    return _one_task_each(plan_workspace_forum_reminders, ids, expires=PLAN_EXPIRES)


@shared_task
def plan_workspace_forum_reminders(workspace_id: int, at: str | None = None) -> int:
    """Write and enqueue the forum reminders due in a workspace; ``at`` (ISO 8601) plans for
    another moment than now."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    now = datetime.fromisoformat(at) if at else None
    return len(reminders.forum_reminders_plan(workspace=workspace, now=now)) if workspace else 0


@shared_task(bind=True, **RETRY)
def send_forum_reminders(self, reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of forum reminders over one SMTP session; a mail server failure retries
    the batch, whose rows sent by then are skipped, and after the last retry leaves its
    unsent rows to the sweep. Returns how many ended in each outcome."""
    outcomes = reminders.forum_reminders_send(
        reminder_ids=reminder_ids, final_attempt=self.request.retries >= self.max_retries
    )
    return dict(Counter(outcomes.values()))


@shared_task
def sweep_forum_reminders(
    stale_after: float | None = None, pending_after: float | None = None
) -> int:
    """Beat: re-enqueue the forum reminders due but unsent. The thresholds (seconds) default
    to :data:`core.outbox.CLAIM_TIMEOUT` and :data:`~core.outbox.ENQUEUE_TIMEOUT`."""
    thresholds = outbox.in_seconds(stale_after=stale_after, pending_after=pending_after)
    return len(reminders.forum_reminders_sweep(**thresholds))


@shared_task
def plan_meetings() -> int:
    """Beat, daily: keep every forum's meetings planned to the horizon, one task per forum."""
    ids = list(Forum.objects.values_list("pk", flat=True))
    return _one_task_each(plan_forum_meetings, ids, expires=MEETINGS_EXPIRES)


@shared_task
def plan_forum_meetings(forum_id: int) -> int:
    """Create the forum's meetings that the moving horizon now reaches; how many."""
    forum = Forum.objects.filter(pk=forum_id).first()
    if forum is None:
        return 0
    return len(meetings_plan(forum=forum))
