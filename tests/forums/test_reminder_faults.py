"""Never lost, never twice: forum reminders through a real Celery worker on a real Redis
broker, through a worker killed with SIGKILL mid-batch and a broker restarted mid-batch.

The harness is the check-ins' one (:mod:`tests.checkins.worker`): the worker uses the test
database (PostgreSQL, or locally the SQLite file of the run: see ``tests/conftest.py``) and a
mail backend that records every message with its forum reminder id
(:mod:`tests.checkins.mailbox`, reading ``forums.reminders.OUTBOX.header``).
"""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from checkins.cycles import reminder_day
from core.models import Notification
from forums.models import ActionItem, ForumReminder
from forums.reminders import ACTION_DUE_AHEAD, OUTBOX
from teams.models import Membership, Role
from tests.checkins import mailbox
from tests.checkins.worker import (
    RedisServer,
    broker_url,
    free_port,
    publisher,
    purge,
    start_worker,
    unique_queue,
    wait_until,
)
from tests.factories import UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BATCH = 240
MAIL_DELAY = 0.02  # seconds per message: the batch takes a few seconds, so a kill lands inside


def _seed(count: int) -> tuple[int, str]:
    """A workspace whose one member owns ``count`` open action items due tomorrow (the day
    after the reminder day, which starts at 09:00 local time), each one "due" reminder;
    returns its id and the moment to plan at (ISO 8601)."""
    workspace = WorkspaceFactory(timezone="UTC")
    owner = UserFactory(email="owner@faults.test")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.MEMBER)
    now = timezone.now()
    due_on = reminder_day(workspace, now) + ACTION_DUE_AHEAD
    ActionItem.objects.bulk_create(
        ActionItem(
            workspace=workspace,
            title=f"Action {n}",
            owner=owner,
            created_by=owner,
            due_on=due_on,
        )
        for n in range(count)
    )
    return workspace.pk, now.isoformat()


def _sent(mail: Path):
    return mailbox.sent(mail, header=OUTBOX.header)


def _messages(mail: Path) -> int:
    return sum(_sent(mail).values())


def _all_sent() -> bool:
    return (
        ForumReminder.objects.count() == BATCH
        and not ForumReminder.objects.exclude(status=ForumReminder.Status.SENT).exists()
    )


def _sweeping_until(app, done: Callable[[], bool], timeout: float) -> None:
    """Run the sweep in the worker every second or so, as beat would but with short
    thresholds, until ``done``: a batch whose worker was killed or whose message was lost
    with the broker comes back only through it."""
    deadline = time.monotonic() + timeout
    while True:
        app.send_task(
            "forums.tasks.sweep_forum_reminders", kwargs={"stale_after": 2, "pending_after": 2}
        )
        try:
            wait_until(done, timeout=1, every=0.1)
        except TimeoutError:
            rows = ForumReminder.objects.exclude(status=ForumReminder.Status.SENT)
            left = list(rows.values_list("status", flat=True))
            assert time.monotonic() < deadline, f"still not sent: {left}"
        else:
            return


def _assert_exactly_once(mail: Path, log: Path, *, tolerated: int) -> dict[int, int]:
    """Every reminder sent; duplicates at most ``tolerated``, each one logged as such."""
    counts = _sent(mail)
    ids = set(ForumReminder.objects.values_list("pk", flat=True))
    assert len(ids) == BATCH
    assert set(counts) == ids, "every reminder reached the mail server"
    duplicates = {pk: n - 1 for pk, n in counts.items() if n > 1}
    assert sum(duplicates.values()) <= tolerated, duplicates
    text = log.read_text()
    for pk in duplicates:
        assert ForumReminder.objects.get(pk=pk).attempts >= 2
        assert f"{OUTBOX.label} {pk}: attempt" in text, "a duplicate is always logged"
    kinds = set(ForumReminder.objects.values_list("kind", flat=True))
    assert kinds == {ForumReminder.Kind.ACTION_DUE}
    assert ForumReminder.objects.filter(status=ForumReminder.Status.SENT).count() == BATCH
    assert Notification.objects.count() == BATCH, "one in-app notification per reminder"
    return duplicates


def test_worker_killed_mid_batch_twice_sends_every_reminder_once(tmp_path):
    workspace_id, at = _seed(BATCH)
    broker, queue = broker_url(), unique_queue("forum-reminder-kill")
    mail, log = tmp_path / "mail.log", tmp_path / "worker.log"
    app = publisher(broker, queue)

    def worker():
        return start_worker(
            broker=broker, queue=queue, mail_file=mail, log=log, mail_delay=MAIL_DELAY
        )

    running = worker()
    kills = 0
    try:
        app.send_task("forums.tasks.plan_workspace_forum_reminders", args=[workspace_id, at])
        for threshold in (BATCH // 3, 2 * BATCH // 3):  # kill after a third, then two thirds
            _sweeping_until(app, lambda n=threshold: _messages(mail) >= n, timeout=40)
            assert not _all_sent(), "the kill must land mid-batch"
            running.kill()
            kills += 1
            running = worker()
        _sweeping_until(app, _all_sent, timeout=40)
    finally:
        running.stop()
        purge(broker, queue)
    duplicates = _assert_exactly_once(mail, log, tolerated=kills)
    print(f"\n{BATCH} forum reminders, {kills} SIGKILLs, {sum(duplicates.values())} duplicates")


def test_redis_restarted_mid_batch_sends_every_reminder_once(tmp_path):
    workspace_id, at = _seed(BATCH)
    redis = RedisServer(port=free_port())
    redis.start()
    queue = unique_queue("forum-reminder-redis")
    mail, log = tmp_path / "mail.log", tmp_path / "worker.log"
    app = publisher(redis.url, queue)
    running = start_worker(
        broker=redis.url, queue=queue, mail_file=mail, log=log, mail_delay=MAIL_DELAY
    )
    try:
        app.send_task("forums.tasks.plan_workspace_forum_reminders", args=[workspace_id, at])
        wait_until(lambda: _messages(mail) >= BATCH // 3, timeout=40)
        redis.stop()  # every queued and unacknowledged message is gone with it
        assert not _all_sent(), "the restart must land mid-batch"
        redis.start()
        _sweeping_until(app, _all_sent, timeout=45)
    finally:
        running.stop()
        redis.stop()
    duplicates = _assert_exactly_once(mail, log, tolerated=0)
    assert duplicates == {}
