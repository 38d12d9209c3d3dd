"""Pages, HTMX partials and the API at scale, then a mixed load: one table (``make benchmark``).

Seeds the benchmark workspace (``seed_demo --scale``) unless it is already there, starts
gunicorn, signs one of its admins in, and for each page lets ``--clients`` threads request it
for ``--seconds``, then the floor (``/_floor/?bytes=<the page's size>``, a template of the same
size with no query) for as long. Then ``--mixed-clients`` threads request pages at random from
a few hundred URLs (every kind above, many goals, KPIs, meetings and searches) for
``--mixed-seconds``. Prints one table: per row the requests per second, the floor's, their
ratio, p95 (p99 for the mixed load), the server's CPU per request, and the load generator's own
CPU; then each gunicorn worker's peak resident memory; and whether every target of
docs/quality.md was met (the exit status says so too).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/alignment_bench
    export REDIS_URL=redis://127.0.0.1:6379/1
    make benchmark                       # or: .venv/bin/python -m benchmarks.pages --help

Point DATABASE_URL at a throwaway database: the run migrates it and seeds the scale workspace
there (once; ``--reset`` seeds it again).
"""

import argparse
import random
import resource
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
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

HTMX = {"HX-Request": "true"}
SEARCH_WORDS = ("launch", "budget", "pricing", "hiring", "review", "partner")


@dataclass
class Target:
    """A row: what is requested, and what it must reach."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    ratio: float | None = None  # at least this share of the floor
    p95: float | None = None  # ms


def _targets(reset: bool) -> tuple[str, list[Target], list[tuple[str, dict[str, str]]]]:
    """Seed if needed; (an admin's session cookie, the rows, the mixed load's URLs)."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count
    from django.test import Client

    from alignment.seed.scale import SCALE_SLUG
    from forums.models import Meeting
    from goals.models import KPI, Goal
    from teams.models import Membership, Role, Workspace

    call_command("migrate", verbosity=0)
    if reset or not Workspace.objects.filter(slug=SCALE_SLUG).exists():
        call_command("seed_demo", scale=True, reset=reset)
    workspace = Workspace.objects.get(slug=SCALE_SLUG)
    admin = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).first().user
    goals = list(
        Goal.objects.filter(workspace=workspace)
        .annotate(n=Count("checkins"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:150]
    )
    kpis = list(
        KPI.objects.filter(workspace=workspace)
        .annotate(n=Count("measurements"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:80]
    )
    meetings = list(
        Meeting.objects.filter(forum__workspace=workspace)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:40]
    )
    client = Client()
    client.force_login(admin)
    cookie = client.cookies["sessionid"].value
    connections.close_all()

    base = f"/w/{SCALE_SLUG}"
    page, partial, api = {"ratio": 0.35, "p95": 150.0}, {"p95": 50.0}, {"ratio": 0.5, "p95": 150.0}
    rows = [
        Target("dashboard", f"{base}/", **page),
        Target("goal list", f"{base}/goals/", **page),
        Target("goal detail", f"{base}/goals/{goals[0]}/", **page),
        Target("KPI detail", f"{base}/kpis/{kpis[0]}/", **page),
        *([Target("meeting page", f"{base}/meetings/{meetings[0]}/", **page)] if meetings else []),
        Target("decision-log search", f"{base}/decisions/?q=launch", **page),
        Target("health matrix", f"{base}/health/", **page),
        Target("check-ins panel", f"{base}/checkins/panel/", HTMX, **partial),
        Target("KPI panel", f"{base}/kpis/panel/", HTMX, **partial),
        Target("forum panel", f"{base}/forums/panel/", HTMX, **partial),
        Target("health panel", f"{base}/health/panel/", HTMX, **partial),
        Target(
            "goal list results",
            f"{base}/goals/?status=open&page=2",
            HTMX | {"HX-Target": "goal-results"},
            **partial,
        ),
        Target("API goal list (50)", f"/api/v1/workspaces/{SCALE_SLUG}/goals/?page_size=50", **api),
    ]
    mixed = [(row.path, row.headers) for row in rows]
    mixed += [(f"{base}/goals/{pk}/", {}) for pk in goals]
    mixed += [(f"{base}/kpis/{pk}/", {}) for pk in kpis]
    mixed += [(f"{base}/meetings/{pk}/", {}) for pk in meetings]
    mixed += [(f"{base}/goals/?page={n}", {}) for n in range(1, 21)]
    mixed += [(f"{base}/decisions/?q={word}", {}) for word in SEARCH_WORDS]
    return cookie, rows, mixed


@dataclass
class Run:
    rate: float  # answered 200 per second
    latencies: list[float]
    outcomes: Counter
    client_cpu: float  # seconds of this process's CPU

    def quantile(self, q: int) -> float:
        """The q-th percentile latency in ms."""
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100)[q - 1]


def _run(
    port: int,
    pick: Callable[[random.Random], tuple[str, dict[str, str]]],
    cookie: str | None,
    seconds: float,
    clients: int,
) -> Run:
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        chooser = random.Random(seed)
        local: Counter[str] = Counter()
        times: list[float] = []
        while time.monotonic() < stop:
            path, headers = pick(chooser)
            started = time.perf_counter()
            try:
                status, _ = get(port, path, cookie, headers)
                local[str(status)] += 1
            except OSError as error:
                local[type(error).__name__] += 1
            times.append((time.perf_counter() - started) * 1000)
        with lock:
            outcomes.update(local)
            latencies.extend(times)

    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    return Run(outcomes["200"] / elapsed, latencies, outcomes, used)


def _always(path: str, headers: dict[str, str]) -> Callable[[random.Random], tuple]:
    return lambda _: (path, headers)


def _errors(run: Run) -> dict[str, int]:
    return {k: v for k, v in run.outcomes.items() if k != "200"}


def _mixed(port: int, mixed: list, cookie: str, args, server: int, missed: list[str]) -> None:
    used = server_cpu(server)
    run = _run(port, lambda chooser: chooser.choice(mixed), cookie, args.mixed_seconds,
               args.mixed_clients)  # fmt: skip
    count = max(sum(run.outcomes.values()), 1)
    cpu_ms = (server_cpu(server) - used) * 1000 / count
    p99 = run.quantile(99)
    slow = sum(latency >= 500 for latency in run.latencies)
    if not p99 < 500 or _errors(run):
        missed.append(f"mixed load: p99 {p99:.0f} ms, errors {_errors(run)}")
    print(
        f"{'mixed load (p99)':22} {run.rate:7.1f} {'':>7} {'':>6} {p99:7.1f} {cpu_ms:7.2f} "
        f"{run.client_cpu * 1000 / count:7.2f}"
    )
    print(
        f"  {len(mixed)} URLs, {args.mixed_clients} clients, {args.mixed_seconds:.0f} s: "
        f"{count} requests, median {run.quantile(50):.0f} ms, {slow} at 500 ms or more, "
        f"errors {_errors(run) or 'none'}; the load generator used "
        f"{run.client_cpu / args.mixed_seconds:.0%} of a core"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each row's run")
    parser.add_argument("--clients", type=int, default=8, help="client threads per row")
    parser.add_argument("--mixed-seconds", type=float, default=180, help="the mixed load's run")
    parser.add_argument("--mixed-clients", type=int, default=16, help="its client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--reset", action="store_true", help="seed the scale workspace again")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="run only the rows whose name contains TEXT (repeatable); --mixed-seconds 0 "
        "leaves out the mixed load",
    )
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="alignment-bench-"))
    env = environment(var_dir)
    django_setup(env)
    from django.conf import settings

    cookie, rows, mixed = _targets(args.reset)
    if args.only:
        rows = [row for row in rows if any(text in row.name for text in args.only)]
    port = free_port()
    server = gunicorn(env, port, args.workers, args.threads)
    missed: list[str] = []
    header = (
        f"{'':22} {'rps':>7} {'floor':>7} {'ratio':>6} {'p95 ms':>7} {'server':>7} {'client':>7}"
    )
    try:
        print(header + "\n" + " " * 54 + f"{'CPU ms':>7} {'CPU ms':>7}")
        for row in rows:
            status, body = get(port, row.path, cookie, row.headers)
            if status != 200:
                raise RuntimeError(f"{row.name} ({row.path}) answered {status}")
            floor_path = f"/_floor/?bytes={len(body.encode())}"
            used = server_cpu(server.pid)
            run = _run(port, _always(row.path, row.headers), cookie, args.seconds, args.clients)
            count = max(sum(run.outcomes.values()), 1)
            cpu_ms = (server_cpu(server.pid) - used) * 1000 / count
            floor = _run(port, _always(floor_path, {}), None, args.seconds, args.clients)
            ratio = run.rate / floor.rate if floor.rate else float("nan")
            p95 = run.quantile(95)
            if (row.ratio and not ratio >= row.ratio) or (row.p95 and not p95 < row.p95):
                missed.append(row.name)
            if _errors(run):
                missed.append(f"{row.name}: {_errors(run)}")
            print(
                f"{row.name:22} {run.rate:7.1f} {floor.rate:7.1f} {ratio:6.2f} {p95:7.1f} "
                f"{cpu_ms:7.2f} {run.client_cpu * 1000 / count:7.2f}"
            )

        if args.mixed_seconds > 0:
            _mixed(port, mixed, cookie, args, server.pid, missed)

        peaks = peak_memory_mb(server.pid)
        if any(peak >= 150 for peak in peaks):
            missed.append("memory")
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"\n{args.workers} gunicorn workers × {args.threads} threads, {args.clients} client "
            f"threads per row, {database}, {cache}"
        )
        print("peak resident memory per worker: " + ", ".join(f"{p:.0f} MB" for p in peaks))
        print(
            "targets: pages >= 0.35 of the floor (API 0.5) with p95 < 150 ms, partials p95 < 50 "
            "ms, mixed load p99 < 500 ms without error, memory < 150 MB: "
            + (f"missed ({'; '.join(missed)})" if missed else "met")
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
    raise SystemExit(1 if missed else 0)


if __name__ == "__main__":
    main()
