"""Goal CSV import: a 5,000-row file checked by the import page, then imported by the task.

Seeds a workspace like a real organisation's (40 departments, 20 KPIs with a value each, 10
open top-level goals, 40 members), writes a goal file of ``--rows`` rows that uses all of them
(one or two owners, a contributor, an accountable person, a parent, a KPI, dates, numbers, a
description), then times, in this process:

* the preview: the import page's POST of the file, rendered (every row checked, the file kept
  for its confirmation);
* the import: the Celery task's body (:func:`goals.services.imports.goal_import_run`), which
  checks every row again and writes every goal, its links, its audit row and the parents'
  roll-ups in one transaction;
* for scale, ``--single`` goals created one by one through ``goal_create``, as the import did
  before, extrapolated to the same number of rows.

    .venv/bin/python -m benchmarks.goal_import            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alignment_bench \\
      .venv/bin/python -m benchmarks.goal_import [--rows 5000] [--single 200]

Point DATABASE_URL at a throwaway database (the run migrates it); the workspace it adds is
deleted at the end. The exit status is 1 when the import fails or takes 30 s or more.
"""

import argparse
import datetime as dt
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import django_setup, environment

TARGET_SECONDS = 30.0
DEPARTMENTS, KPIS, PARENTS, PEOPLE = 40, 20, 10, 40


def _seed(tag: str):
    """Migrate; a workspace with departments, people, a period, KPIs and top-level goals.
    Returns its admin's membership."""
    from decimal import Decimal

    from django.core.management import call_command

    from goals.models import KPI, Goal, Measurement, Period
    from teams.models import Department, Membership, Role, User
    from teams.services import workspace_create

    call_command("migrate", verbosity=0)
    admin = User.objects.create(username=f"bench-import-{tag}", first_name="Bench")
    workspace = workspace_create(creator=admin, name=f"Import {tag}")
    have = workspace.departments.count()
    Department.objects.bulk_create(
        Department(workspace=workspace, name=f"Department {n:02}")
        for n in range(DEPARTMENTS - have)
    )
    people = User.objects.bulk_create(
        User(username=f"bench-import-{tag}-{n}", email=f"person{n}@{tag}.test")
        for n in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(workspace=workspace, user=person, role=Role.LEAD) for person in people
    )
    Period.objects.create(
        workspace=workspace,
        name="FY 2026",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    kpis = KPI.objects.bulk_create(
        KPI(workspace=workspace, name=f"KPI {n:02}") for n in range(KPIS)
    )
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, date=dt.date(2026, 3, 1), value=Decimal(150)) for kpi in kpis
    )
    Goal.objects.bulk_create(
        Goal(workspace=workspace, title=f"Top goal {n:02}", status=Goal.Status.ON_TRACK)
        for n in range(PARENTS)
    )
    return Membership.objects.select_related("workspace", "user").get(user=admin)


def _file(rows: int, membership) -> str:
    workspace = membership.workspace
    departments = list(workspace.departments.order_by("name").values_list("name", flat=True))
    emails = list(
        workspace.memberships.exclude(user__email="").values_list("user__email", flat=True)
    )
    lines = [
        "title,description,owner_departments,contributing_departments,accountable,parent,"
        "period,start_date,due_date,status,metric,unit,baseline,target,kpi,weight"
    ]
    for n in range(rows):
        owners = departments[n % DEPARTMENTS]
        if n % 3 == 0:
            owners += f";{departments[(n + 1) % DEPARTMENTS]}"
        lines.append(
            f'Increase qualified leads by {n % 90 + 10}% in segment {n},"Why it matters, and '
            f'how we get there: step {n}.",{owners},{departments[(n + 7) % DEPARTMENTS]},'
            f"{emails[n % len(emails)]},Top goal {n % PARENTS:02},FY 2026,2026-01-01,"
            f"2026-12-31,on track,Qualified leads,leads,100,{200 + n % 50},KPI {n % KPIS:02},"
            f"{n % 5 + 1}"
        )
    return "\n".join(lines) + "\n"


def _single(membership, count: int) -> float:
    """Seconds per goal through goal_create, one by one (each in its own transaction)."""
    from goals.models import Goal
    from goals.services.goals import goal_create

    department = membership.workspace.departments.order_by("name").first()
    started = time.perf_counter()
    for n in range(count):
        goal_create(
            membership=membership,
            title=f"One by one {n}",
            owner_departments=[department],
            baseline=100,
            target=200,
        )
    seconds = (time.perf_counter() - started) / count
    Goal.objects.filter(workspace=membership.workspace, title__startswith="One by one").delete()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="rows of the goal file")
    parser.add_argument("--single", type=int, default=200, help="goals made one by one, for scale")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="alignment-bench-"))
    env = environment(var_dir)
    django_setup(env)
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from goals.models import Goal, GoalImport
    from goals.services import imports

    tag = secrets.token_hex(3)
    membership = _seed(tag)
    workspace = membership.workspace
    failed = False
    try:
        text = _file(args.rows, membership)
        client = Client(headers={"host": "127.0.0.1"})
        client.force_login(membership.user)
        url = reverse("goal_import", kwargs={"ws": workspace.slug})
        client.get(url)
        upload = SimpleUploadedFile("goals.csv", text.encode(), content_type="text/csv")
        started = time.perf_counter()
        response = client.post(url, {"file": upload})
        preview = time.perf_counter() - started
        job = GoalImport.objects.get(workspace=workspace, status=GoalImport.Status.CHECKED)
        failed |= response.status_code != 200
        GoalImport.objects.filter(pk=job.pk).update(status=GoalImport.Status.PENDING)

        started = time.perf_counter()
        imports.goal_import_run(job.pk)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        written = Goal.objects.filter(workspace=workspace, parent__isnull=False).count()
        failed |= job.status != GoalImport.Status.DONE or written != args.rows
        failed |= seconds >= TARGET_SECONDS

        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"{database}, {args.rows:,} rows, {len(text) / 1e6:.2f} MB")
        print(f"preview (the page's POST, rendered): {preview:6.2f} s")
        print(
            f"import (the task, all rows or none): {seconds:6.2f} s  "
            f"{args.rows / seconds:,.0f} goals/s  {job.status}, {written:,} goals "
            f"(target under {TARGET_SECONDS:.0f} s)"
        )
        if args.single:
            each = _single(membership, args.single)
            print(
                f"goal_create one by one: {each * 1000:.1f} ms a goal, so {args.rows:,} take "
                f"about {each * args.rows:.0f} s = {each * args.rows / seconds:.0f}x the import"
            )
    finally:
        people = [m.user for m in workspace.memberships.select_related("user")]
        workspace.delete()
        for person in people:
            person.delete()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
