"""The partner registry: who keeps it, bad input, notes and thank-you notes, the review forum,
and what a guest sees of it (nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forums import partners, services
from forums.models import Partner, PartnerNote
from tests.factories import member

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    return reverse(name, args=["acme", *args])


@pytest.fixture
def agency(acme) -> Partner:
    return partners.partner_create(
        membership=member(acme.claire),
        name="Northwind Creative",
        kind=Partner.Kind.AGENCY,
        department=acme.marketing,
        contacts="Nina Berg, nina@northwind.test, account lead",
    )


def test_an_executive_adds_a_partner_with_its_review_forum(acme, as_user, agency):
    forum = services.forum_create(
        membership=member(acme.claire),
        name="Quarterly partner review",
        departments=[acme.marketing],
        facilitator=acme.claire,
        guests=[acme.gus],
        first_date=dt.date(2027, 1, 12),
        start_time=dt.time(15),
        cadence="quarterly",
        partner=agency,
    )
    page = as_user(acme.mia).get(_url("partner_detail", agency.pk)).content.decode()
    assert "Northwind Creative" in page
    assert reverse("forum_detail", args=["acme", forum.pk]) in page


def test_the_partner_form_names_bad_input_and_refuses_a_duplicate(acme, as_user, agency):
    client = as_user(acme.claire)
    empty = client.post(_url("partner_create"), {"name": "", "kind": "nonsense"})
    assert empty.status_code == 400
    assert set(empty.context["form"].errors) >= {"name", "kind", "health"}
    again = client.post(
        _url("partner_create"), {"name": "northwind creative", "kind": "agency", "health": "good"}
    )
    assert again.status_code == 400
    assert Partner.objects.count() == 1


def test_the_owning_department_s_lead_may_change_the_partner_others_may_not(acme, agency):
    with pytest.raises(PermissionDenied):
        partners.partner_update(membership=member(acme.leo), partner=agency, health="poor")
    acme.marketing.lead = acme.leo
    acme.marketing.save()
    partners.partner_update(membership=member(acme.leo), partner=agency, health="poor")
    agency.refresh_from_db()
    assert agency.health == Partner.Health.POOR


def test_notes_and_thank_you_notes_are_kept(acme, as_user, agency):
    client = as_user(acme.claire)
    url = _url("partner_detail", agency.pk)
    assert client.post(url, {"kind": "thanks", "body": ""}).status_code == 400
    response = client.post(url, {"kind": "thanks", "body": "Thanks for the launch video."})
    assert response.status_code == 302
    note = PartnerNote.objects.get()
    assert (note.kind, note.author) == (PartnerNote.Kind.THANKS, acme.claire)
    with pytest.raises(ValidationError):
        partners.partner_note_add(membership=member(acme.claire), partner=agency, body=" ")


def test_guests_and_outsiders_see_no_partner(acme, oscar, as_user, agency):
    for person in (acme.gus, oscar):
        client = as_user(person)
        assert client.get(_url("partner_list")).status_code == 404
        assert client.get(_url("partner_detail", agency.pk)).status_code == 404


def test_a_member_reads_the_registry_but_does_not_add_to_it(acme, as_user, agency):
    client = as_user(acme.mia)
    assert "Northwind Creative" in client.get(_url("partner_list")).content.decode()
    assert client.get(_url("partner_create")).status_code == 403
    assert client.get(_url("partner_edit", agency.pk)).status_code == 403


def test_the_partner_list_makes_the_same_queries_as_partners_grow(
    acme, as_user, agency, count_queries
):
    client = as_user(acme.mia)
    small = count_queries(client, _url("partner_list"))
    for index in range(10):
        partners.partner_create(
            membership=member(acme.claire), name=f"Vendor {index}", department=acme.sales
        )
    assert count_queries(client, _url("partner_list")) == small
