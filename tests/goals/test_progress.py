from datetime import date
from decimal import Decimal

import pytest

from goals.progress import pace_status, rollup, value_progress
from goals.services.goals import goal_refresh_progress
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory


@pytest.mark.parametrize(
    ("baseline", "target", "current", "direction", "expected"),
    [
        ("20", "26", "23", "increase", 50),
        ("20", "26", "30", "increase", 100),
        ("20", "26", "10", "increase", 0),
        ("240", "204", "222", "decrease", 50),
        ("12", "8", "11", "decrease", 25),
    ],
)
def test_value_progress(baseline, target, current, direction, expected):
    assert (
        value_progress(
            baseline=Decimal(baseline),
            target=Decimal(target),
            current=Decimal(current),
            direction=direction,
        )
        == expected
    )


def test_value_progress_is_none_without_numbers():
    assert value_progress(baseline=None, target=Decimal(1), current=Decimal(1)) is None


def test_rollup_weighs_children():
    assert rollup([(100, 1), (0, 1)]) == 50
    assert rollup([(100, 3), (0, 1)]) == 75
    assert rollup([]) == 0


@pytest.mark.parametrize(
    ("progress", "today", "expected"),
    [
        (50, date(2026, 2, 15), "on_track"),
        (30, date(2026, 2, 15), "at_risk"),
        (10, date(2026, 2, 15), "off_track"),
        (100, date(2026, 4, 1), "on_track"),
        (90, date(2026, 4, 1), "off_track"),
    ],
)
def test_pace_status(progress, today, expected):
    status = pace_status(
        progress=progress, start_date=date(2026, 1, 1), due_date=date(2026, 4, 1), today=today
    )
    assert status == expected


@pytest.mark.django_db
def test_refresh_takes_the_kpis_latest_value_and_rolls_up_to_the_parent():
    kpi = KPIFactory(direction="decrease")
    MeasurementFactory(kpi=kpi, date=date(2026, 1, 1), value=Decimal("240"))
    MeasurementFactory(kpi=kpi, date=date(2026, 2, 1), value=Decimal("222"))
    parent = GoalFactory(baseline=Decimal("1"), target=Decimal("2"))
    workspace = parent.workspace
    step = GoalFactory(
        workspace=workspace,
        parent=parent,
        kpi=kpi,
        direction="decrease",
        baseline=Decimal("240"),
        target=Decimal("204"),
    )
    done = GoalFactory(workspace=workspace, parent=parent, weight=1, current_value=Decimal("130"))
    goal_refresh_progress(goal=done)
    goal_refresh_progress(goal=step)
    step.refresh_from_db()
    parent.refresh_from_db()
    assert step.current_value == Decimal("222")
    assert step.progress == 50
    assert parent.progress == 75
