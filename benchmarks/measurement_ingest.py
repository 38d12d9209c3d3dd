"""KPI measurement bulk ingest: 10,000 rows in one API call, through a real server.

Starts gunicorn on 127.0.0.1 (a free port) over the database, seeds a workspace with a KPI that
drives a goal and an API token for its admin, then POSTs ``--rows`` measurements as one JSON list
to ``/api/v1/workspaces/<slug>/kpis/<id>/measurements/``, ``--rounds`` times on new dates and
once more with ``?upsert=true`` over the last round's dates (every row replaced). Each call is
timed from the first byte sent to the last byte received. For scale, ``--single`` one-object
calls are timed too and extrapolated to the same number of rows. docs/quality.md asks for
10,000 rows in one call in under 2 s.

    .venv/bin/python -m benchmarks.measurement_ingest            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alignment_bench \\
      .venv/bin/python -m benchmarks.measurement_ingest [--rows 10000] [--rounds 3]

Point DATABASE_URL at a throwaway database (the run migrates it); the workspace it adds is
deleted at the end. The exit status is 1 when a bulk call fails or takes 2 s or more.
"""

import argparse
import datetime as dt
import http.client
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import django_setup, environment, free_port, gunicorn

TARGET_SECONDS = 2.0


def _seed() -> tuple[str, int, str]:
    """Migrate; a workspace whose admin has a token, and a KPI that drives a goal.
    Returns (workspace slug, KPI id, token)."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connections

    from goals.services.goals import goal_create, period_create
    from goals.services.kpis import kpi_create
    from teams.models import Membership, User
    from teams.services import api_token_create, workspace_create

    call_command("migrate", verbosity=0)
    tag = secrets.token_hex(3)
    admin = User.objects.create(username=f"bench-ingest-{tag}", first_name="Bench")
    workspace = workspace_create(creator=admin, name=f"Ingest {tag}")
    department = workspace.departments.order_by("name").first()
    kpi = kpi_create(
        workspace=workspace,
        actor=admin,
        name="Qualified leads",
        unit="leads",
        owner_departments=[department],
        green_threshold=Decimal("500"),
        red_threshold=Decimal("200"),
    )
    membership = Membership.objects.get(workspace=workspace, user=admin)
    period = period_create(
        membership=membership,
        name="Year",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
    )
    goal_create(
        membership=membership,
        title="Reach 600 qualified leads a week",
        owner_departments=[department],
        period=period,
        start_date=period.start_date,
        due_date=period.end_date,
        metric="Qualified leads per week",
        baseline=Decimal("300"),
        target=Decimal("600"),
        kpi=kpi,
    )
    _, key = api_token_create(user=admin, name="benchmark")
    connections.close_all()
    return workspace.slug, kpi.pk, key


def _rows(count: int, start: dt.date, value: int) -> list[dict[str, str]]:
    return [
        {"date": f"{start + dt.timedelta(days=n):%Y-%m-%d}", "value": f"{value + n % 97}.25"}
        for n in range(count)
    ]


def _post(port: int, path: str, token: str, payload: bytes) -> tuple[int, dict, float]:
    """POST JSON on a new connection; (status, parsed body, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    try:
        started = time.perf_counter()
        connection.request("POST", path, body=payload, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    return response.status, json.loads(body or b"null"), elapsed


def _cleanup(slug: str) -> None:
    from teams.models import User, Workspace

    workspace = Workspace.objects.get(slug=slug)
    people = list(User.objects.filter(memberships__workspace=workspace))
    workspace.delete()
    for person in people:
        person.delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per bulk call")
    parser.add_argument("--rounds", type=int, default=3, help="bulk calls on new dates")
    parser.add_argument("--single", type=int, default=200, help="one-object calls, for scale")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="alignment-bench-"))
    env = environment(var_dir)
    django_setup(env)
    from django.conf import settings

    slug, kpi, token = _seed()
    path = f"/api/v1/workspaces/{slug}/kpis/{kpi}/measurements/"
    port = free_port()
    server = gunicorn(env, port, workers=1)
    failed = False
    try:
        _post(port, path, token, json.dumps(_rows(1, dt.date(1800, 1, 1), 1)).encode())  # warm
        bulk: list[float] = []
        start = dt.date(1900, 1, 1)
        for round_ in range(args.rounds + 1):
            upsert = round_ == args.rounds
            if not upsert and round_:
                start += dt.timedelta(days=args.rows)
            payload = json.dumps(_rows(args.rows, start, 300 + round_)).encode()
            status, body, seconds = _post(
                port, f"{path}?upsert=true" if upsert else path, token, payload
            )
            label = "upsert" if upsert else f"bulk {round_ + 1}"
            print(
                f"{label:8} {args.rows:,} rows  {len(payload) / 1e6:.2f} MB  {status}  {body}  "
                f"{seconds:6.3f} s  {args.rows / seconds:9,.0f} rows/s"
            )
            expected = {"created": 0, "updated": args.rows} if upsert else {"created": args.rows}
            failed |= status != 201 or any(body.get(k) != v for k, v in expected.items())
            failed |= seconds >= TARGET_SECONDS
            bulk.append(seconds)

        single: list[float] = []
        day = dt.date(1700, 1, 1)
        for n in range(args.single):
            row = {"date": f"{day + dt.timedelta(days=n):%Y-%m-%d}", "value": str(n)}
            status, _, seconds = _post(port, path, token, json.dumps(row).encode())
            failed |= status != 201
            single.append(seconds)

        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        one_by_one = statistics.median(single) * args.rows if single else 0.0
        print(f"\n{database}, gunicorn with 1 worker, {args.rows:,} rows per call")
        print(
            f"bulk call: median {statistics.median(bulk):.3f} s, worst {max(bulk):.3f} s "
            f"(target under {TARGET_SECONDS:.0f} s)"
        )
        if single:
            print(
                f"one object per call: median {statistics.median(single) * 1000:.1f} ms, so "
                f"{args.rows:,} rows that way take about {one_by_one:.0f} s "
                f"= {one_by_one / statistics.median(bulk):.0f}x the bulk call"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        _cleanup(slug)
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
