"""The demo's pulse makes operations and marketing the weak pair of the health matrix."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from alignment.seed.common import TIMEZONE
from alignment.seed.demo import demo_seed
from health.figures import health_figures
from health.models import PulseAnswer


def test_the_demo_shows_operations_and_marketing_as_the_weak_pair(db):
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
