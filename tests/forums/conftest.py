"""The CMO's monthly forum of marketing, sales and product, facilitated by claire."""

import datetime as dt

import pytest
from django.utils import timezone

from forums import services
from forums.models import Forum, Meeting
from tests.factories import member


def next_weekday(weekday: int, *, weeks: int = 1) -> dt.date:
    """A date ``weeks`` weeks or more ahead falling on ``weekday`` (0 is Monday)."""
    start = timezone.now().date() + dt.timedelta(weeks=weeks)
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@pytest.fixture
def forum(acme) -> Forum:
    return services.forum_create(
        membership=member(acme.claire),
        name="CMO forum",
        purpose="Marketing, sales and product leaders decide together.",
        departments=[acme.marketing, acme.sales, acme.product],
        facilitator=acme.claire,
        first_date=next_weekday(1),
        start_time=dt.time(10, 0),
        duration_minutes=60,
        cadence=Forum.Cadence.MONTHLY_WEEKDAY,
    )


@pytest.fixture
def meeting(forum) -> Meeting:
    """The forum's next meeting."""
    return forum.meetings.order_by("starts_at").first()
