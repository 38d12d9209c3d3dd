"""What each endpoint answers, what it writes (through the services), and its bad input."""

from decimal import Decimal

import pytest

from core.models import AuditEvent
from goals.models import Period
from teams.models import Department, Membership
from tests.factories import (
    DepartmentFactory,
    GoalFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    PeriodFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

ACME = "/api/v1/workspaces/acme"


def _member(user) -> Membership:
    return Membership.objects.get(user=user)


# --- workspaces --------------------------------------------------------------------------------


def test_workspaces_lists_only_the_callers_own_with_their_role(acme, globex, api_as):
    MembershipFactory(workspace=WorkspaceFactory(name="Zeta", slug="zeta"), user=acme.gus)

    response = api_as(acme.gus).get("/api/v1/workspaces/")

    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "acme",
                "name": "Acme",
                "mission": "",
                "timezone": "Europe/Berlin",
                "role": "guest",
            },
            {
                "slug": "zeta",
                "name": "Zeta",
                "mission": "Grow together: every department's plan serves the same customers.",
                "timezone": "Europe/Berlin",
                "role": "member",
            },
        ],
    }


def test_one_workspace_reads_like_an_item_of_the_list(acme, api_as):
    response = api_as(acme.claire).get(f"{ACME}/")
    assert response.json()["role"] == "executive"


# --- departments -------------------------------------------------------------------------------


def test_departments_list_with_their_people_and_colours(acme, api_as):
    results = api_as(acme.mia).get(f"{ACME}/departments/").json()["results"]

    product = next(d for d in results if d["name"] == "Product")
    assert product == {
        "id": acme.product.pk,
        "name": "Product",
        "kind": "product",
        "color": "",
        "display_color": "#6f42c1",
        "lead": acme.leo.pk,
        "executive": acme.claire.pk,
    }
    assert [d["name"] for d in results] == ["Marketing", "Operations", "Product", "Sales"]


def test_an_admin_adds_a_department_through_the_service(acme, api_as):
    response = api_as(acme.ada).post(
        f"{ACME}/departments/",
        {"name": " Finance ", "kind": "other", "color": "#112233", "lead": acme.mia.pk},
    )

    assert response.status_code == 201
    finance = Department.objects.get(workspace=acme.workspace, name="Finance")
    assert response.json()["id"] == finance.pk
    assert finance.lead == acme.mia
    assert AuditEvent.objects.filter(verb="created", target_type="department").exists()


def test_a_department_added_without_a_colour_shows_its_kinds(acme, api_as):
    response = api_as(acme.ada).post(f"{ACME}/departments/", {"name": "Finance", "kind": "sales"})

    assert response.status_code == 201
    assert (response.json()["color"], response.json()["display_color"]) == ("", "#198754")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "Finance", "kind": "legal"}, "kind"),
        ({"name": "Finance", "color": "pink"}, "color"),
        ({"name": "Finance", "lead": "abc"}, "lead"),
        ({"name": "Finance", "lead": 10**30}, "lead"),
        ({"name": "Finance", "executive": [1]}, "executive"),
        ({"name": "marketing"}, "non_field_errors"),
    ],
)
def test_a_bad_department_gets_400_with_field_errors(acme, api_as, data, field):
    response = api_as(acme.ada).post(f"{ACME}/departments/", data)

    assert response.status_code == 400
    assert field in response.json()
    assert acme.workspace.departments.count() == 4


def test_a_lead_from_another_workspace_reads_as_unknown(acme, oscar, api_as):
    response = api_as(acme.ada).post(f"{ACME}/departments/", {"name": "Finance", "lead": oscar.pk})
    assert response.status_code == 400
    assert response.json()["lead"] == [f"Nothing with id {oscar.pk} exists in this workspace."]


def test_patch_changes_only_what_is_sent(acme, api_as):
    response = api_as(acme.ada).patch(
        f"{ACME}/departments/{acme.product.pk}/", {"name": "Product & Design"}
    )

    assert response.status_code == 200
    acme.product.refresh_from_db()
    assert acme.product.name == "Product & Design"
    assert (acme.product.lead, acme.product.executive) == (acme.leo, acme.claire)


def test_put_replaces_the_department(acme, api_as):
    response = api_as(acme.ada).put(
        f"{ACME}/departments/{acme.product.pk}/", {"name": "Product", "kind": "other"}
    )

    assert response.status_code == 200
    acme.product.refresh_from_db()
    assert acme.product.kind == "other"
    assert acme.product.lead is None


def test_put_without_a_colour_clears_it(acme, api_as):
    acme.product.color = "#112233"
    acme.product.save()

    response = api_as(acme.ada).put(f"{ACME}/departments/{acme.product.pk}/", {"name": "Product"})

    assert response.status_code == 200
    acme.product.refresh_from_db()
    assert acme.product.color == ""


def test_put_without_a_name_gets_400(acme, api_as):
    response = api_as(acme.ada).put(f"{ACME}/departments/{acme.product.pk}/", {"kind": "other"})
    assert response.status_code == 400
    assert response.json() == {"name": ["This field is required."]}


def test_a_body_that_is_not_json_gets_400(acme, api_as):
    response = api_as(acme.ada).generic(
        "POST", f"{ACME}/departments/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_list_body_for_one_object_gets_400(acme, api_as):
    response = api_as(acme.ada).post(f"{ACME}/departments/", [{"name": "A"}])
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- members -----------------------------------------------------------------------------------


def test_members_list_people_with_role_and_departments(acme, api_as):
    results = api_as(acme.mia).get(f"{ACME}/members/").json()["results"]

    leo = next(m for m in results if m["username"] == "leo")
    assert leo == {
        "id": _member(acme.leo).pk,
        "user": acme.leo.pk,
        "username": "leo",
        "name": str(acme.leo),
        "email": "leo@acme.test",
        "role": "lead",
        "departments": [acme.product.pk],
    }
    assert len(results) == 5


def test_members_filter_by_role_and_department(acme, api_as):
    client = api_as(acme.mia)
    by_role = client.get(f"{ACME}/members/", {"role": "lead"}).json()["results"]
    by_department = client.get(f"{ACME}/members/", {"department": acme.sales.pk}).json()
    assert [m["username"] for m in by_role] == ["leo"]
    assert [m["username"] for m in by_department["results"]] == ["mia"]


@pytest.mark.parametrize(
    ("query", "field"), [({"role": "boss"}, "role"), ({"department": "sales"}, "department")]
)
def test_a_bad_member_filter_gets_400(acme, api_as, query, field):
    response = api_as(acme.mia).get(f"{ACME}/members/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_an_admin_changes_a_role_and_departments(acme, api_as):
    mia = _member(acme.mia)
    response = api_as(acme.ada).patch(
        f"{ACME}/members/{mia.pk}/", {"role": "lead", "departments": [acme.sales.pk]}
    )

    assert response.status_code == 200
    assert response.json()["role"] == "lead"
    mia.refresh_from_db()
    assert mia.role == "lead"
    assert list(mia.departments.all()) == [acme.sales]
    assert AuditEvent.objects.filter(verb="updated", target_type="membership").exists()


def test_patching_only_the_role_keeps_the_departments(acme, api_as):
    mia = _member(acme.mia)
    api_as(acme.ada).patch(f"{ACME}/members/{mia.pk}/", {"role": "lead"})
    assert list(mia.departments.all()) == [acme.sales]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "owner"}, "role"),
        ({"departments": "sales"}, "departments"),
        ({"departments": ["x"]}, "departments"),
        ({"departments": [999999]}, "departments"),
    ],
)
def test_a_bad_membership_change_gets_400(acme, api_as, data, field):
    mia = _member(acme.mia)
    response = api_as(acme.ada).patch(f"{ACME}/members/{mia.pk}/", data)

    assert response.status_code == 400
    assert field in response.json()
    mia.refresh_from_db()
    assert mia.role == "member"


def test_a_department_of_another_workspace_is_refused(acme, globex, api_as):
    mia = _member(acme.mia)
    response = api_as(acme.ada).patch(
        f"{ACME}/members/{mia.pk}/", {"departments": [globex.departments.first().pk]}
    )
    assert response.status_code == 400
    assert list(mia.departments.all()) == [acme.sales]


def test_the_last_admin_cannot_be_demoted_or_removed(acme, api_as):
    ada = _member(acme.ada)
    client = api_as(acme.ada)

    demote = client.patch(f"{ACME}/members/{ada.pk}/", {"role": "member"})
    remove = client.delete(f"{ACME}/members/{ada.pk}/")

    assert demote.status_code == remove.status_code == 400
    assert demote.json() == {"role": ["A workspace needs at least one admin."]}
    ada.refresh_from_db()
    assert ada.role == "admin"


def test_an_admin_removes_a_person(acme, api_as):
    response = api_as(acme.ada).delete(f"{ACME}/members/{_member(acme.mia).pk}/")
    assert response.status_code == 204
    assert not Membership.objects.filter(user=acme.mia).exists()


def test_members_cannot_be_created_or_replaced(acme, api_as):
    client = api_as(acme.ada)
    assert client.post(f"{ACME}/members/", {"role": "member"}).status_code == 405
    assert client.put(f"{ACME}/members/{_member(acme.mia).pk}/", {}).status_code == 405


# --- periods -----------------------------------------------------------------------------------


def test_an_executive_adds_a_period(acme, api_as):
    response = api_as(acme.claire).post(
        f"{ACME}/periods/",
        {"name": "Q1 2027", "start_date": "2027-01-01", "end_date": "2027-03-31"},
    )

    assert response.status_code == 201
    period = Period.objects.get(workspace=acme.workspace)
    assert response.json() == {
        "id": period.pk,
        "name": "Q1 2027",
        "start_date": "2027-01-01",
        "end_date": "2027-03-31",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Q1", "start_date": "2027-03-31", "end_date": "2027-01-01"}, "end_date"),
        ({"name": "Q1", "start_date": "2027-01-01", "end_date": "2027-01-01"}, "end_date"),
        ({"name": "Q1", "start_date": "31/01/2027", "end_date": "2027-03-31"}, "start_date"),
        ({"name": "Q1", "start_date": "2027-02-30", "end_date": "2027-03-31"}, "start_date"),
        ({"start_date": "2027-01-01", "end_date": "2027-03-31"}, "name"),
        ({"name": "q4 2026", "start_date": "2027-01-01", "end_date": "2027-03-31"}, None),
    ],
)
def test_a_bad_period_gets_400(acme, api_as, data, field):
    PeriodFactory(workspace=acme.workspace, name="Q4 2026")

    response = api_as(acme.claire).post(f"{ACME}/periods/", data)

    assert response.status_code == 400
    assert field is None or field in response.json()
    assert Period.objects.count() == 1


def test_periods_are_listed_latest_first(acme, api_as):
    older = PeriodFactory(workspace=acme.workspace, name="Q3", start_date="2026-07-01")
    newer = PeriodFactory(workspace=acme.workspace, name="Q4", start_date="2026-10-01")
    results = api_as(acme.mia).get(f"{ACME}/periods/").json()["results"]
    assert [p["id"] for p in results] == [newer.pk, older.pk]


# --- SMART check -------------------------------------------------------------------------------

GOOD = {
    "title": "Increase product awareness by 30% in the next quarter through targeted campaigns",
    "metric": "Aided brand awareness",
    "baseline": "20",
    "target": "26",
    "direction": "increase",
    "start_date": "2026-10-01",
    "due_date": "2026-12-31",
}


def test_a_good_draft_passes_every_letter_and_nothing_is_saved(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace)
    parent = GoalFactory(workspace=acme.workspace)
    goals_before = acme.workspace.goals.count()

    response = api_as(acme.mia).post(
        f"{ACME}/smart-check/",
        {
            **GOOD,
            "period": period.pk,
            "parent": parent.pk,
            "owner_departments": [acme.marketing.pk, acme.product.pk],
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "specific": True,
        "measurable": True,
        "achievable": True,
        "relevant": True,
        "time_bound": True,
        "score": 5,
        "hints": [],
    }
    assert acme.workspace.goals.count() == goals_before


def test_a_vague_draft_is_told_what_is_missing(acme, api_as):
    response = api_as(acme.mia).post(f"{ACME}/smart-check/", {"title": "Improve awareness"})

    body = response.json()
    assert body["specific"] is False
    assert body["score"] == 0
    assert "Set a due date." in body["hints"]


def test_the_target_is_judged_against_the_kpis_history(acme, api_as):
    kpi = KPIFactory(workspace=acme.workspace)
    for day, value in enumerate(["20", "20.5", "21", "21.2"], start=1):
        MeasurementFactory(kpi=kpi, date=f"2026-09-0{day}", value=Decimal(value))
    draft = {**GOOD, "owner_departments": [acme.marketing.pk], "target": "60"}

    without = api_as(acme.mia).post(f"{ACME}/smart-check/", draft).json()
    with_kpi = api_as(acme.mia).post(f"{ACME}/smart-check/", {**draft, "kpi": kpi.pk}).json()

    assert without["achievable"] is True
    assert with_kpi["achievable"] is False


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"baseline": "many"}, "baseline"),
        ({"target": "1e400"}, "target"),
        ({"target": "1.23456"}, "target"),
        ({"direction": "sideways"}, "direction"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"owner_departments": [0]}, "owner_departments"),
        ({"period": "current"}, "period"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_a_bad_draft_gets_400_with_field_errors(acme, api_as, data, field):
    response = api_as(acme.mia).post(f"{ACME}/smart-check/", data)
    assert response.status_code == 400
    assert field in response.json()


def test_smart_check_refuses_objects_of_another_workspace(acme, globex, api_as):
    foreign = {
        "owner_departments": [globex.departments.first().pk],
        "period": PeriodFactory(workspace=globex).pk,
        "parent": GoalFactory(workspace=globex).pk,
        "kpi": KPIFactory(workspace=globex).pk,
    }
    response = api_as(acme.mia).post(f"{ACME}/smart-check/", foreign)
    assert response.status_code == 400
    assert set(response.json()) == set(foreign)


# --- pagination --------------------------------------------------------------------------------


def test_lists_are_paginated_with_links_and_a_page_size_up_to_200(acme, api_as):
    DepartmentFactory.create_batch(246, workspace=acme.workspace)
    client = api_as(acme.mia)

    first = client.get(f"{ACME}/departments/").json()
    small = client.get(f"{ACME}/departments/", {"page_size": 10, "page": 2}).json()
    huge = client.get(f"{ACME}/departments/", {"page_size": 1000}).json()

    assert (first["count"], len(first["results"])) == (250, 50)
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/workspaces/acme/departments/?page=2")
    assert len(small["results"]) == 10
    assert small["previous"].endswith("/departments/?page_size=10")
    assert len(huge["results"]) == 200


def test_a_page_past_the_end_gets_404(acme, api_as):
    response = api_as(acme.mia).get(f"{ACME}/departments/", {"page": 99})
    assert response.status_code == 404


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["departments", "members", "periods"])
def test_list_queries_stay_flat_as_the_workspace_grows(acme, api_as, count_queries, resource):
    client = api_as(acme.ada)
    url = f"{ACME}/{resource}/"

    def grow(n: int) -> None:
        for _ in range(n):
            department = DepartmentFactory(workspace=acme.workspace)
            MembershipFactory(workspace=acme.workspace, departments=[department])
            PeriodFactory(workspace=acme.workspace, name=f"P{department.pk}")

    grow(10)
    few = count_queries(client, url)
    grow(40)
    many = count_queries(client, url)

    assert few == many
    assert many.count <= 6


def test_detail_and_smart_check_queries_are_few(acme, api_as, count_queries):
    client = api_as(acme.ada)
    detail = count_queries(client, f"{ACME}/members/{_member(acme.leo).pk}/")
    smart = count_queries(
        client,
        f"{ACME}/smart-check/",
        method="post",
        data={**GOOD, "owner_departments": [acme.marketing.pk, acme.sales.pk]},
    )
    assert detail.count <= 4
    assert smart.count <= 5
