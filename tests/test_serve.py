"""`manage.py serve` (what `make run` ends with) stops web, worker and beat within ten seconds,
whichever way it is told to: Ctrl-C, SIGTERM to its process group, or a closed terminal."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from alignment.management.commands.serve import STOP_WITHIN

ROOT = Path(__file__).resolve().parent.parent
STARTED_WITHIN = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _parents() -> dict[int, int]:
    """Every live process's parent, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def _wait_until_up(serve: subprocess.Popen, url: str) -> set[int]:
    """Wait until the web answers and the worker, its beat and its pool run; their pids."""
    deadline = time.monotonic() + STARTED_WITHIN
    while time.monotonic() < deadline:
        assert serve.poll() is None, serve.stdout.read()
        processes = _descendants(serve.pid)
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (a local URL)
        except OSError:
            time.sleep(0.3)
            continue
        # The worker and at least its two pool processes.
        if len(processes) >= 3:
            return processes
        time.sleep(0.3)
    pytest.fail(f"serve did not start within {STARTED_WITHIN} s")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A migrated SQLite file the served processes share (beat keeps its schedule there)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'db.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return url


@pytest.mark.parametrize(
    ("how", "signum"),
    [
        ("Ctrl-C", signal.SIGINT),
        ("SIGTERM to the process group", signal.SIGTERM),
        ("a closed terminal", signal.SIGHUP),
    ],
)
def test_serve_stops_everything_it_started(how, signum, database):
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "DEBUG": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    started: set[int] = set()
    try:
        started = _wait_until_up(serve, f"http://127.0.0.1:{port}/healthz")
        stopping = time.monotonic()
        # As a terminal signals its foreground process group.
        os.killpg(serve.pid, signum)
        serve.wait(timeout=STOP_WITHIN)
        while _alive(started) and time.monotonic() - stopping < STOP_WITHIN:
            time.sleep(0.1)
        left = _alive(started)
        assert not left, f"after {how}, still running: {sorted(left)}"
        assert time.monotonic() - stopping < STOP_WITHIN
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        # The worker leads a process group of its own, pool processes started later included.
        for pid in _alive(started):
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
