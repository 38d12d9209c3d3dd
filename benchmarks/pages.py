"""Full pages and the API goal list at scale: throughput against the floor, p95, worker memory.

Seeds the benchmark workspace (``seed_demo --scale``: 40 departments, 5,000 goals, 1,000 KPIs,
1,000,000 measurements, 100,000 check-ins) unless it is already there, starts gunicorn, signs
in one of its admins, and for each page lets ``--clients`` threads request it for
``--seconds``, then the floor (``/_floor/?bytes=<the page's size>``, a template of the same
size with no query) for as long. Prints per page ``page rps / floor rps`` (docs/quality.md:
at least 0.35 for full pages, 0.5 for the API goal list), the p95 latency (under 150 ms at 8
clients) and, at the end, each gunicorn worker's peak resident memory (under 150 MB).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/alignment_bench
    export REDIS_URL=redis://127.0.0.1:6379/1
    .venv/bin/python -m benchmarks.pages [--seconds 10] [--clients 8] [--workers 2] [--reset]

Point DATABASE_URL at a throwaway database: the run migrates it and seeds the scale workspace
there (about a minute on PostgreSQL, once; ``--reset`` seeds it again).
"""

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import (
    django_setup,
    environment,
    free_port,
    get,
    gunicorn,
    peak_memory_mb,
    server_cpu,
)


def _pages(reset: bool) -> tuple[str, dict[str, str]]:
    """Seed if needed; (session cookie of an admin, {name: path}) of the measured pages."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count
    from django.test import Client

    from alignment.seed.scale import SCALE_SLUG
    from goals.models import KPI, Goal
    from teams.models import Membership, Role, Workspace

    call_command("migrate", verbosity=0)
    if reset or not Workspace.objects.filter(slug=SCALE_SLUG).exists():
        call_command("seed_demo", scale=True, reset=reset)
    workspace = Workspace.objects.get(slug=SCALE_SLUG)
    admin = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).first().user
    # The busiest goal and KPI: the detail pages at their heaviest.
    goal = (
        Goal.objects.filter(workspace=workspace)
        .annotate(n=Count("checkins"))
        .order_by("-n", "pk")
        .first()
    )
    kpi = (
        KPI.objects.filter(workspace=workspace)
        .annotate(n=Count("measurements"))
        .order_by("-n", "pk")
        .first()
    )
    client = Client()
    client.force_login(admin)
    cookie = client.cookies["sessionid"].value
    connections.close_all()
    base = f"/w/{SCALE_SLUG}"
    return cookie, {
        "dashboard": f"{base}/",
        "goal list": f"{base}/goals/",
        "goal detail": f"{base}/goals/{goal.pk}/",
        "KPI detail": f"{base}/kpis/{kpi.pk}/",
        "health matrix": f"{base}/health/",
        "decision log": f"{base}/decisions/",
        "API goal list (50)": f"/api/v1/workspaces/{SCALE_SLUG}/goals/?page_size=50",
    }


def _run(port: int, path: str, cookie: str | None, seconds: float, clients: int):
    """(requests answered 200 per second, latencies in ms, outcomes) for ``clients`` threads."""
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        local: Counter[str] = Counter()
        times: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = get(port, path, cookie)
                local[str(status)] += 1
            except OSError as error:
                local[type(error).__name__] += 1
            times.append((time.perf_counter() - started) * 1000)
        with lock:
            outcomes.update(local)
            latencies.extend(times)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes["200"] / (time.monotonic() - started), latencies, outcomes


def _p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each run")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--reset", action="store_true", help="seed the scale workspace again")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="alignment-bench-"))
    env = environment(var_dir)
    django_setup(env)
    from django.conf import settings

    cookie, pages = _pages(args.reset)
    port = free_port()
    server = gunicorn(env, port, args.workers, args.threads)
    failed = False
    try:
        print(f"{'page':20} {'rps':>7} {'floor':>7} {'ratio':>6} {'p95 ms':>7} {'CPU ms':>7}")
        for name, path in pages.items():
            status, body = get(port, path, cookie)
            if status != 200:
                raise RuntimeError(f"{name} ({path}) answered {status}")
            floor_path = f"/_floor/?bytes={len(body.encode())}"
            used = server_cpu(server.pid)
            rate, latencies, outcomes = _run(port, path, cookie, args.seconds, args.clients)
            cpu_ms = (server_cpu(server.pid) - used) * 1000 / max(sum(outcomes.values()), 1)
            floor, _, _ = _run(port, floor_path, None, args.seconds, args.clients)
            target = 0.5 if name.startswith("API") else 0.35
            ratio = rate / floor
            p95 = _p95(latencies)
            errors = {k: v for k, v in outcomes.items() if k != "200"}
            failed |= ratio < target or p95 >= 150 or bool(errors)
            print(
                f"{name:20} {rate:7.1f} {floor:7.1f} {ratio:6.2f} {p95:7.1f} {cpu_ms:7.2f}"
                + (f"  errors: {errors}" if errors else "")
            )
        peaks = peak_memory_mb(server.pid)
        failed |= any(peak >= 150 for peak in peaks)
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"\n{args.workers} gunicorn workers × {args.threads} threads, {args.clients} client "
            f"threads, {database}, {cache}"
        )
        print("peak resident memory per worker: " + ", ".join(f"{p:.0f} MB" for p in peaks))
        print(
            "targets: ratio >= 0.35 (API 0.5), p95 < 150 ms, memory < 150 MB: "
            + ("missed" if failed else "met")
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
