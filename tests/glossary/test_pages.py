"""The glossary pages: who reads and who keeps the terms, bad input, search, the department
filter, pages, the empty state, deleting with confirmation, and the query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from glossary import services
from glossary.models import Term
from tests.factories import DepartmentFactory, member
from tests.glossary.conftest import add_term

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    return reverse(name, args=["acme", *args])


def _routes(term: Term) -> list[tuple[str, str]]:
    return [
        ("get", _url("glossary")),
        ("get", _url("term_create")),
        ("post", _url("term_create")),
        ("get", _url("term_edit", term.pk)),
        ("post", _url("term_edit", term.pk)),
        ("get", _url("term_delete", term.pk)),
        ("post", _url("term_delete", term.pk)),
    ]


def test_an_outsider_and_a_guest_get_404_on_every_route(acme, oscar, as_user, mql):
    for person in (oscar, acme.gus):
        client = as_user(person)
        for method, url in _routes(mql):
            assert getattr(client, method)(url).status_code == 404, (person, method, url)


def test_a_member_reads_the_glossary_but_gets_403_for_every_write(acme, as_user, mql):
    client = as_user(acme.mia)
    page = client.get(_url("glossary"))
    assert page.status_code == 200
    assert "Marketing qualified lead" in page.content.decode()
    assert _url("term_create") not in page.content.decode()
    for method, url in _routes(mql)[1:]:
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert Term.objects.get() == mql


def test_an_executive_adds_a_term_and_it_is_listed(acme, as_user):
    client = as_user(acme.claire)
    response = client.post(
        _url("term_create"),
        {"term": "  CAC ", "meaning": "Customer acquisition cost.", "department": acme.sales.pk},
    )
    assert response.status_code == 302
    term = Term.objects.get()
    assert (term.term, term.department, term.created_by) == ("CAC", acme.sales, acme.claire)
    page = client.get(_url("glossary")).content.decode()
    assert "Saved “CAC”" in page
    assert "Customer acquisition cost." in page


def test_a_lead_keeps_the_terms_of_the_department_they_lead_only(acme, as_user, mql):
    client = as_user(acme.leo)  # leads product
    form = client.get(_url("term_create")).context["form"]
    assert list(form.fields["department"].objects.values()) == [acme.product]
    assert client.get(_url("term_edit", mql.pk)).status_code == 403
    assert client.post(_url("term_delete", mql.pk)).status_code == 403
    assert _url("term_edit", mql.pk) not in client.get(_url("glossary")).content.decode()
    refused = client.post(
        _url("term_create"), {"term": "ARR", "meaning": "Annual revenue.", "department": mql.pk}
    )
    assert refused.status_code == 400
    assert "departments you keep terms for" in refused.content.decode()
    acme.marketing.lead = acme.leo
    acme.marketing.save()
    edited = client.post(
        _url("term_edit", mql.pk),
        {"term": "MQL", "meaning": "A lead marketing qualified.", "department": acme.marketing.pk},
    )
    assert edited.status_code == 302
    mql.refresh_from_db()
    assert mql.meaning == "A lead marketing qualified."


def test_a_lead_of_no_department_may_not_add_terms(acme, as_user):
    acme.product.lead = None
    acme.product.save()
    assert as_user(acme.leo).get(_url("term_create")).status_code == 403


def test_empty_input_is_named_on_each_field_and_nothing_is_written(acme, as_user):
    response = as_user(acme.claire).post(
        _url("term_create"), {"term": " ", "meaning": "", "department": ""}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["term"] == ["Write the term, e.g. “MQL”."]
    assert errors["meaning"] == ["Say what the term means."]
    assert errors["department"] == ["Choose the department that owns the term."]
    assert "Write the term" in response.content.decode()
    assert not Term.objects.exists()


def test_a_term_in_another_case_is_a_duplicate(acme, as_user, mql):
    client = as_user(acme.claire)
    response = client.post(
        _url("term_create"),
        {"term": "mql", "meaning": "Something else.", "department": acme.sales.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["term"] == [
        "“mql” is already in the glossary. Change that entry instead."
    ]
    assert Term.objects.count() == 1


def test_renaming_onto_another_term_is_refused_but_keeping_the_name_is_not(acme, mql):
    sql = add_term(acme, "SQL", "Sales qualified lead.", acme.sales)
    with pytest.raises(ValidationError) as refused:
        services.term_update(membership=member(acme.ada), entry=sql, term="Mql")
    assert "already in the glossary" in refused.value.message_dict["term"][0]
    services.term_update(membership=member(acme.ada), entry=mql, meaning="Kept the name.")
    mql.refresh_from_db()
    assert (mql.term, mql.meaning) == ("MQL", "Kept the name.")


def test_a_term_needs_a_letter_or_digit_and_a_meaning_of_reasonable_length(acme):
    with pytest.raises(ValidationError) as refused:
        add_term(acme, "—?!", "x" * 501)
    assert refused.value.message_dict == {
        "term": ["A term needs at least one letter or digit."],
        "meaning": ["Say it in 500 characters or fewer."],
    }


def test_a_department_of_another_workspace_is_refused(acme, globex, as_user):
    theirs = globex.departments.first()
    with pytest.raises(ValidationError) as refused:
        add_term(acme, "MQL", "Marketing qualified lead.", theirs)
    assert "belongs to another workspace" in refused.value.message_dict["department"][0]
    response = as_user(acme.claire).post(
        _url("term_create"), {"term": "MQL", "meaning": "A lead.", "department": theirs.pk}
    )
    assert response.status_code == 400
    assert "department" in response.context["form"].errors
    assert not Term.objects.exists()


def test_the_list_searches_terms_and_meanings_and_filters_by_department(acme, as_user, mql):
    add_term(acme, "SQL", "Sales qualified lead: sales accepted it.", acme.sales)
    add_term(acme, "SLA", "Service level agreement.", acme.operations)
    client = as_user(acme.mia)

    def listed(**query) -> list[str]:
        page = client.get(_url("glossary"), query).context["page"]
        return [term.term for term in page]

    assert listed() == ["MQL", "SLA", "SQL"]
    assert listed(q="qualified lead") == ["MQL", "SQL"]
    assert listed(q="sla") == ["SLA"]
    assert listed(department=acme.sales.pk) == ["SQL"]
    assert listed(q="qualified", department=acme.operations.pk) == []
    assert listed(department="nonsense") == ["MQL", "SLA", "SQL"]
    nothing = client.get(_url("glossary"), {"q": "churn"}).content.decode()
    assert "No term matches “churn”" in nothing
    partial = client.get(_url("glossary"), {"q": "sla"}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="term-results"')


def test_the_list_is_paginated_and_keeps_the_filter_across_pages(acme, as_user):
    for number in range(30):
        add_term(acme, f"T{number:02}", "A test term.")
    client = as_user(acme.mia)
    first = client.get(_url("glossary"), {"q": "test"})
    assert len(first.context["page"].object_list) == 25
    assert "?q=test&page=2" in first.content.decode()
    second = client.get(_url("glossary"), {"q": "test", "page": 2})
    assert [term.term for term in second.context["page"]] == [f"T{n}" for n in range(25, 30)]


def test_the_empty_glossary_says_what_to_do(acme, as_user):
    for_keeper = as_user(acme.claire).get(_url("glossary")).content.decode()
    assert "No terms yet." in for_keeper
    assert "Add the first one" in for_keeper
    for_member = as_user(acme.mia).get(_url("glossary")).content.decode()
    assert "department leads add their department's jargon" in for_member


def test_deleting_asks_first_then_removes_the_term(acme, as_user, mql):
    client = as_user(acme.claire)
    confirm = client.get(_url("term_delete", mql.pk))
    assert confirm.status_code == 200
    assert "Delete “MQL”?" in confirm.content.decode()
    assert Term.objects.exists()
    response = client.post(_url("term_delete", mql.pk), follow=True)
    assert "Removed “MQL” from the glossary." in response.content.decode()
    assert not Term.objects.exists()


def test_every_write_is_audited(acme, mql):
    services.term_update(membership=member(acme.claire), entry=mql, department=acme.sales)
    services.term_delete(membership=member(acme.claire), entry=mql)
    events = AuditEvent.objects.filter(target_type="term").order_by("pk")
    assert [event.verb for event in events] == ["created", "updated", "deleted"]
    assert events[1].changes == {"department": ["Marketing", "Sales"]}


def test_the_navigation_links_the_glossary_for_members_not_guests(acme, as_user):
    page = as_user(acme.mia).get(reverse("dashboard", args=["acme"])).content.decode()
    assert f'href="{_url("glossary")}">Glossary</a>' in page
    guest = as_user(acme.gus).get(reverse("dashboard", args=["acme"])).content.decode()
    assert _url("glossary") not in guest


def test_the_list_makes_the_same_queries_as_the_glossary_grows(acme, as_user, mql, count_queries):
    client = as_user(acme.claire)
    small = count_queries(client, _url("glossary"))
    for number in range(20):
        department = DepartmentFactory(workspace=acme.workspace, name=f"Team {number}")
        add_term(acme, f"T{number}", "A term.", department)
    large = count_queries(client, _url("glossary"))
    assert small == large
    assert large.count <= 12, large
    assert count_queries(client, _url("glossary"), HTTP_HX_REQUEST="true").count <= 6


def test_a_name_taken_between_the_check_and_the_write_is_refused_on_its_field(acme):
    """Two people adding the same term at once pass the check together: the database's unique
    rule answers the second, in the check's words."""
    services.term_create(
        membership=member(acme.claire), term="MQL", meaning="A lead.", department=acme.marketing
    )
    second = Term(
        workspace=acme.workspace,
        term="mql",
        meaning="B",
        department=acme.marketing,
        created_by=acme.claire,
    )
    with pytest.raises(ValidationError) as refused:
        services._save(second)
    assert "already in the glossary" in str(refused.value.message_dict["term"])
    assert Term.objects.count() == 1
