"""The glossary API: the terms as they read, searched and filtered in a fixed number of queries,
and kept through glossary.services by whoever keeps them, with the same refusals as the page."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from glossary.models import Term
from tests.api.conflicts_helpers import BASE, add_term

pytestmark = pytest.mark.django_db

URL = f"{BASE}glossary/"
READ_BUDGET = 5


def _body(acme, **changes) -> dict:
    return {
        "term": "MQL",
        "meaning": "Marketing qualified lead: a lead marketing passes to sales.",
        "department": acme.product.pk,
        **changes,
    }


def test_a_term_reads_with_whether_the_caller_may_change_it(acme, api_as):
    term = add_term(acme.workspace, "CAC", department=acme.product)

    as_leo = api_as(acme.leo).get(f"{URL}{term.pk}/").json()
    as_mia = api_as(acme.mia).get(f"{URL}{term.pk}/").json()

    assert as_leo == {
        "id": term.pk,
        "term": "CAC",
        "meaning": "What the term means, in words another department understands.",
        "department": acme.product.pk,
        "can_change": True,
        "created_at": as_leo["created_at"],
        "updated_at": as_leo["updated_at"],
    }
    assert as_mia["can_change"] is False


def test_the_list_runs_from_a_to_z_searched_and_filtered(acme, api_as):
    sla = add_term(acme.workspace, "SLA", department=acme.operations)
    cac = add_term(acme.workspace, "cac", department=acme.marketing)
    mql = add_term(acme.workspace, "MQL", department=acme.marketing)
    client = api_as(acme.mia)

    def terms(query: str = "") -> list[int]:
        return [t["id"] for t in client.get(f"{URL}?{query}").json()["results"]]

    assert terms() == [cac.pk, mql.pk, sla.pk]
    assert terms(f"department={acme.marketing.pk}") == [cac.pk, mql.pk]
    assert terms("q=sla") == [sla.pk]
    assert terms("q=department+understands") == [cac.pk, mql.pk, sla.pk]
    assert terms(f"q=mql&department={acme.operations.pk}") == []


@pytest.mark.parametrize(
    ("query", "field"), [("department=abc", "department"), ("q=" + "x" * 201, "q")]
)
def test_a_bad_filter_gets_400(acme, api_as, query, field):
    response = api_as(acme.mia).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("tail", ["", "?q=term", "?department={product}", "{last}/"])
def test_reads_make_the_same_queries_for_2_or_20_terms(acme, api_as, count_queries, tail):
    client = api_as(acme.leo)
    counts = []
    for size in (2, 20):
        for department in [acme.product, acme.sales] * (size // 2):
            last = add_term(acme.workspace, department=department)
        url = URL + tail.format(product=acme.product.pk, last=last.pk)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1]
    assert counts[1].count <= READ_BUDGET, counts[1]


def test_a_lead_adds_a_term_for_their_department(acme, api_as):
    response = api_as(acme.leo).post(URL, _body(acme, term="  MQL  "), format="json")

    assert response.status_code == 201, response.json()
    term = Term.objects.get()
    assert response.json()["id"] == term.pk
    assert (term.term, term.department, term.created_by) == ("MQL", acme.product, acme.leo)
    assert AuditEvent.objects.filter(verb="created", target_type="term").exists()


def test_a_lead_of_another_department_gets_403(acme, api_as):
    response = api_as(acme.leo).post(URL, _body(acme, department=acme.sales.pk), format="json")

    assert response.status_code == 403
    assert "lead of the owning department" in response.json()["detail"]
    assert not Term.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"term": " "}, "term", "Write the term, e.g. “MQL”."),
        ({"term": "--"}, "term", "A term needs at least one letter or digit."),
        ({"term": "mql"}, "term", "“mql” is already in the glossary. Change that entry instead."),
        ({"term": "x" * 61}, "term", None),
        ({"meaning": ""}, "meaning", "Say what the term means."),
        ({"meaning": "x" * 501}, "meaning", None),
        ({"department": 999999}, "department", "Nothing with id 999999 exists in this workspace."),
        ({"department": None}, "department", None),
    ],
)
def test_bad_input_gets_the_services_message_and_nothing_is_written(
    acme, api_as, changes, field, message
):
    add_term(acme.workspace, "MQL", department=acme.marketing)

    response = api_as(acme.claire).post(URL, _body(acme, **changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert Term.objects.count() == 1


def test_the_page_and_the_api_refuse_a_duplicate_with_the_same_words(acme, api_as, as_user):
    add_term(acme.workspace, "MQL", department=acme.marketing)
    body = _body(acme, term="mql")

    page = as_user(acme.claire).post(reverse("term_create", kwargs={"ws": "acme"}), body)
    api = api_as(acme.claire).post(URL, body, format="json")

    assert page.status_code == api.status_code == 400
    assert page.context["form"].errors["term"] == api.json()["term"]


def test_patch_changes_only_what_is_sent(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.product)

    response = api_as(acme.leo).patch(f"{URL}{term.pk}/", {"meaning": "Changed."}, format="json")

    assert response.status_code == 200
    term.refresh_from_db()
    assert (term.term, term.meaning, term.department) == ("MQL", "Changed.", acme.product)


def test_put_replaces_every_field(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.marketing)

    response = api_as(acme.claire).put(
        f"{URL}{term.pk}/", _body(acme, term="SQL", meaning="Sales qualified lead."), format="json"
    )

    assert response.status_code == 200
    term.refresh_from_db()
    assert (term.term, term.meaning, term.department) == (
        "SQL",
        "Sales qualified lead.",
        acme.product,
    )


def test_put_without_every_field_is_refused(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.product)

    response = api_as(acme.leo).put(f"{URL}{term.pk}/", {"meaning": "Changed."}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"term", "department"}


def test_a_lead_may_not_move_a_term_to_a_department_they_do_not_keep(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.product)

    response = api_as(acme.leo).patch(
        f"{URL}{term.pk}/", {"department": acme.sales.pk}, format="json"
    )

    assert response.status_code == 403
    term.refresh_from_db()
    assert term.department == acme.product


def test_a_lead_may_not_change_another_departments_term(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.marketing)

    changed = api_as(acme.leo).patch(f"{URL}{term.pk}/", {"meaning": "Mine."}, format="json")
    deleted = api_as(acme.leo).delete(f"{URL}{term.pk}/")

    assert (changed.status_code, deleted.status_code) == (403, 403)
    term.refresh_from_db()
    assert term.meaning != "Mine."


def test_the_owning_lead_deletes_a_term(acme, api_as):
    term = add_term(acme.workspace, "MQL", department=acme.product)

    response = api_as(acme.leo).delete(f"{URL}{term.pk}/")

    assert response.status_code == 204
    assert not Term.objects.exists()
    assert AuditEvent.objects.filter(verb="deleted", target_type="term").exists()
