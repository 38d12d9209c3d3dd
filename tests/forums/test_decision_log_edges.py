"""The decision log at the edges: days at the ends of the calendar, a department of another
workspace, a decision's own text holding the search's markers."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from forums import search
from teams.services import api_token_create
from tests.factories import DepartmentFactory
from tests.forums.decisions import direct

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    _, key = api_token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.parametrize(
    "params", ["from=0001-01-01&to=9999-12-31", "to=9999-12-31", "from=0001-01-01"]
)
def test_days_at_the_ends_of_the_calendar_bound_nothing(acme, as_user, params):
    direct(acme, "Hire two sales engineers")
    client = as_user(acme.claire)
    for name in ("decision_log", "decision_export"):
        response = client.get(reverse(name, kwargs={"ws": "acme"}) + "?" + params)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Hire two sales engineers" in body
    response = _api(acme.claire).get(f"/api/v1/workspaces/acme/decisions/?{params}")
    assert response.status_code == 200
    assert [d["title"] for d in response.json()["results"]] == ["Hire two sales engineers"]


def test_the_api_refuses_a_department_of_another_workspace(acme, globex):
    elsewhere = DepartmentFactory(workspace=globex)
    response = _api(acme.claire).get(
        f"/api/v1/workspaces/acme/decisions/?department={elsewhere.pk}"
    )
    assert response.status_code == 400
    assert "exists in this workspace" in str(response.json()["department"])


def test_lone_markers_in_a_decisions_own_text_never_unbalance_the_marks():
    marked = search._from_headline(
        f"a {search.START}b{search.STOP} c {search.STOP}<i>d{search.START}"
    )
    assert str(marked) == "a <mark>b</mark> c &lt;i&gt;d"
