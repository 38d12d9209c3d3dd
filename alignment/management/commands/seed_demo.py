"""``manage.py seed_demo``: the demo workspace, or with ``--scale`` the benchmark workspace.

seed_demo                      "Acme Analytics" (acme), unless it exists; prints the login
seed_demo --reset              delete the demo and its people, then seed it again
seed_demo --scale [--reset]    "Scale Test Co" (scale) with --departments 40 --goals 5000
                               --kpis 1000 --measurements 1000000 --checkins 100000
                               --members 200 --forums 20 --meetings 500 --decisions 2000
                               --conflicts 200 --asks 10000 unless told otherwise; prints
                               each table's rows and time, then analyzes the tables
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from alignment.seed.common import PASSWORD, TIMEZONE
from alignment.seed.demo import DEMO_SLUG, demo_login_lines, demo_seed
from alignment.seed.scale import (
    SCALE_NAME,
    SCALE_OPTIONS,
    SCALE_SLUG,
    SCALE_USERNAME,
    Stopwatch,
    scale_seed,
    scale_size,
)
from teams.models import Workspace


class Command(BaseCommand):
    help = "Create the demo workspace, or with --scale the large benchmark workspace."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the workspace and its seeded people first, then seed it again.",
        )
        parser.add_argument(
            "--scale",
            action="store_true",
            help=f'Seed the benchmark workspace "{SCALE_SLUG}" instead of the demo.',
        )
        for name, (default, minimum) in SCALE_OPTIONS.items():
            parser.add_argument(
                f"--{name}",
                type=int,
                help=f"With --scale: how many {name} (default {default:,}, at least {minimum}).",
            )

    def handle(self, *args: Any, reset: bool, scale: bool, **options: Any) -> None:
        given = {name: options[name] for name in SCALE_OPTIONS}
        if scale:
            self._scale(reset=reset, given=given)
        elif any(value is not None for value in given.values()):
            raise CommandError("The sizes apply to --scale only.")
        else:
            self._demo(reset=reset)

    def _demo(self, *, reset: bool) -> None:
        if reset or not Workspace.objects.filter(slug=DEMO_SLUG).exists():
            demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))
        else:
            self._unchanged(DEMO_SLUG)
        for line in demo_login_lines():
            self.stdout.write(line)

    def _scale(self, *, reset: bool, given: dict[str, int | None]) -> None:
        size = scale_size(given)
        if not reset and Workspace.objects.filter(slug=SCALE_SLUG).exists():
            self._unchanged(SCALE_SLUG)
            return
        lap = Stopwatch(self.stdout.write)
        scale_seed(size, timezone.localdate(timezone=ZoneInfo(TIMEZONE)), lap)
        self.stdout.write(f"  {'total':<30}{'':>16} {lap.total:>8.2f} s")
        self.stdout.write(
            f'Scale workspace "{SCALE_NAME}" is ready at {settings.SITE_URL}/w/{SCALE_SLUG}/ '
            f"(sign in as {SCALE_USERNAME.format(0)} / {PASSWORD})."
        )

    def _unchanged(self, slug: str) -> None:
        self.stdout.write(
            f'The workspace "{slug}" exists already; nothing changed (--reset seeds it again).'
        )
