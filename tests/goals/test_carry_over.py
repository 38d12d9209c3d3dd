"""Carrying unfinished goals into the next period, keeping their history."""

import datetime as dt

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from core.models import AuditEvent
from tests.factories import CheckInFactory, GoalFactory, PeriodFactory

pytestmark = pytest.mark.django_db

URL = reverse("goal_carry_over", kwargs={"ws": "acme"})


@pytest.fixture
def periods(acme):
    q3 = PeriodFactory(
        workspace=acme.workspace,
        name="Q3",
        start_date=dt.date(2026, 7, 1),
        end_date=dt.date(2026, 9, 30),
    )
    q4 = PeriodFactory(
        workspace=acme.workspace,
        name="Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )
    return q3, q4


@pytest.fixture
def unfinished(acme, periods):
    q3, _ = periods
    return [
        GoalFactory(
            workspace=acme.workspace,
            period=q3,
            title=f"Goal {n}",
            priority=n,
            start_date=dt.date(2026, 7, 1),
            due_date=dt.date(2026, 9, 30),
            owner_departments=[acme.product],
        )
        for n in (1, 2)
    ]


def test_period_link_preselects_its_unfinished_goals_and_the_next_period(
    acme, as_user, periods, unfinished
):
    q3, q4 = periods
    GoalFactory(
        workspace=acme.workspace, period=q3, status="achieved", owner_departments=[acme.product]
    )
    response = as_user(acme.leo).get(URL, {"from_period": q3.pk})
    form = response.context["form"]
    assert {g.pk for g in response.context["candidates"]} == {g.pk for g in unfinished}
    assert form["period"].value() == q4.pk


def test_chosen_goals_move_into_the_period_keeping_their_history(
    acme, as_user, periods, unfinished
):
    _, q4 = periods
    CheckInFactory(goal=unfinished[0], cycle__workspace=acme.workspace)
    response = as_user(acme.leo).post(URL, {"goals": [g.pk for g in unfinished], "period": q4.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?period={q4.pk}")
    for goal in unfinished:
        goal.refresh_from_db()
        assert goal.period == q4
        assert goal.due_date == dt.date(2026, 12, 31)
        assert goal.start_date == dt.date(2026, 7, 1)
        assert goal.priority is None
        assert goal.version == 2
        event = AuditEvent.objects.get(target_id=goal.pk, verb="carried_over")
        assert "from Q3 to Q4" in event.summary
    assert CheckIn.objects.filter(goal=unfinished[0]).exists()


def test_a_due_date_inside_the_new_period_stays(acme, as_user, periods):
    q3, q4 = periods
    goal = GoalFactory(
        workspace=acme.workspace,
        period=q3,
        due_date=dt.date(2026, 11, 15),
        owner_departments=[acme.product],
    )
    as_user(acme.leo).post(URL, {"goals": [goal.pk], "period": q4.pk})
    goal.refresh_from_db()
    assert (goal.period, goal.due_date) == (q4, dt.date(2026, 11, 15))


def test_finished_goals_stay_in_their_period(acme, as_user, periods, unfinished):
    q3, q4 = periods
    done = GoalFactory(
        workspace=acme.workspace, period=q3, status="missed", owner_departments=[acme.product]
    )
    response = as_user(acme.leo).post(URL, {"goals": [unfinished[0].pk, done.pk], "period": q4.pk})
    assert response.status_code == 400
    unfinished[0].refresh_from_db()
    assert unfinished[0].period == q3


def test_no_period_chosen_changes_nothing(acme, as_user, periods, unfinished):
    response = as_user(acme.leo).post(URL, {"goals": [unfinished[0].pk], "period": ""})
    assert response.status_code == 400
    assert "period" in response.context["form"].errors
    assert not AuditEvent.objects.filter(verb="carried_over").exists()


def test_lead_cannot_carry_over_another_departments_goal(acme, as_user, periods):
    q3, q4 = periods
    sales = GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.sales])
    response = as_user(acme.leo).post(URL, {"goals": [sales.pk], "period": q4.pk})
    assert response.status_code == 400
    assert "may not change" in " ".join(response.context["form"].errors["goals"])
    sales.refresh_from_db()
    assert sales.period == q3


def test_goals_and_periods_of_another_workspace_are_refused(
    acme, globex, as_user, periods, unfinished
):
    foreign_goal = GoalFactory(workspace=globex)
    foreign_period = PeriodFactory(workspace=globex)
    client = as_user(acme.claire)
    response = client.post(URL, {"goals": [foreign_goal.pk], "period": periods[1].pk})
    assert response.status_code == 400
    response = client.post(URL, {"goals": [unfinished[0].pk], "period": foreign_period.pk})
    assert response.status_code == 400
    foreign_goal.refresh_from_db()
    assert foreign_goal.period != periods[1]


def test_nothing_chosen_says_where_to_choose(acme, as_user):
    html = as_user(acme.leo).get(URL).content.decode()
    assert "No unfinished goals chosen" in html
