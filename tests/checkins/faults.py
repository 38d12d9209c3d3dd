"""The two fault scenarios every reminder outbox is tested against (check-ins' and forums'):
a worker killed with SIGKILL twice mid-batch, and the Redis broker restarted mid-batch.

A test module says what its outbox is (:class:`Outbox`: the row model, the header and log label
of its messages, its planning and sweep tasks) and seeds its rows; these functions run the
scenario through a real worker (:mod:`tests.checkins.worker`) and check that every message went
out once, each duplicate logged as such.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import models

from core.models import Notification
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

BATCH = 240
MAIL_DELAY = 0.02  # seconds per message: the batch takes a few seconds, so a kill lands inside


@dataclass(frozen=True)
class Outbox:
    model: type[models.Model]
    header: str
    label: str
    plan_task: str
    plan_args: list
    sweep_task: str

    def sent(self, mail: Path) -> dict[int, int]:
        return mailbox.sent(mail, header=self.header)

    def messages(self, mail: Path) -> int:
        return sum(self.sent(mail).values())

    def all_sent(self) -> bool:
        rows = self.model.objects
        return rows.count() == BATCH and not rows.exclude(status="sent").exists()


def _sweeping_until(app, outbox: Outbox, done: Callable[[], bool], timeout: float) -> None:
    """Run the sweep in the worker every second or so, as beat would but with short
    thresholds, until ``done``: a batch whose worker was killed or whose message was lost
    with the broker comes back only through it."""
    deadline = time.monotonic() + timeout
    while True:
        app.send_task(outbox.sweep_task, kwargs={"stale_after": 2, "pending_after": 2})
        try:
            wait_until(done, timeout=1, every=0.1)
        except TimeoutError:
            left = list(
                outbox.model.objects.exclude(status="sent").values_list("status", flat=True)
            )
            assert time.monotonic() < deadline, f"still not sent: {left}"
        else:
            return


def _assert_exactly_once(outbox: Outbox, mail: Path, log: Path, *, tolerated: int) -> dict:
    """Every message sent; duplicates at most ``tolerated``, each one logged as such."""
    counts = outbox.sent(mail)
    ids = set(outbox.model.objects.values_list("pk", flat=True))
    assert len(ids) == BATCH
    assert set(counts) == ids, "every reminder reached the mail server"
    duplicates = {pk: n - 1 for pk, n in counts.items() if n > 1}
    assert sum(duplicates.values()) <= tolerated, duplicates
    text = log.read_text()
    for pk in duplicates:
        assert outbox.model.objects.get(pk=pk).attempts >= 2
        assert f"{outbox.label} {pk}: attempt" in text, "a duplicate is always logged"
    assert outbox.model.objects.filter(status="sent").count() == BATCH
    assert Notification.objects.count() == BATCH, "one in-app notification per reminder"
    return duplicates


def worker_killed_twice(outbox: Outbox, tmp_path: Path) -> dict:
    """Kill the worker after a third of the batch, then after two thirds; returns the
    duplicates (at most one per kill)."""
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
        app.send_task(outbox.plan_task, args=outbox.plan_args)
        for threshold in (BATCH // 3, 2 * BATCH // 3):
            _sweeping_until(app, outbox, lambda n=threshold: outbox.messages(mail) >= n, timeout=40)
            assert not outbox.all_sent(), "the kill must land mid-batch"
            running.kill()
            kills += 1
            running = worker()
        _sweeping_until(app, outbox, outbox.all_sent, timeout=40)
    finally:
        running.stop()
        purge(broker, queue)
    duplicates = _assert_exactly_once(outbox, mail, log, tolerated=kills)
    print(f"\n{BATCH} reminders, {kills} SIGKILLs, {sum(duplicates.values())} duplicates")
    return duplicates


def redis_restarted(outbox: Outbox, tmp_path: Path) -> dict:
    """Stop the broker after a third of the batch (every queued and unacknowledged message is
    gone with it) and start it again; returns the duplicates (none)."""
    redis = RedisServer(port=free_port())
    redis.start()
    queue = unique_queue("reminder-redis")
    mail, log = tmp_path / "mail.log", tmp_path / "worker.log"
    app = publisher(redis.url, queue)
    running = start_worker(
        broker=redis.url, queue=queue, mail_file=mail, log=log, mail_delay=MAIL_DELAY
    )
    try:
        app.send_task(outbox.plan_task, args=outbox.plan_args)
        wait_until(lambda: outbox.messages(mail) >= BATCH // 3, timeout=40)
        redis.stop()
        assert not outbox.all_sent(), "the restart must land mid-batch"
        redis.start()
        _sweeping_until(app, outbox, outbox.all_sent, timeout=45)
    finally:
        running.stop()
        redis.stop()
    return _assert_exactly_once(outbox, mail, log, tolerated=0)
