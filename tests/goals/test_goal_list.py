"""The goal list: filters in the query string, search, pagination, HTMX results, empty states."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import GoalFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def _url(**query) -> str:
    return reverse("goal_list", kwargs={"ws": "acme"}) + (f"?{urlencode(query)}" if query else "")


@pytest.fixture
def goals(acme):
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
    return {
        "shared": GoalFactory(
            workspace=acme.workspace,
            title="Increase trial sign-ups by 20%",
            owner_departments=[acme.marketing, acme.product],
            period=q4,
            accountable=acme.claire,
        ),
        "sales": GoalFactory(
            workspace=acme.workspace,
            title="Close 40 enterprise deals",
            description="Through the partner channel",
            owner_departments=[acme.sales],
            period=q4,
            status="at_risk",
            accountable=acme.mia,
        ),
        "old": GoalFactory(
            workspace=acme.workspace,
            title="Reduce churn to 3%",
            metric="Monthly churn",
            owner_departments=[acme.product],
            period=q3,
            status="achieved",
        ),
        "q3": q3,
        "q4": q4,
    }


def _titles(response) -> set[str]:
    return {goal.title for goal in response.context["page"].object_list}


def test_member_sees_every_goal_of_the_workspace_and_none_of_another(acme, globex, as_user, goals):
    GoalFactory(workspace=globex, title="Globex secret", owner_departments=[])
    response = as_user(acme.mia).get(_url())
    assert response.status_code == 200
    assert _titles(response) == {
        "Increase trial sign-ups by 20%",
        "Close 40 enterprise deals",
        "Reduce churn to 3%",
    }
    assert "Globex secret" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"department": "sales"}, {"Close 40 enterprise deals"}),
        ({"status": "at_risk"}, {"Close 40 enterprise deals"}),
        ({"status": "open"}, {"Increase trial sign-ups by 20%", "Close 40 enterprise deals"}),
        ({"period": "q3"}, {"Reduce churn to 3%"}),
        ({"owner": "mia"}, {"Close 40 enterprise deals"}),
        ({"shared": "on"}, {"Increase trial sign-ups by 20%"}),
        ({"q": "partner"}, {"Close 40 enterprise deals"}),
        ({"q": "churn"}, {"Reduce churn to 3%"}),
        ({"q": "SIGN-UPS"}, {"Increase trial sign-ups by 20%"}),
    ],
)
def test_filters_narrow_the_list(acme, as_user, goals, query, expected):
    ids = {
        "department": lambda v: getattr(acme, v).pk,
        "period": lambda v: goals[v].pk,
        "owner": lambda v: getattr(acme, v).pk,
    }
    params = {key: ids[key](value) if key in ids else value for key, value in query.items()}
    assert _titles(as_user(acme.mia).get(_url(**params))) == expected


def test_garbled_filters_are_ignored_not_an_error(acme, as_user, goals):
    response = as_user(acme.mia).get(_url(department="x", status="nope", period="first"))
    assert response.status_code == 200
    assert len(_titles(response)) == 3


def test_htmx_filter_request_swaps_only_the_results(acme, as_user, goals):
    response = as_user(acme.mia).get(
        _url(shared="on"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="goal-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="goal-filters"' not in html
    assert "Increase trial sign-ups by 20%" in html
    assert "Close 40 enterprise deals" not in html


def test_list_is_paginated_by_25_and_pages_keep_the_filters(acme, as_user):
    for n in range(30):
        GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], title=f"Goal {n}")
    client = as_user(acme.mia)
    first = client.get(_url(status="on_track"))
    assert len(first.context["page"].object_list) == 25
    assert "?status=on_track&page=2" in first.content.decode()
    second = client.get(_url(status="on_track", page=2))
    assert len(second.context["page"].object_list) == 5


def test_empty_workspace_invites_a_lead_to_set_the_first_goal(acme, as_user):
    assert "Set the first goal" in as_user(acme.leo).get(_url()).content.decode()
    html = as_user(acme.mia).get(_url()).content.decode()
    assert "Set the first goal" not in html
    assert "Executives and team leads set them" in html


def test_no_match_offers_to_clear_the_filters(acme, as_user, goals):
    html = as_user(acme.mia).get(_url(q="nothing like this")).content.decode()
    assert "No goal matches these filters." in html
    assert "Clear the filters" in html


def test_only_people_who_set_goals_get_the_carry_over_checkboxes(acme, as_user, goals):
    assert 'form="carry-form"' in as_user(acme.leo).get(_url()).content.decode()
    assert 'form="carry-form"' not in as_user(acme.mia).get(_url()).content.decode()
