"""Run the whole product on one machine: the web server plus a Celery worker with beat.

`make run` calls this after migrating and loading the demo. Ctrl-C stops everything.
"""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app and run a Celery worker with an embedded beat scheduler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port for the web server")

    def handle(self, *args, addr: str, **options) -> None:
        celery = Path(sys.executable).with_name("celery")
        worker = subprocess.Popen(  # noqa: S603 (fixed arguments)
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
            ]
        )
        broker = "Redis" if settings.REDIS_URL else "the embedded file broker"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(
            self.style.SUCCESS(
                f"Web on http://{addr}/ · database: {database} · Celery worker and beat on "
                f"{broker} · email: {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}"
            )
        )
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
