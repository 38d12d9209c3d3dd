"""The goals endpoints, reading: what they answer, their filters and their query counts."""

import datetime as dt
from decimal import Decimal

import pytest

from goals.models import Goal
from goals.services import goals as goal_services
from teams.models import Role
from tests.api.goals_helpers import ACME, _goal
from tests.factories import (
    GoalFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    PeriodFactory,
    member,
)

pytestmark = pytest.mark.django_db


# --- Reading -----------------------------------------------------------------------------------


def test_a_goal_reads_with_every_field_its_progress_smart_check_and_etag(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace, name="Q4 2026")
    parent = _goal(acme, owner_departments=[acme.product, acme.marketing], period=period)
    kpi = KPIFactory(
        workspace=acme.workspace, direction="increase", green_threshold=None, red_threshold=None
    )
    for day, value in [(1, "100"), (2, "110"), (3, "115")]:
        MeasurementFactory(kpi=kpi, date=dt.date(2026, 11, day), value=Decimal(value))
    goal = goal_services.goal_create(
        membership=member(acme.claire),
        title="Increase trial sign-ups by 30% through onboarding emails",
        description="Why: trials feed the sales pipeline.",
        owner_departments=[acme.product, acme.marketing],
        contributing_departments=[acme.sales],
        accountable=acme.leo,
        parent=parent,
        period=period,
        start_date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 12, 31),
        status=Goal.Status.ON_TRACK,
        metric="Trial sign-ups",
        unit="sign-ups",
        baseline=Decimal("100"),
        target=Decimal("130"),
        kpi=kpi,
    )

    response = api_as(acme.mia).get(f"{ACME}/goals/{goal.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"goal-{goal.pk}-v1"'
    body = response.json()
    assert body.pop("created_at")
    assert body.pop("updated_at")
    assert body == {
        "id": goal.pk,
        "title": "Increase trial sign-ups by 30% through onboarding emails",
        "description": "Why: trials feed the sales pipeline.",
        "owner_departments": [acme.marketing.pk, acme.product.pk],
        "contributing_departments": [acme.sales.pk],
        "accountable": acme.leo.pk,
        "parent": parent.pk,
        "period": period.pk,
        "start_date": "2026-10-01",
        "due_date": "2026-12-31",
        "status": "on_track",
        "priority": None,
        "metric": "Trial sign-ups",
        "unit": "sign-ups",
        "baseline": "100.0000",
        "target": "130.0000",
        "current_value": "115.0000",
        "direction": "increase",
        "kpi": kpi.pk,
        "weight": 1,
        "progress": 50,
        "smart": {
            "specific": True,
            "measurable": True,
            "achievable": True,
            "relevant": True,
            "time_bound": True,
            "score": 5,
            "hints": [],
        },
        "version": 1,
    }


def test_the_smart_check_names_what_a_vague_goal_lacks(acme, api_as):
    goal = _goal(
        acme, title="Improve awareness", metric="", baseline=None, target=None, due_date=None
    )

    smart = api_as(acme.mia).get(f"{ACME}/goals/{goal.pk}/").json()["smart"]

    assert smart["score"] == 0
    assert "Set a due date." in smart["hints"]
    assert "Give the baseline: where the metric stands today." in smart["hints"]


def test_the_list_is_paginated_newest_period_first_then_by_rank(acme, api_as):
    old = PeriodFactory(workspace=acme.workspace, start_date=dt.date(2026, 1, 1))
    new = PeriodFactory(workspace=acme.workspace, start_date=dt.date(2026, 7, 1))
    second = _goal(acme, period=new, priority=2)
    first = _goal(acme, period=new, priority=1)
    older = _goal(acme, period=old)

    body = api_as(acme.mia).get(f"{ACME}/goals/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [g["id"] for g in body["results"]] == [first.pk, second.pk]
    assert body["next"].endswith("page=2&page_size=2")
    assert body["previous"] is None
    last = api_as(acme.mia).get(body["next"]).json()
    assert [g["id"] for g in last["results"]] == [older.pk]


def test_an_empty_workspace_lists_no_goals(acme, api_as):
    body = api_as(acme.mia).get(f"{ACME}/goals/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_goals_filter_by_department_status_period_and_search(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace)
    product = _goal(acme, title="Ship the mobile app by December", period=period)
    sales = _goal(
        acme,
        owner_departments=[acme.sales],
        title="Close 20 enterprise deals",
        status=Goal.Status.AT_RISK,
    )
    achieved = _goal(acme, owner_departments=[acme.sales], status=Goal.Status.ACHIEVED)
    client = api_as(acme.mia)

    def ids(**query) -> list[int]:
        response = client.get(f"{ACME}/goals/", query)
        assert response.status_code == 200, response.content
        return sorted(g["id"] for g in response.json()["results"])

    assert ids(department=acme.sales.pk) == sorted([sales.pk, achieved.pk])
    assert ids(status="at_risk") == [sales.pk]
    assert ids(status="open") == sorted([product.pk, sales.pk])
    assert ids(period=period.pk) == [product.pk]
    assert ids(search="MOBILE") == [product.pk]
    assert ids(search="enterprise", department=acme.sales.pk) == [sales.pk]
    assert ids(department=999_999) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"department": "sales"}, "department"),
        ({"department": 0}, "department"),
        ({"status": "late"}, "status"),
        ({"period": "Q4"}, "period"),
        ({"search": "x" * 101}, "search"),
        ({"page_size": 10, "period": "-1"}, "period"),
        ({"period": 2**64}, "period"),
        ({"department": 2**70}, "department"),
    ],
)
def test_a_bad_goal_filter_gets_400_naming_it(acme, api_as, query, field):
    response = api_as(acme.mia).get(f"{ACME}/goals/", query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_goal_of_another_workspace_is_404(acme, globex, api_as):
    foreign = GoalFactory(workspace=globex)
    assert api_as(acme.ada).get(f"{ACME}/goals/{foreign.pk}/").status_code == 404
    assert api_as(acme.ada).get(f"{ACME}/goals/999999/").status_code == 404


def test_a_guest_turned_member_reads_goals_but_a_guest_does_not(acme, api_as):
    _goal(acme)
    assert api_as(acme.gus).get(f"{ACME}/goals/").status_code == 404
    member = MembershipFactory(workspace=acme.workspace, role=Role.MEMBER).user
    assert api_as(member).get(f"{ACME}/goals/").json()["count"] == 1


# --- Query counts ------------------------------------------------------------------------------


def _grow(acme, count: int) -> None:
    """Goals like real ones: shared owners, a contributor, a KPI with history, a parent."""
    period = PeriodFactory(workspace=acme.workspace)
    parent = _goal(acme, owner_departments=[acme.product, acme.marketing], period=period)
    for _ in range(count - 1):
        kpi = KPIFactory(workspace=acme.workspace)
        MeasurementFactory.create_batch(3, kpi=kpi)
        _goal(
            acme,
            owner_departments=[acme.product, acme.sales],
            contributing_departments=[acme.operations],
            parent=parent,
            period=period,
            kpi=kpi,
        )


def test_the_goal_list_makes_the_same_few_queries_for_10_or_60_goals(acme, api_as, count_queries):
    client = api_as(acme.mia)
    url = f"{ACME}/goals/?page_size=100"
    _grow(acme, 10)
    few = count_queries(client, url)
    _grow(acme, 50)
    many = count_queries(client, url)

    assert len(client.get(url).json()["results"]) == 60
    assert few == many
    # token, membership, count, the page, its departments, its KPI histories
    assert many.count == 6, many


def test_a_goal_and_a_patch_make_few_queries(acme, api_as, count_queries):
    _grow(acme, 3)
    goal = Goal.objects.filter(kpi__isnull=False).first()
    client = api_as(acme.claire)

    detail = count_queries(client, f"{ACME}/goals/{goal.pk}/")
    patch = count_queries(
        client, f"{ACME}/goals/{goal.pk}/", method="patch", data={"unit": "leads"}
    )

    # token, membership, the goal, its departments, its KPI's history
    assert detail.count == 5, detail
    # token, membership, the goal with its departments; in a savepoint: the goal locked, its
    # departments read again, the update (the same patch again: no audit row); the answer's KPI
    # history (its departments come with the goal)
    assert patch.count == 10, patch
