"""Reminder fan-out: 10,000 owed check-ins through the real Redis broker and a real worker.

Seeds a workspace whose lead owes ``--count`` check-ins (bulk inserts), starts a Celery worker
(``--pool prefork --concurrency N``) on a queue of its own with a mail backend that records
every message, sends it the planning task, and measures the time until every reminder is
written, then until every one is sent; then counts the messages per reminder: duplicates must
be 0. docs/quality.md asks for 10,000 reminders in under 30 s. The machine may be shared: the
run also reports the CPU time the worker spent per reminder (Linux ``/proc``) and the load
average, which say how much of the time was the worker's own work.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/alignment_fanout
    export REDIS_URL=redis://127.0.0.1:6379/1
    .venv/bin/python -m benchmarks.reminder_fanout [--count 10000] [--concurrency 2]

Point DATABASE_URL at a throwaway database (the run migrates it); the workspace it adds is
deleted at the end. REDIS_URL is required: the point is the real broker.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path


def process_cpu(pid: int) -> tuple[int, float] | None:
    """The process group and the user plus system CPU seconds of a live process (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # it has ended
    # The fields after the name: state, ppid, pgrp, ... utime (12th) and stime (13th).
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> float:
    """CPU seconds of the live processes of a process group: the worker and its pool."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        found = process_cpu(int(entry.name)) if entry.name.isdigit() else None
        if found and found[0] == pgid:
            total += found[1]
    return total


class DatabaseCpu:
    """CPU seconds of the PostgreSQL processes that serve the worker (the connections to this
    database but this process's own), sampled while they live: the worker replaces a
    connection older than ``CONN_MAX_AGE``."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}

    def sample(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            for (pid,) in cursor.fetchall():
                if found := process_cpu(pid):
                    self.seen[pid] = found[1]

    @property
    def total(self) -> float:
        return sum(self.seen.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="owed check-ins (reminders)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    parser.add_argument(
        "--smtp-latency", type=float, default=0.0, help="seconds each message takes to send"
    )
    parser.add_argument("--timeout", type=float, default=600, help="give up after (seconds)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the fan-out runs through the real Redis broker.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alignment.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from checkins.models import Reminder
    from core.models import Notification
    from goals.models import Goal
    from teams.models import Cadence, Department, Membership, Role, User, Workspace
    from tests.checkins import mailbox
    from tests.checkins.worker import publisher, purge, start_worker, unique_queue, wait_until

    run = uuid.uuid4().hex[:8]
    started = time.monotonic()
    # A weekly cycle has a reminder due every day: each owed check-in makes exactly one.
    workspace = Workspace.objects.create(
        name=f"Fan-out {run}", slug=f"bench-fanout-{run}", checkin_cadence=Cadence.WEEKLY
    )
    lead = User.objects.create(username=f"bench-lead-{run}", email=f"lead-{run}@bench.test")
    Membership.objects.create(workspace=workspace, user=lead, role=Role.LEAD)
    department = Department.objects.create(workspace=workspace, name="Product", lead=lead)
    goals = Goal.objects.bulk_create(
        (
            Goal(workspace=workspace, title=f"Goal {n}", status=Goal.Status.ON_TRACK)
            for n in range(args.count)
        ),
        batch_size=5000,
    )
    Goal.owner_departments.through.objects.bulk_create(
        (
            Goal.owner_departments.through(goal_id=goal.pk, department_id=department.pk)
            for goal in goals
        ),
        batch_size=5000,
    )
    print(f"seeded {args.count} owed check-ins in {time.monotonic() - started:.1f} s")

    broker = os.environ["REDIS_URL"]
    queue = unique_queue("bench-fanout")
    folder = Path(tempfile.mkdtemp(prefix="fanout-"))
    mail, log = folder / "mail.log", folder / "worker.log"
    worker = start_worker(
        broker=broker,
        queue=queue,
        mail_file=mail,
        log=log,
        concurrency=args.concurrency,
        mail_delay=args.smtp_latency,
    )
    reminders = Reminder.objects.filter(workspace=workspace)
    try:
        worker.wait_ready()
        load_before, cpu_before = os.getloadavg()[0], group_cpu(worker.process.pid)
        database = DatabaseCpu()
        t0 = time.monotonic()
        publisher(broker, queue).send_task(
            "checkins.tasks.plan_workspace_reminders", args=[workspace.pk]
        )
        wait_until(
            lambda: reminders.filter(queued_at__isnull=False).count() == args.count,
            timeout=args.timeout,
            every=0.2,
        )
        planned = time.monotonic() - t0

        def all_sent() -> bool:
            database.sample()
            return reminders.filter(status=Reminder.Status.SENT).count() == args.count

        wait_until(all_sent, timeout=args.timeout, every=0.2)
        total = time.monotonic() - t0
        cpu = group_cpu(worker.process.pid) - cpu_before
        load_after = os.getloadavg()[0]
    finally:
        worker.stop()
        purge(broker, queue)
    counts = mailbox.sent(mail)
    duplicates = sum(n - 1 for n in counts.values())
    missing = args.count - len(counts)
    notifications = Notification.objects.filter(workspace=workspace).count()
    print(f"planned and enqueued {args.count} reminders in {planned:.2f} s")
    print(
        f"all {args.count} sent in {total:.2f} s: {args.count / total:.0f} reminders/s "
        f"({args.count / (total - planned):.0f}/s once enqueued), "
        f"{args.concurrency} worker processes"
    )
    per_reminder = 1000 / args.count
    print(
        f"CPU per reminder planned and sent: worker {cpu * per_reminder:.2f} ms, PostgreSQL "
        f"{database.total * per_reminder:.2f} ms; load average {load_before:.1f} before, "
        f"{load_after:.1f} after"
    )
    print(f"duplicates: {duplicates}, missing: {missing}, in-app notifications: {notifications}")
    workspace.delete()
    lead.delete()
    return 0 if duplicates == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
