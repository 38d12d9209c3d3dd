"""Real Celery workers on a real Redis broker, for the fault tests and the fan-out benchmark.

A worker runs as ``celery -A alignment worker --pool prefork`` in its own process group, on a
queue of its own, against the database and broker it is given, with
:mod:`tests.checkins.worker_settings`.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import redis
from celery import Celery
from django.conf import settings
from django.db import connection

CELERY = Path(sys.executable).with_name("celery")
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def broker_url() -> str:
    """The configured Redis; locally a spare database of the default one. CI must set it."""
    url = os.environ.get("REDIS_URL", "")
    if not url and os.environ.get("CI") == "true":
        raise RuntimeError("CI runs the Celery tests on the real Redis broker: set REDIS_URL.")
    return url or LOCAL_REDIS


def database_url() -> str:
    """The URL of the database this process uses (the test database in a test)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def unique_queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def wait_ready(self, timeout: float = 30) -> None:
        """Until the worker consumes (its log says "ready.")."""
        wait_until(lambda: " ready." in self.log.read_text(errors="replace"), timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the whole worker, parent and pool processes, as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def start_worker(
    *,
    broker: str,
    queue: str,
    mail_file: Path,
    log: Path,
    concurrency: int = 2,
    mail_delay: float = 0.0,
) -> Worker:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.checkins.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ALIGNMENT_TEST_QUEUE": queue,
        "ALIGNMENT_TEST_MAIL_FILE": str(mail_file),
        "ALIGNMENT_TEST_MAIL_DELAY": str(mail_delay),
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "alignment",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "-Q",
                queue,
                "--hostname",
                f"{queue}-{uuid.uuid4().hex[:6]}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(process=process, log=log)


def publisher(broker: str, queue: str) -> Celery:
    """A Celery client of its own (the test process runs its app eagerly) that sends tasks by
    name to the run's queue."""
    app = Celery("alignment-publisher", broker=broker, set_as_current=False)
    app.conf.task_default_queue = queue
    app.conf.broker_connection_retry_on_startup = True
    return app


def wait_until(check: Callable[[], bool], *, timeout: float, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout} s waiting for {check}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A throwaway redis-server that keeps nothing on disk: a restart loses every message."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def purge(broker: str, queue: str) -> None:
    """Leave nothing of the run in a shared Redis: its queue and bindings, and the messages a
    killed worker held unacknowledged (Redis would hand them back an hour later)."""
    client = redis.Redis.from_url(broker)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for tag, payload in client.hscan_iter("unacked"):
        if json.loads(payload)[2] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
