import datetime as dt

import pytest

from checkins.cycles import EPOCH, cycle_bounds, kinds_due, reminder_day
from checkins.models import Cycle, Reminder
from checkins.services.cycles import cycle_current
from teams.models import Cadence
from tests.checkins.conftest import local
from tests.factories import WorkspaceFactory

MONDAY = dt.date(2026, 11, 16)  # an even number of weeks after the epoch
WEDNESDAY = 2


def test_biweekly_cycle_runs_two_weeks_from_a_monday_and_is_due_on_its_second_wednesday():
    bounds = cycle_bounds(Cadence.BIWEEKLY, MONDAY + dt.timedelta(days=10))
    assert (MONDAY - EPOCH).days % 14 == 0
    assert bounds.starts_on == MONDAY
    assert bounds.ends_on == MONDAY + dt.timedelta(days=13)
    assert bounds.due_on == dt.date(2026, 11, 25)
    assert bounds.due_on.weekday() == WEDNESDAY


def test_every_day_of_a_cycle_belongs_to_the_same_cycle_and_the_next_day_to_the_next():
    for cadence in Cadence.values:
        first = cycle_bounds(cadence, dt.date(2026, 11, 1))
        day = first.starts_on
        while day <= first.ends_on:
            assert cycle_bounds(cadence, day) == first
            day += dt.timedelta(days=1)
        assert cycle_bounds(cadence, day).starts_on == day


def test_weekly_cycle_is_due_on_wednesday():
    bounds = cycle_bounds(Cadence.WEEKLY, dt.date(2026, 11, 22))
    assert bounds.starts_on == MONDAY
    assert bounds.due_on == dt.date(2026, 11, 18)


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (dt.date(2026, 11, 5), dt.date(2026, 11, 25)),  # November ends on a Monday
        (dt.date(2026, 12, 31), dt.date(2026, 12, 23)),  # the 30th is a Wednesday: too late
        (dt.date(2026, 2, 14), dt.date(2026, 2, 25)),
    ],
)
def test_monthly_cycle_is_due_on_the_last_wednesday_that_leaves_thursday_and_friday(day, due):
    bounds = cycle_bounds(Cadence.MONTHLY, day)
    assert bounds.starts_on == day.replace(day=1)
    assert bounds.due_on == due
    assert bounds.due_on + dt.timedelta(days=2) <= bounds.ends_on


def test_reminder_kinds_follow_the_due_date():
    bounds = cycle_bounds(Cadence.BIWEEKLY, MONDAY)
    due = bounds.due_on
    day = dt.timedelta(days=1)
    assert kinds_due(bounds, due - 3 * day) == []
    assert kinds_due(bounds, due - 2 * day) == [Reminder.Kind.BEFORE_DUE]
    assert kinds_due(bounds, due) == [Reminder.Kind.BEFORE_DUE]
    assert kinds_due(bounds, due + day) == [Reminder.Kind.NUDGE]
    assert kinds_due(bounds, due + 2 * day) == [Reminder.Kind.NUDGE, Reminder.Kind.ESCALATION]


def test_a_days_reminders_start_at_nine_in_the_workspace_time_zone(db):
    berlin = WorkspaceFactory(timezone="Europe/Berlin")
    assert reminder_day(berlin, local(berlin, MONDAY, hour=8)) == MONDAY - dt.timedelta(days=1)
    assert reminder_day(berlin, local(berlin, MONDAY, hour=9)) == MONDAY
    # 08:30 UTC is already 09:30 in Berlin.
    assert reminder_day(berlin, dt.datetime(2026, 11, 16, 8, 30, tzinfo=dt.UTC)) == MONDAY


def test_current_cycle_is_created_once(db):
    workspace = WorkspaceFactory()
    first = cycle_current(workspace=workspace, today=MONDAY + dt.timedelta(days=3))
    again = cycle_current(workspace=workspace, today=MONDAY + dt.timedelta(days=12))
    assert first == again
    assert (first.starts_on, first.due_on) == (MONDAY, dt.date(2026, 11, 25))
    assert Cycle.objects.filter(workspace=workspace).count() == 1


def test_a_changed_cadence_reshapes_the_cycle_that_starts_the_same_day(db):
    workspace = WorkspaceFactory(checkin_cadence=Cadence.BIWEEKLY)
    cycle_current(workspace=workspace, today=MONDAY)
    workspace.checkin_cadence = Cadence.WEEKLY
    cycle = cycle_current(workspace=workspace, today=MONDAY)
    assert cycle.due_on == dt.date(2026, 11, 18)
    cycle.refresh_from_db()
    assert cycle.due_on == dt.date(2026, 11, 18)
