"""Who may use each workshop route beyond its role: invited people take part, the facilitator
runs it, and a member who was not invited gets 403 everywhere and changes nothing."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.workshops import routes
from workshops.models import Workshop

WORKSHOP_ROUTES = [r for r in routes.ROUTES if r.name not in ("workshop_list", "workshop_create")]
FACILITATOR_ONLY = {
    "workshop_advance",
    "workshop_lock",
    "workshop_votes",
    "workshop_commit",
    "proposal_remove",
    "proposal_merge",
}


def _send(client, route, url):
    return getattr(client, route.method)(url, route.data or {}, HTTP_HX_REQUEST="true")


def _ids(route) -> str:
    return f"{route.method.upper()} {route.name}"


@pytest.mark.parametrize("route", WORKSHOP_ROUTES, ids=_ids)
def test_a_member_who_was_not_invited_gets_403_and_changes_nothing(route, acme, client):
    kwargs = route.kwargs(acme)
    before = (AuditEvent.objects.count(), list(Workshop.objects.values_list("version", flat=True)))
    client.force_login(acme.mia)
    url = reverse(route.name, kwargs={"ws": "acme", **kwargs})
    response = _send(client, route, url)
    assert response.status_code == 403
    after = (AuditEvent.objects.count(), list(Workshop.objects.values_list("version", flat=True)))
    assert after == before


@pytest.mark.parametrize(
    "route", [r for r in WORKSHOP_ROUTES if r.name in FACILITATOR_ONLY], ids=_ids
)
def test_a_participant_who_does_not_facilitate_gets_403(route, acme, client):
    kwargs = route.kwargs(acme)
    before = AuditEvent.objects.count()
    client.force_login(acme.leo)
    response = _send(client, route, reverse(route.name, kwargs={"ws": "acme", **kwargs}))
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before


def test_an_admin_who_was_not_invited_cannot_open_the_board(acme, client):
    kwargs = routes.ROUTES[3].kwargs(acme)
    client.force_login(acme.ada)
    response = client.get(reverse("workshop_board", kwargs={"ws": "acme", **kwargs}))
    assert response.status_code == 403


def test_a_lead_cannot_start_a_workshop(acme, client):
    client.force_login(acme.leo)
    assert client.get(reverse("workshop_create", kwargs={"ws": "acme"})).status_code == 403
