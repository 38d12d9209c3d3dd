"""Run the whole product on one machine: the web server plus a Celery worker with beat.

`make run` calls this after migrating and loading the demo. Ctrl-C, SIGTERM (to this process
or its process group) and a closed terminal (SIGHUP) all stop everything within
:data:`STOP_WITHIN` seconds:

* the worker runs in a session of its own, so a signal meant for the terminal's processes
  reaches this command only, which then stops the worker in order (a warm shutdown that lets
  running tasks finish, then a cold one, then SIGKILL for its whole process group);
* on Linux the worker is also told to stop if this command dies without cleaning up.

Tasks are acknowledged late (the settings), so a task cut short is delivered again.
"""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Seconds for the worker's warm shutdown, then its cold one; together well under ten.
WARM_SHUTDOWN = 5
COLD_SHUTDOWN = 2
STOP_WITHIN = 10
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


# Looked up here, in the parent: find_library runs a program, which a forked child must not.
LIBC = ctypes.util.find_library("c") if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the worker, before it starts: SIGTERM it when this command's process ends."""
    if LIBC:
        ctypes.CDLL(LIBC, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop_serving(signum: int, frame: FrameType | None) -> None:
    """Any stop signal ends runserver as Ctrl-C does."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Serve the web app and run a Celery worker with an embedded beat scheduler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port for the web server")

    def handle(self, *args, addr: str, **options) -> None:
        worker = self._start_worker()
        broker = "Redis" if settings.REDIS_URL else "the embedded file broker"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        try:
            # From here on, any stop signal ends in the finally below, which stops the worker.
            for stop in STOP_SIGNALS:
                signal.signal(stop, _stop_serving)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Web on http://{addr}/ · database: {database} · Celery worker and beat on "
                    f"{broker} · email: {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}"
                )
            )
            call_command("runserver", addr, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            # A second signal while stopping must not cut the stop short.
            for stop in STOP_SIGNALS:
                signal.signal(stop, signal.SIG_IGN)
            self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        celery = Path(sys.executable).with_name("celery")
        return subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                str(celery),
                "-A",
                "alignment",
                "worker",
                "--beat",
                "--scheduler",
                settings.CELERY_BEAT_SCHEDULER,
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        """Warm shutdown, then cold, then SIGKILL for the worker and its pool."""
        self.stdout.write("Stopping the Celery worker…")
        for stop, wait in ((signal.SIGTERM, WARM_SHUTDOWN), (signal.SIGQUIT, COLD_SHUTDOWN)):
            worker.send_signal(stop)
            try:
                worker.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        worker.wait()
