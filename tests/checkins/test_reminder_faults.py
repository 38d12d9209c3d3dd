"""Never lost, never twice: reminders through a real Celery worker on a real Redis broker,
through a worker killed with SIGKILL mid-batch and a broker restarted mid-batch.

The worker uses the test database (PostgreSQL, or locally the SQLite file of the run: see
``tests/conftest.py``) and a mail backend that records every message with its reminder id.
"""

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from checkins.models import Reminder
from core.models import Notification
from goals.models import Goal
from teams.models import Cadence, Department, Membership, Role
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
from tests.factories import GoalFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BATCH = 240
MAIL_DELAY = 0.02  # seconds per message: the batch takes a few seconds, so a kill lands inside


def _seed(count: int) -> int:
    """A weekly workspace (a reminder is due every day of a weekly cycle) whose product lead
    owes ``count`` check-ins; returns its id."""
    workspace = WorkspaceFactory(timezone="UTC", checkin_cadence=Cadence.WEEKLY)
    lead = UserFactory(email="lead@faults.test")
    Membership.objects.create(workspace=workspace, user=lead, role=Role.LEAD)
    product = Department.objects.create(workspace=workspace, name="Product", lead=lead)
    goals = Goal.objects.bulk_create(
        GoalFactory.build(workspace=workspace, status=Goal.Status.ON_TRACK) for _ in range(count)
    )
    Goal.owner_departments.through.objects.bulk_create(
        Goal.owner_departments.through(goal_id=goal.pk, department_id=product.pk) for goal in goals
    )
    return workspace.pk


def _messages(mail: Path) -> int:
    return sum(mailbox.sent(mail).values())


def _all_sent() -> bool:
    return (
        Reminder.objects.count() == BATCH
        and not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
    )


def _sweeping_until(app, done: Callable[[], bool], timeout: float) -> None:
    """Run the sweep in the worker every second or so, as beat would but with short
    thresholds, until ``done``: a batch whose worker was killed or whose message was lost
    with the broker comes back only through it."""
    deadline = time.monotonic() + timeout
    while True:
        app.send_task(
            "checkins.tasks.sweep_reminders", kwargs={"stale_after": 2, "pending_after": 2}
        )
        try:
            wait_until(done, timeout=1, every=0.1)
        except TimeoutError:
            left = list(Reminder.objects.values_list("status", flat=True).exclude(status="sent"))
            assert time.monotonic() < deadline, f"still not sent: {left}"
        else:
            return


def _assert_exactly_once(mail: Path, log: Path, *, tolerated: int) -> dict[int, int]:
    """Every reminder sent; duplicates at most ``tolerated``, each one logged as such."""
    counts = mailbox.sent(mail)
    ids = set(Reminder.objects.values_list("pk", flat=True))
    assert len(ids) == BATCH
    assert set(counts) == ids, "every reminder reached the mail server"
    duplicates = {pk: n - 1 for pk, n in counts.items() if n > 1}
    assert sum(duplicates.values()) <= tolerated, duplicates
    text = log.read_text()
    for pk in duplicates:
        assert Reminder.objects.get(pk=pk).attempts >= 2
        assert f"Reminder {pk}: attempt" in text, "a duplicate is always logged"
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == BATCH
    assert Notification.objects.count() == BATCH, "one in-app notification per reminder"
    return duplicates


def test_worker_killed_mid_batch_twice_sends_every_reminder_once(tmp_path):
    workspace_id = _seed(BATCH)
    broker, queue = broker_url(), unique_queue("reminder-kill")
    mail, log = tmp_path / "mail.log", tmp_path / "worker.log"
    app = publisher(broker, queue)

    def worker():
        return start_worker(
            broker=broker, queue=queue, mail_file=mail, log=log, mail_delay=MAIL_DELAY
        )

    running = worker()
    kills = 0
    try:
        app.send_task("checkins.tasks.plan_workspace_reminders", args=[workspace_id])
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
    print(f"\n{BATCH} reminders, {kills} SIGKILLs, {sum(duplicates.values())} duplicates")


def test_redis_restarted_mid_batch_sends_every_reminder_once(tmp_path):
    workspace_id = _seed(BATCH)
    redis = RedisServer(port=free_port())
    redis.start()
    queue = unique_queue("reminder-redis")
    mail, log = tmp_path / "mail.log", tmp_path / "worker.log"
    app = publisher(redis.url, queue)
    running = start_worker(
        broker=redis.url, queue=queue, mail_file=mail, log=log, mail_delay=MAIL_DELAY
    )
    try:
        app.send_task("checkins.tasks.plan_workspace_reminders", args=[workspace_id])
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
