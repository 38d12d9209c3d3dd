"""Check-in fixtures on top of the acme personas: a product goal leo owes check-ins for, and
sam, the lead of sales (a lead, but not of product)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from checkins.cycles import cycle_bounds
from goals.models import Goal
from teams.models import Role
from tests.factories import GoalFactory, MembershipFactory, UserFactory


@pytest.fixture
def sam(acme):
    sam = UserFactory(username="sam", first_name="Sam", email="sam@acme.test")
    MembershipFactory(workspace=acme.workspace, user=sam, role=Role.LEAD, departments=[acme.sales])
    acme.sales.lead = sam
    acme.sales.save()
    return sam


@pytest.fixture
def goal(acme) -> Goal:
    """Product's goal: 100 leads to 130, on track, nothing checked in yet."""
    return GoalFactory(
        workspace=acme.workspace,
        title="Raise qualified leads from 100 to 130 this quarter",
        owner_departments=[acme.product],
        baseline=Decimal("100"),
        target=Decimal("130"),
        current_value=Decimal("100"),
        status=Goal.Status.ON_TRACK,
    )


@pytest.fixture
def bounds(acme):
    return cycle_bounds(acme.workspace.checkin_cadence, acme.workspace.today())


def local(workspace, day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment on ``day`` at ``hour`` in the workspace's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(workspace.timezone))
