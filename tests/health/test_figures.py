"""The health figures against the hand-computed workspace of tests/health/conftest.py.

Now (7 Dec) the window is C0-C2 (from 2 Nov); the check-in rate counts C1-C3, the cycles due
by then (C0 is due on 9 Dec).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkins.models import Ask
from conflicts.models import Conflict
from goals.models import Goal
from health.figures import health_figures
from tests.factories import CheckInFactory, GoalFactory
from tests.health.conftest import TODAY, day, noon


@pytest.fixture
def health(handmade):
    return health_figures(workspace=handmade.acme.workspace, today=TODAY)


def _pair(health, first, second):
    return health.pair(first.pk, second.pk)


def test_marketing_and_product(handmade, health):
    acme = handmade.acme
    pair = _pair(health, acme.marketing, acme.product)
    assert pair.shared_goals == 1  # G1
    assert pair.goal_ids == [handmade.goals["g1"].pk]
    assert pair.on_track_share == 1.0  # G1 is on track
    # G1 owes a check-in in C1, C2 and C3 and has C1 and C2.
    assert (pair.checkins_done, pair.checkins_owed) == (2, 3)
    assert pair.checkin_rate == 0.667
    assert pair.open_asks == 1  # A1; A3 was delivered
    assert pair.ask_age_days == 10.0  # A1: 27 Nov to 7 Dec
    # A3 was needed 29 Nov and delivered 28 Nov; A1 is needed after today.
    assert pair.asks_on_time == 1.0
    assert pair.open_conflicts == 0
    assert pair.conflict_age_days is None
    assert pair.decision_days == 4.0  # K3: 17 to 21 Nov
    # G1: marketing's step S1 last said 9 (C0), product's S2 said 3 (C1).
    assert pair.divergence == 6.0
    assert pair.pulse == 4.5  # C0: 5 and 4
    # Mean of conflicts 1/(1+0) = 1, on track 1, check-ins 0.667, on time 1,
    # gap 1 - 6/9 = 0.333, pulse (4.5 - 1)/4 = 0.875: 4.8753 / 6 = 0.8126.
    assert pair.score == 81
    assert pair.band == ("strong", "Strong")


def test_marketing_and_operations_is_the_weak_pair(handmade, health):
    acme = handmade.acme
    pair = _pair(health, acme.operations, acme.marketing)
    assert pair.shared_goals == 1  # G2, operations contributes
    assert pair.on_track_share == 0.0  # G2 is at risk
    assert (pair.checkins_done, pair.checkins_owed) == (1, 3)  # G2 in C1 only
    assert pair.checkin_rate == 0.333
    assert pair.open_asks == 1  # A2
    assert pair.ask_age_days == 20.0  # 17 Nov to 7 Dec
    # A2 was needed 1 Dec and is still open; A4 was needed 25 Nov, delivered 27 Nov: both late.
    assert pair.asks_on_time == 0.0
    assert pair.open_conflicts == 1  # K1
    assert pair.conflict_age_days == 30.0  # 7 Nov to 7 Dec
    assert pair.decision_days == 12.0  # K2: 28 Oct to 9 Nov
    assert pair.divergence is None  # G2 has no steps
    assert pair.pulse == 1.5  # none in C0; C1: 2 and 1
    # Mean of conflicts 1/2, on track 0, check-ins 0.333, on time 0, pulse 0.125: 0.958 / 5.
    assert pair.score == 19
    assert pair.band == ("weak", "Weak")
    first, second, figures = health.weakest()
    assert {first, second} == {acme.marketing, acme.operations}
    assert figures is pair


def test_pairs_that_do_not_work_together_have_no_score(handmade, health):
    acme = handmade.acme
    for first, second in [
        (acme.marketing, acme.sales),
        (acme.product, acme.sales),
        (acme.operations, acme.sales),
        (acme.operations, acme.product),
    ]:
        pair = _pair(health, first, second)
        assert (pair.related, pair.score, pair.shared_goals) == (False, None, 0)
        assert pair.band == ("none", "No data")
        assert (pair.pulse, pair.checkin_rate) == (None, None)


def test_each_department(handmade, health):
    acme = handmade.acme
    marketing = health.by_department[acme.marketing.pk]
    assert marketing.shared_goals == 2  # G1, G2
    assert marketing.on_track_share == 0.5
    # It owns G1 (C1, C2), G2 (C1) and S1 (C1; C0 is not due): 4 of 3 goals x 3 cycles.
    assert (marketing.checkins_done, marketing.checkins_owed) == (4, 9)
    assert marketing.checkin_rate == 0.444
    assert marketing.open_asks == 2  # A1 and A2, received
    assert marketing.ask_age_days == 15.0  # median of 10 and 20
    assert marketing.asks_on_time == 0.0  # A2 late; A1 not due yet
    assert marketing.open_conflicts == 1  # K1
    assert marketing.conflict_age_days == 30.0
    assert marketing.decision_days == 8.0  # median of 12 (K2) and 4 (K3)
    assert marketing.divergence == 6.0  # its one pair with a gap, product
    assert marketing.pulse == 4.0  # C0: product said 4
    # 0.5 + 0.5 + 0.444 + 0 + 0.333 + 0.75 = 2.527, / 6.
    assert marketing.score == 42
    assert marketing.band == ("strained", "Strained")

    product = health.by_department[acme.product.pk]
    assert (product.shared_goals, product.on_track_share) == (1, 1.0)
    assert (product.checkins_done, product.checkins_owed) == (3, 6)  # G1 twice, S2 once
    assert (product.open_asks, product.asks_on_time) == (0, 1.0)  # A3 on time
    assert (product.open_conflicts, product.decision_days) == (0, 4.0)
    assert (product.divergence, product.pulse) == (6.0, 5.0)
    # 1 + 1 + 0.5 + 1 + 0.333 + 1 = 4.833, / 6.
    assert product.score == 81

    operations = health.by_department[acme.operations.pk]
    assert (operations.shared_goals, operations.on_track_share) == (1, 0.0)
    assert operations.checkin_rate is None  # it owns no goal
    assert (operations.open_asks, operations.asks_on_time) == (0, 0.0)  # A4 late
    assert (operations.open_conflicts, operations.conflict_age_days) == (1, 30.0)
    assert operations.decision_days == 12.0
    assert (operations.divergence, operations.pulse) == (None, 2.0)  # C1: marketing said 2
    # 0.5 + 0 + 0 + 0.25 = 0.75, / 4.
    assert operations.score == 19

    sales = health.by_department[acme.sales.pk]
    assert sales.checkin_rate == 0.0  # G3 in none of C1-C3
    assert (sales.shared_goals, sales.related, sales.score) == (0, False, None)


def test_the_trend_recomputes_each_cycle(handmade, health):
    # Oldest first, C5 to C0; each the mean of marketing-product and marketing-operations.
    # C5, C4: M-P (conflicts 1, on track 1, check-ins 0)/3 = 67; M-O (1, 0, 0)/3 = 33 -> 50.
    # C3 (1 Nov): M-O has K2 open: (0.5, 0, 0) = 17; M-P 67 -> 42.
    # C2 (15 Nov): M-P (1, 1, 1/3) = 78; M-O (0.5, 0, 0) = 17 -> 47.5, 48.
    # C1 (29 Nov): M-P (1, 1, 0.667, on time 1, gap 1 - 3/9, pulse 0.75) = 85;
    #   M-O (0.5, 0, 0.333, on time 0 (A4), pulse 0.125) = 19 -> 52.
    # C0: 81 and 19 -> 50.
    assert [point.score for point in health.trend] == [50, 50, 42, 48, 52, 50]
    assert [point.cycle.starts_on.isoformat() for point in health.trend][-2:] == [
        "2026-11-16",
        "2026-11-30",
    ]
    assert health.overall == 50


def test_a_workspace_without_data_has_no_score(acme):
    health = health_figures(workspace=acme.workspace, today=TODAY)
    assert health.overall is None
    assert health.weakest() is None
    assert all(f.score is None for f in health.pairs.values())
    assert len(health.pairs) == 6  # four departments, every pair once


def _queries(workspace) -> int:
    with CaptureQueriesContext(connection) as ctx:
        health_figures(workspace=workspace, today=TODAY)
    return len(ctx)


def test_the_figures_take_seven_queries_however_big_the_workspace(handmade):
    acme = handmade.acme
    before = _queries(acme.workspace)
    assert before == 7
    for _ in range(5):
        goal = GoalFactory(
            workspace=acme.workspace,
            owner_departments=[acme.sales, acme.operations],
            parent=handmade.goals["g1"],
        )
        CheckInFactory(cycle=handmade.cycles[1], goal=goal)
    assert _queries(acme.workspace) == before


def test_an_open_ask_due_today_is_not_late_yet(handmade):
    acme = handmade.acme
    ask = Ask.objects.create(
        workspace=acme.workspace,
        goal=handmade.goals["g1"],
        from_department=acme.product,
        to_department=acme.marketing,
        text="Today",
        due_on=TODAY,
    )
    pair = health_figures(workspace=acme.workspace, today=TODAY).pair(
        acme.marketing.pk, acme.product.pk
    )
    assert pair.asks_on_time == 1.0  # A3 alone: the new ask can still be delivered today
    Ask.objects.filter(pk=ask.pk).update(due_on=TODAY - dt.timedelta(days=1))
    pair = health_figures(workspace=acme.workspace, today=TODAY).pair(
        acme.marketing.pk, acme.product.pk
    )
    assert pair.asks_on_time == 0.5  # open past yesterday's date: late


def _created_on(goal, day):
    Goal.objects.filter(pk=goal.pk).update(created_at=noon(day))


def test_a_goal_owes_no_check_in_for_the_cycles_before_it_was_created(handmade):
    acme = handmade.acme
    last_week = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales, acme.product])
    _created_on(last_week, day(12, 1))
    health = health_figures(workspace=acme.workspace, today=TODAY)
    pair = health.pair(acme.sales.pk, acme.product.pk)
    assert (pair.shared_goals, pair.checkins_done, pair.checkins_owed) == (1, 0, 0)
    assert pair.checkin_rate is None  # C1-C3 were due before 1 Dec
    # Sales still owes G3's three and nothing for the new goal.
    assert health.by_department[acme.sales.pk].checkins_owed == 3

    _created_on(last_week, day(11, 25))  # on C1's due date: it owes C1, not C2 or C3
    pair = health_figures(workspace=acme.workspace, today=TODAY).pair(
        acme.sales.pk, acme.product.pk
    )
    assert (pair.checkins_done, pair.checkins_owed, pair.checkin_rate) == (0, 1, 0.0)


def test_open_conflicts_alone_make_no_score(handmade):
    acme = handmade.acme
    conflict = Conflict.objects.create(
        workspace=acme.workspace,
        title="Old",
        at_stake="Old",
        raised_by=acme.claire,
        raised_by_department=acme.sales,
        decide_by=day(9, 30),
        status=Conflict.Status.WITHDRAWN,
        withdrawn_at=noon(day(9, 10)),
    )
    conflict.departments.set([acme.sales, acme.product])
    Conflict.objects.filter(pk=conflict.pk).update(created_at=noon(day(9, 1)))
    Ask.objects.create(
        workspace=acme.workspace,
        goal=handmade.goals["g3"],
        from_department=acme.sales,
        to_department=acme.operations,
        text="Later",
        due_on=day(12, 20),
    )
    health = health_figures(workspace=acme.workspace, today=TODAY)
    withdrawn = health.pair(acme.sales.pk, acme.product.pk)
    not_due = health.pair(acme.sales.pk, acme.operations.pk)
    for pair in (withdrawn, not_due):
        assert pair.related
        assert pair.open_conflicts == 0
        assert (pair.parts(), pair.score, pair.band) == ({}, None, ("none", "No data"))
    # Beside another figure they count: sales has G3's check-in rate, 0 (G3 has none).
    assert health.by_department[acme.sales.pk].parts() == {"check-ins": 0.0, "open conflicts": 1.0}
    assert health.weakest()[2].score == 19  # still marketing and operations
