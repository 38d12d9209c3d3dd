"""The demo's pulse makes operations and marketing the weak pair of the health matrix."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from alignment.seed import demo_checkins
from alignment.seed.common import TIMEZONE, cycles_create
from alignment.seed.demo import demo_seed
from checkins.cycles import cycle_bounds
from checkins.models import Cycle
from checkins.services.cycles import cycle_current
from health.figures import health_figures
from health.models import PulseAnswer
from tests import nplusone


def test_the_demo_shows_operations_and_marketing_as_the_weak_pair(db):
    with nplusone.seeding_the_demo():
        workspace = demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))
    health = health_figures(workspace=workspace)
    first, second, figures = health.weakest()
    assert {first.kind, second.kind} == {"marketing", "operations"}
    assert figures.pulse is not None
    assert figures.pulse <= 2
    assert figures.asks_on_time == 0.0  # each waits on an ask of the other, past its date
    others = [f.score for f in health.pairs.values() if f.score is not None and f is not figures]
    assert len(others) >= 4  # the other pairs that work together have scores too
    assert figures.score <= min(others) - 10
    # Four cycles of answers, the current one through the service.
    assert PulseAnswer.objects.filter(workspace=workspace).values("cycle").distinct().count() == 4
    assert len(health.trend) == 6


def test_the_demo_answers_the_pulse_of_the_current_cycle_whatever_cycles_exist(db, monkeypatch):
    """A cycle row after the current one (made ahead of time) is not the current cycle: the
    pulse goes into the one holding today, and the goals, dated before the first cycle, owe
    and have their check-ins."""
    today = timezone.localdate(timezone=ZoneInfo(TIMEZONE))

    def with_next(workspace, day, count):
        cycles = cycles_create(workspace, day, count)
        now = cycle_bounds(workspace.checkin_cadence, day)
        ahead = cycle_bounds(workspace.checkin_cadence, now.ends_on + timedelta(days=1))
        Cycle.objects.create(workspace=workspace, starts_on=ahead.starts_on, due_on=ahead.due_on)
        return cycles

    monkeypatch.setattr(demo_checkins, "cycles_create", with_next)
    with nplusone.seeding_the_demo():
        workspace = demo_seed(today)
    current = cycle_current(workspace=workspace, today=today)
    assert Cycle.objects.filter(workspace=workspace, starts_on__gt=current.starts_on).exists()
    answered = PulseAnswer.objects.filter(workspace=workspace).order_by("-cycle__starts_on")
    assert answered.first().cycle == current
    assert answered.values("cycle").distinct().count() == 4
    health = health_figures(workspace=workspace, today=today)
    rates = [f.checkin_rate for f in health.by_department.values()]
    assert rates
    assert None not in rates
