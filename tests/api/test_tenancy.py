"""Every API endpoint, for every kind of caller: anonymous 401, outsider 404, a role too low 403,
the lowest allowed role succeeds, and an id of another workspace is 404 even for an admin.

Each part of the API lists its cases in ``tests/api/cases_<part>.py`` as ``CASES``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from teams.models import Role
from tests.api import (
    cases_checkins,
    cases_conflicts,
    cases_core,
    cases_forums,
    cases_glossary,
    cases_goals,
    cases_kpis,
    cases_workshops,
)
from tests.api.cases import Case
from tests.health import api_cases as health_cases

ROLE_PERSONA = {
    Role.GUEST: "gus",
    Role.MEMBER: "mia",
    Role.LEAD: "leo",
    Role.EXECUTIVE: "claire",
    Role.ADMIN: "ada",
}

CASES = [
    *cases_core.CASES,
    *cases_goals.CASES,
    *cases_checkins.CASES,
    *cases_kpis.CASES,
    *cases_workshops.CASES,
    *cases_forums.CASES,
    *cases_conflicts.CASES,
    *cases_glossary.CASES,
    *health_cases.CASES,
]


def _ids(case: Case) -> str:
    return f"{case.method.upper()} {case.name}"


def _url(case: Case, acme) -> str:
    return f"/api/v1/workspaces/acme/{case.path(acme)}"


def _send(client, case: Case, url: str, acme):
    data = case.data(acme) if callable(case.data) else case.data
    return getattr(client, case.method)(url, data, format="json")


pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def _workspace_endpoints() -> set[tuple[str, str]]:
    """(URL name, method) of every API endpoint under /api/v1/workspaces/<slug>/."""
    endpoints: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/workspaces/<slug"):
                view = pattern.callback
                actions = getattr(view, "actions", None) or {}
                methods = [
                    m for m in METHODS if m in actions or (not actions and hasattr(view.cls, m))
                ]
                endpoints.update((pattern.name, method) for method in methods)

    walk(get_resolver().url_patterns, "")
    return endpoints


def test_every_workspace_endpoint_has_a_case(acme):
    covered = {(resolve(_url(case, acme)).url_name, case.method) for case in CASES}
    missing = _workspace_endpoints() - covered
    assert not missing, f"add cases to CASES for: {sorted(missing)}"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_anonymous_caller_gets_401(case, acme, anonymous):
    response = _send(anonymous, case, _url(case, acme), acme)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outsider_gets_404(case, acme, oscar, api_as):
    response = _send(api_as(oscar), case, _url(case, acme), acme)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such workspace."}


@pytest.mark.parametrize("case", [c for c in CASES if c.role != Role.GUEST], ids=_ids)
def test_role_below_the_endpoint_gets_403(case, acme, api_as):
    """A guest is the exception: outside the forums they are invited to, nothing exists for
    them (404)."""
    below = list(Role)[case.role.rank - 1]
    response = _send(api_as(getattr(acme, ROLE_PERSONA[below])), case, _url(case, acme), acme)
    if below == Role.GUEST:
        assert response.status_code == 404
        assert response.json() == {"detail": "No such page."}
    else:
        assert response.status_code == 403
        assert "role or higher" in response.json()["detail"]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_lowest_allowed_role_succeeds(case, acme, api_as):
    response = _send(api_as(getattr(acme, ROLE_PERSONA[case.role])), case, _url(case, acme), acme)
    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize("case", [c for c in CASES if c.foreign], ids=_ids)
def test_object_of_another_workspace_is_404_even_for_an_admin(case, acme, globex, api_as):
    url = f"/api/v1/workspaces/acme/{case.foreign(globex)}"
    response = _send(api_as(acme.ada), case, url, acme)
    assert response.status_code == 404
