"""The goals endpoints' ETag and If-Match: conditional writes, lost updates, the schema."""

import pytest
from django.db.models import F

from goals.api import goals as goals_api
from goals.models import Goal, Retrospective
from goals.services import goals as goal_services
from tests.api.goals_helpers import ACME, _etag, _goal

pytestmark = pytest.mark.django_db


# --- ETag and If-Match -------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["exact", "list", "any"])
def test_a_write_with_the_current_etag_succeeds(acme, api_as, form):
    goal = _goal(acme)
    etag = _etag(goal)
    header = {
        "exact": etag,
        "list": f'"goal-{goal.pk}-v0", {etag}',
        "any": "*",
    }[form]

    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=header
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'


def test_a_weak_etag_never_matches_if_match(acme, api_as):
    """If-Match compares strongly (RFC 9110): the current version marked weak is refused."""
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=f"W/{_etag(goal)}"
    )
    assert response.status_code == 412
    assert Goal.objects.get().unit != "users"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_write_with_a_stale_etag_gets_412_and_saves_nothing(acme, api_as, method):
    goal = _goal(acme)
    client = api_as(acme.leo)
    stale = client.get(f"{ACME}/goals/{goal.pk}/")["ETag"]
    client.patch(f"{ACME}/goals/{goal.pk}/", {"unit": "users"})  # someone else saves

    response = getattr(client, method)(
        f"{ACME}/goals/{goal.pk}/",
        {"title": "Mine", "owner_departments": [acme.product.pk]},
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'
    assert "changed since you read it" in response.json()["detail"]
    assert Goal.objects.get().title != "Mine"


@pytest.mark.parametrize("header", ['"nonsense"', "goal-1-v1", '"goal-0-v1"'])
def test_an_if_match_that_names_no_version_of_the_goal_gets_412(acme, api_as, header):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=header
    )
    assert response.status_code == 412


@pytest.fixture
def save_meanwhile(monkeypatch):
    """Someone saves the goal between the request's read and its write."""
    real = goal_services.goal_update

    def update(*, goal, **kwargs):
        Goal.objects.filter(pk=goal.pk).update(version=F("version") + 1)
        return real(goal=goal, **kwargs)

    monkeypatch.setattr(goals_api, "goal_update", update)


def test_a_save_landing_during_a_conditional_write_gets_412(acme, api_as, save_meanwhile):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=_etag(goal)
    )
    assert response.status_code == 412
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'
    assert Goal.objects.get().unit == "leads"


def test_a_save_landing_during_an_unconditional_write_gets_409(acme, api_as, save_meanwhile):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(f"{ACME}/goals/{goal.pk}/", {"unit": "users"})
    assert response.status_code == 409
    assert "nothing was saved" in response.json()["detail"]
    assert Goal.objects.get().unit == "leads"


def test_a_stale_close_gets_412(acme, api_as):
    goal = _goal(acme)
    stale = _etag(goal)
    Goal.objects.filter(pk=goal.pk).update(version=5)

    response = api_as(acme.leo).post(
        f"{ACME}/goals/{goal.pk}/close/",
        {"status": "achieved", "what_worked": "a", "what_to_change": "b"},
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert not Retrospective.objects.exists()


def test_the_schema_documents_if_match_412_and_the_etag_on_goal_writes_only(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    goal = paths["/api/v1/workspaces/{slug}/goals/{id}/"]
    department = paths["/api/v1/workspaces/{slug}/departments/{id}/"]

    for method in ("put", "patch"):
        assert "If-Match" in [p["name"] for p in goal[method]["parameters"]]
        assert "412" in goal[method]["responses"]
        assert "ETag" in goal[method]["responses"]["200"]["headers"]
        assert "412" not in department[method]["responses"]
    assert "ETag" in goal["get"]["responses"]["200"]["headers"]
    assert "412" in paths["/api/v1/workspaces/{slug}/goals/{id}/close/"]["post"]["responses"]
