"""The workshop's live refresh: how many unchanged polls one server answers, against the floor.

Starts gunicorn on 127.0.0.1 (a free port) over a fresh database, seeds one workshop with 50
participants, signs them all in, then for a fixed time lets a pool of client threads send the
one-second poll of each participant (nothing changes, so each answer is "204 unchanged"), and
for the same time the bare floor view (``/_floor/``, BENCHMARK_FLOOR=true), whose tiny template
is about as small as that empty answer. Prints ``poll rps / floor rps`` (docs/quality.md asks
for at least 0.8).

    .venv/bin/python -m benchmarks.workshop_refresh [--seconds 10] [--clients 8] [--workers 2]

DATABASE_URL and REDIS_URL are used when set (point DATABASE_URL at a throwaway database: the
benchmark migrates it and adds a workspace); otherwise a SQLite file and the file cache in a
temporary directory.
"""

import argparse
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import django_setup, environment, free_port, get, gunicorn, server_cpu

HTMX = {"HX-Request": "true"}
PARTICIPANTS = 50
PROPOSALS = 20
POLL_LINK = re.compile(r'hx-get="([^"]+/state/)\?v=(\d+)&amp;p=([^"&]+)&amp;t=([^"]+)"')


@dataclass
class Participant:
    cookie: str
    path: str = ""
    version: str = ""
    presence: str = ""
    token: str = ""

    @property
    def poll(self) -> str:
        return f"{self.path}?v={self.version}&p={self.presence}&t={self.token}"

    def follow(self, body: str) -> None:
        """Take the new version and presence from a board, as htmx does."""
        match = POLL_LINK.search(body)
        if match:
            self.path, self.version, self.presence, self.token = match.groups()


def _seed() -> tuple[str, list[str]]:
    """Migrate, create the workshop and sign its participants in; (board path, cookies)."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from goals.services.goals import period_create
    from teams.models import Membership, Role, User
    from teams.services import workspace_create
    from workshops import services

    call_command("migrate", verbosity=0)
    tag = secrets.token_hex(3)
    people = User.objects.bulk_create(
        User(username=f"bench-{tag}-{n}", first_name=f"Person{n}", last_name="Bench")
        for n in range(PARTICIPANTS)
    )
    facilitator, *others = people
    workspace = workspace_create(creator=facilitator, name=f"Benchmark {tag}")
    Membership.objects.bulk_create(
        Membership(workspace=workspace, user=person, role=Role.LEAD) for person in others
    )
    membership = Membership.objects.get(workspace=workspace, user=facilitator)
    period = period_create(
        membership=membership,
        name="Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )
    workshop = services.workshop_create(
        workspace=workspace,
        actor=facilitator,
        title="Q4 shared goals",
        period=period,
        departments=list(workspace.departments.all()),
        participants=others,
    )
    for n in range(PROPOSALS):
        services.proposal_create(
            workshop=workshop,
            actor=people[n % PARTICIPANTS],
            title=f"Increase qualified leads by {n + 5}% through partner webinars",
            owner_departments=list(workspace.departments.all()[:2]),
        )
    cookies = []
    for person in people:
        client = Client()
        client.force_login(person)
        cookies.append(client.cookies["sessionid"].value)
    connections.close_all()
    return f"/w/{workspace.slug}/workshops/{workshop.pk}/state/", cookies


def _settle(port: int, participants: list[Participant]) -> None:
    """Every participant arrives, then all poll at once, as open browsers do, until nothing is
    new for anyone."""

    def poll(person: Participant) -> bool:
        status, body = get(port, person.poll, person.cookie, HTMX)
        if status not in (200, 204):
            raise RuntimeError(f"the poll answered {status}")
        if status == 200:
            person.follow(body)
        return status == 200

    with ThreadPoolExecutor(max_workers=10) as pool:
        for _ in range(20):
            if not any(list(pool.map(poll, participants))):
                return
            time.sleep(1)
    raise RuntimeError("the board kept changing while nobody changed anything")


def _run(port: int, kind: str, participants: list[Participant], seconds: float, clients: int):
    """Requests answered per second by ``clients`` threads for ``seconds``, and the outcomes."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        local: Counter[str] = Counter()
        turn = offset
        while time.monotonic() < stop:
            person = participants[turn % len(participants)]
            turn += clients
            try:
                if kind == "poll":
                    status, body = get(port, person.poll, person.cookie, HTMX)
                    if status == 200:
                        person.follow(body)
                else:
                    status, body = get(port, "/_floor/", headers=HTMX)
                local[str(status)] += 1
            except OSError as error:
                local[type(error).__name__] += 1
        with lock:
            outcomes.update(local)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ok = outcomes["204"] if kind == "poll" else outcomes["200"]
    return ok / elapsed, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each run")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--rounds", type=int, default=2, help="poll and floor runs, alternating")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="alignment-bench-"))
    env = environment(var_dir)
    django_setup(env)
    from django.conf import settings

    path, cookies = _seed()
    participants = [Participant(cookie=cookie, path=path) for cookie in cookies]
    port = free_port()
    server = gunicorn(env, port, args.workers)
    try:
        rates: dict[str, list[float]] = {"floor": [], "poll": []}
        cpu: dict[str, list[float]] = {"floor": [], "poll": []}
        for _ in range(args.rounds):
            for kind in ("poll", "floor"):
                if kind == "poll":
                    # Browsers poll every second; after a floor run everyone arrives again.
                    _settle(port, participants)
                used = server_cpu(server.pid)
                rate, outcomes = _run(port, kind, participants, args.seconds, args.clients)
                used = server_cpu(server.pid) - used
                rates[kind].append(rate)
                cpu[kind].append(used * 1000 / max(sum(outcomes.values()), 1))
                print(
                    f"{kind:5} {rate:8.1f} rps  {cpu[kind][-1]:5.2f} ms server CPU per request  "
                    f"{dict(outcomes)}"
                )
        floor = sum(rates["floor"]) / len(rates["floor"])
        poll = sum(rates["poll"]) / len(rates["poll"])
        floor_cpu = sum(cpu["floor"]) / len(cpu["floor"])
        poll_cpu = sum(cpu["poll"]) / len(cpu["poll"])
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"\n{PARTICIPANTS} participants, {args.workers} gunicorn workers, {args.clients} "
            f"client threads, {database}, {cache}"
        )
        print(f"poll rps / floor rps = {poll:.1f} / {floor:.1f} = {poll / floor:.2f}")
        print(
            f"server CPU per request, floor / poll = {floor_cpu:.2f} / {poll_cpu:.2f} ms "
            f"= {floor_cpu / poll_cpu:.2f} (the same ratio, less sensitive to a busy machine)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
