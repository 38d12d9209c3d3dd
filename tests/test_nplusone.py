"""The N+1 guard (tests/nplusone.py): a page that loads a relation row by row fails its test,
the same page with the relation joined passes, and each request or service call a test makes is
counted on its own."""

import pytest
from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from zeal import NPlusOneError

from goals.models import Goal
from tests import nplusone
from tests.factories import GoalFactory

pytestmark = [
    pytest.mark.skipif(not apps.is_installed("zeal"), reason="the guard is off (ZEAL=off)"),
    pytest.mark.urls("tests.test_nplusone"),
]


def _periods(goals) -> HttpResponse:
    return HttpResponse(", ".join(goal.period.name for goal in goals))


def periods_row_by_row(request: HttpRequest) -> HttpResponse:
    return _periods(Goal.objects.order_by("pk"))


def periods_joined(request: HttpRequest) -> HttpResponse:
    return _periods(Goal.objects.select_related("period").order_by("pk"))


def first_period(request: HttpRequest) -> HttpResponse:
    return _periods(Goal.objects.order_by("pk")[:1])


urlpatterns = [
    path("row-by-row/", periods_row_by_row),
    path("joined/", periods_joined),
    path("first/", first_period),
    path("", include("alignment.urls")),
]


@pytest.fixture
def goals(acme, quarter) -> list[Goal]:
    """Three goals of Q4 2026: the threshold (ZEAL_NPLUSONE_THRESHOLD)."""
    return [GoalFactory(workspace=acme.workspace, period=quarter) for _ in range(3)]


def test_a_page_loading_each_goals_period_on_its_own_fails(client, goals):
    with pytest.raises(NPlusOneError, match=r"goals\.Goal\.period at .*test_nplusone\.py"):
        client.get("/row-by-row/")


def test_the_same_page_with_the_periods_joined_passes(client, goals):
    response = client.get("/joined/")
    assert response.content.decode() == "Q4 2026, Q4 2026, Q4 2026"


def test_two_rows_loaded_on_their_own_pass(client, goals):
    goals[2].delete()
    assert client.get("/row-by-row/").content.decode() == "Q4 2026, Q4 2026"


def test_each_request_is_a_unit_of_work_of_its_own(client, goals):
    for _ in goals:
        assert client.get("/first/").content.decode() == "Q4 2026"


def test_each_call_into_the_product_is_a_unit_of_work_of_its_own(goals):
    """Each call reads its goal's workspace for the slug: three calls, no N+1."""
    urls = [goal.get_absolute_url() for goal in Goal.objects.order_by("pk")]
    assert len(set(urls)) == 3


def test_the_demo_seed_is_left_alone(client, goals):
    with nplusone.seeding_the_demo():
        assert client.get("/row-by-row/").status_code == 200
