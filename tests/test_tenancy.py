"""The tenant-isolation sweep: every workspace route, for an outsider and a too-low role.

Each app lists its routes in ``tests/<app>/routes.py``; `test_every_workspace_route_has_a_case`
fails when a route under /w/<ws>/ has no case.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.models import Role
from tests.checkins import routes as checkin_routes
from tests.conflicts import routes as conflict_routes
from tests.forums import routes as forum_routes
from tests.glossary import routes as glossary_routes
from tests.goals import routes as goal_routes
from tests.health import routes as health_routes
from tests.integrations import routes as integration_routes
from tests.kpis import routes as kpi_routes
from tests.routes import Route
from tests.teams import routes as team_routes
from tests.workshops import routes as workshop_routes

ROUTES: list[Route] = [
    *team_routes.ROUTES,
    *goal_routes.ROUTES,
    *kpi_routes.ROUTES,
    *checkin_routes.ROUTES,
    *workshop_routes.ROUTES,
    *integration_routes.ROUTES,
    *forum_routes.ROUTES,
    *conflict_routes.ROUTES,
    *glossary_routes.ROUTES,
    *health_routes.ROUTES,
]

ROLE_PERSONA = {
    Role.GUEST: "gus",
    Role.MEMBER: "mia",
    Role.LEAD: "leo",
    Role.EXECUTIVE: "claire",
    Role.ADMIN: "ada",
}


def _ids(route: Route) -> str:
    return f"{route.method.upper()} {route.name}"


def _workspace_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, under_workspace: bool) -> None:
        for pattern in patterns:
            inside = under_workspace or "<slug:ws>" in str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, inside)
            elif isinstance(pattern, URLPattern) and inside and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, False)
    return names


def _send(client, route: Route, url: str):
    if route.method == "get":
        return client.get(url)
    return getattr(client, route.method)(url, route.data or {})


def test_every_workspace_route_has_a_case():
    missing = _workspace_route_names() - {route.name for route in ROUTES}
    assert not missing, f"add tenancy cases for: {sorted(missing)}"


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_outsider_gets_404(route, acme, oscar, client):
    client.force_login(oscar)
    url = reverse(route.name, kwargs={"ws": acme.workspace.slug, **route.kwargs(acme)})
    assert _send(client, route, url).status_code == 404


@pytest.mark.parametrize("route", [r for r in ROUTES if r.role != Role.GUEST], ids=_ids)
def test_role_below_the_route_gets_403(route, acme, client):
    """A guest is the exception: outside the forums they are invited to, nothing exists for
    them (404)."""
    below = list(Role)[route.role.rank - 1]
    client.force_login(getattr(acme, ROLE_PERSONA[below]))
    url = reverse(route.name, kwargs={"ws": acme.workspace.slug, **route.kwargs(acme)})
    assert _send(client, route, url).status_code == (404 if below == Role.GUEST else 403)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.foreign], ids=_ids)
def test_object_of_another_workspace_is_404_even_for_an_admin(route, acme, globex, client):
    client.force_login(acme.ada)
    url = reverse(route.name, kwargs={"ws": acme.workspace.slug, **route.foreign(globex)})
    assert _send(client, route, url).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(acme, client):
    response = client.get(reverse("dashboard", kwargs={"ws": "acme"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
