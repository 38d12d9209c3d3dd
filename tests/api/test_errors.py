"""How the API turns what services raise into responses: never an HTML page, never a 500."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404

from core.api.exceptions import api_exception_handler


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (ValidationError({"name": "Taken."}), 400, {"name": ["Taken."]}),
        (
            ValidationError("Whole thing is wrong."),
            400,
            {"non_field_errors": ["Whole thing is wrong."]},
        ),
        (ValidationError({"__all__": "Ends first."}), 400, {"non_field_errors": ["Ends first."]}),
        (PermissionDenied("Leads only."), 403, {"detail": "Leads only."}),
        (Http404("No such goal."), 404, {"detail": "No such goal."}),
        (ObjectDoesNotExist(), 404, {"detail": "Not found."}),
    ],
)
def test_service_errors_become_api_errors(error, status, body):
    response = api_exception_handler(error, {})
    assert (response.status_code, response.data) == (status, body)


def test_a_write_that_loses_a_race_gets_409(db):
    response = api_exception_handler(IntegrityError("duplicate key"), {})
    assert response.status_code == 409
    assert "reload and retry" in response.data["detail"]


def test_an_unknown_api_path_gets_a_json_404(client):
    for path in ["/api/v1/nothing/", "/api/v1/workspaces", "/api/v2/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert "end with a slash" in response.json()["detail"]


HUGE = "540826796921247149156869873759944704"


@pytest.mark.parametrize(
    "path",
    [
        f"goals/{HUGE}/",
        f"goals/{HUGE}/checkins/",
        f"kpis/{HUGE}/measurements/",
        f"workshops/{HUGE}/proposals/1/comments/",
    ],
)
def test_an_api_path_with_an_impossible_id_is_a_json_404(path, acme, api_as):
    response = api_as(acme.ada).post(f"/api/v1/workspaces/acme/{path}", {}, format="json")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_body_nested_too_deeply_is_a_400(acme, api_as):
    body = "[" * 100_000 + "]" * 100_000
    response = api_as(acme.claire).generic(
        "POST", "/api/v1/workspaces/acme/smart-check/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is nested too deeply."}


def test_a_member_filter_with_an_impossible_id_is_a_400(acme, api_as):
    response = api_as(acme.mia).get(
        "/api/v1/workspaces/acme/members/", {"department": "99999999999999999999999"}
    )
    assert response.status_code == 400
    assert "department" in response.json()
