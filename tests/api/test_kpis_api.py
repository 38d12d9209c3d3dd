"""The KPI endpoints: reading, creating and changing KPIs, their bad input and query counts."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from goals.models import KPI
from tests.api.kpis_helpers import ACME, _events, _queries
from tests.factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


# --- KPIs: reading ----------------------------------------------------------------------------


def test_kpi_list_shows_each_kpi_with_its_latest_value_band_and_the_callers_access(
    acme, cac, deals, api_as
):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 5), value=Decimal("95"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 5), value=Decimal("130.25"))

    response = api_as(acme.leo).get(f"{ACME}/kpis/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [k["name"] for k in body["results"]] == ["Customer acquisition cost", "Deals closed"]
    first = body["results"][0]
    assert first == {
        "id": cac.pk,
        "name": "Customer acquisition cost",
        "description": "",
        "unit": "EUR",
        "direction": "decrease",
        "owner_departments": [acme.marketing.pk, acme.product.pk],  # by name
        "green_threshold": "100.0000",
        "red_threshold": "150.0000",
        "latest": {"date": "2026-02-05", "value": "130.2500", "source": "manual"},
        "band": "amber",
        "access": {"edit": False, "measure": True},
        "created_at": first["created_at"],
    }
    second = body["results"][1]
    assert (second["latest"], second["band"]) == (None, "")
    assert second["access"] == {"edit": False, "measure": False}


@pytest.mark.parametrize(
    ("person", "access"),
    [
        ("claire", {"edit": True, "measure": True}),
        ("ada", {"edit": True, "measure": True}),
        ("mia", {"edit": False, "measure": False}),
    ],
)
def test_kpi_access_follows_the_role(acme, deals, api_as, person, access):
    response = api_as(getattr(acme, person)).get(f"{ACME}/kpis/{deals.pk}/")
    assert response.json()["access"] == access


def test_kpi_list_filters_by_search_and_department(acme, cac, deals, api_as):
    client = api_as(acme.mia)

    by_text = client.get(f"{ACME}/kpis/", {"search": "acquisition"}).json()["results"]
    by_department = client.get(f"{ACME}/kpis/", {"department": acme.sales.pk}).json()["results"]

    assert [k["id"] for k in by_text] == [cac.pk]
    assert [k["id"] for k in by_department] == [deals.pk]


def test_kpi_list_refuses_a_department_of_another_workspace(acme, globex, api_as):
    foreign = globex.departments.first()
    response = api_as(acme.mia).get(f"{ACME}/kpis/", {"department": foreign.pk})
    assert response.status_code == 400
    assert response.json() == {
        "department": [f"Nothing with id {foreign.pk} exists in this workspace."]
    }


def _grow_kpis(acme, count: int) -> None:
    for _ in range(count):
        kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])
        MeasurementFactory(kpi=kpi)
        MeasurementFactory(kpi=kpi)


def test_kpi_list_makes_the_same_queries_for_5_and_40_kpis(acme, api_as):
    client = api_as(acme.leo)
    client.get(f"{ACME}/kpis/")  # the token's first use is recorded once
    _grow_kpis(acme, 5)
    small, small_sql = _queries(client, "get", f"{ACME}/kpis/")
    _grow_kpis(acme, 35)
    large, large_sql = _queries(client, "get", f"{ACME}/kpis/")

    assert (small.json()["count"], large.json()["count"]) == (5, 40)
    # token, membership, count, page of KPIs, their owners, their latest values
    assert len(small_sql) == len(large_sql) == 6, "\n".join(large_sql)


# --- KPIs: writing ----------------------------------------------------------------------------


def test_executive_creates_a_kpi_through_the_service(acme, api_as):
    response = api_as(acme.claire).post(
        f"{ACME}/kpis/",
        {
            "name": "Net revenue retention",
            "unit": "%",
            "direction": "increase",
            "owner_departments": [acme.sales.pk, acme.product.pk],
            "green_threshold": "110",
            "red_threshold": 95.5,
            "description": "Revenue kept from last year's customers.",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    kpi = KPI.objects.get(pk=body["id"])
    assert (kpi.workspace, kpi.name, kpi.red_threshold) == (
        acme.workspace,
        "Net revenue retention",
        Decimal("95.5"),
    )
    assert body["owner_departments"] == [acme.product.pk, acme.sales.pk]  # by name
    assert body["access"] == {"edit": True, "measure": True}
    assert (body["latest"], body["band"]) == (None, "")
    assert _events(kpi, "created").count() == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"name": "  "}, {"name": ["This field may not be blank."]}),
        ({"name": "x" * 121}, {"name": ["Ensure this field has no more than 120 characters."]}),
        (
            {"owner_departments": []},
            {"owner_departments": ["Choose at least one owner department."]},
        ),
        ({"direction": "sideways"}, {"direction": ['"sideways" is not a valid choice.']}),
        ({"green_threshold": "lots"}, {"green_threshold": ["A valid number is required."]}),
        (
            {"green_threshold": "100"},
            {"red_threshold": ["Set both thresholds, or neither."]},
        ),
        (
            {"direction": "increase", "green_threshold": "10", "red_threshold": "20"},
            {
                "red_threshold": [
                    "Higher is better for this KPI, so the red threshold must be below the "
                    "green one."
                ]
            },
        ),
        (
            {"name": "customer ACQUISITION cost"},
            {"name": ["A KPI named “customer ACQUISITION cost” already exists in this workspace."]},
        ),
    ],
)
def test_kpi_create_refuses_bad_input_with_field_errors(acme, cac, api_as, data, errors):
    body = {"name": "Churn", "owner_departments": [acme.product.pk], **data}

    response = api_as(acme.claire).post(f"{ACME}/kpis/", body)

    assert response.status_code == 400
    assert response.json() == errors
    assert KPI.objects.count() == 1


def test_kpi_create_needs_a_name_and_owners(acme, api_as):
    response = api_as(acme.claire).post(f"{ACME}/kpis/", {"unit": "%"})
    assert response.status_code == 400
    assert response.json() == {
        "name": ["This field is required."],
        "owner_departments": ["This field is required."],
    }


def test_kpi_create_refuses_a_department_of_another_workspace(acme, globex, api_as):
    foreign = globex.departments.first()
    response = api_as(acme.claire).post(
        f"{ACME}/kpis/", {"name": "Churn", "owner_departments": [acme.product.pk, foreign.pk]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "owner_departments": [f"Nothing with id {foreign.pk} exists in this workspace."]
    }


@pytest.mark.parametrize("body", [[], "Churn", None, 7])
def test_kpi_create_refuses_a_body_that_is_not_an_object(acme, api_as, body):
    response = api_as(acme.claire).post(
        f"{ACME}/kpis/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert KPI.objects.count() == 0


def test_patch_changes_only_the_fields_sent_and_is_audited(acme, cac, api_as):
    response = api_as(acme.claire).patch(
        f"{ACME}/kpis/{cac.pk}/", {"green_threshold": "90", "owner_departments": [acme.sales.pk]}
    )

    assert response.status_code == 200, response.content
    cac.refresh_from_db()
    assert (cac.name, cac.green_threshold, cac.red_threshold) == (
        "Customer acquisition cost",
        Decimal("90"),
        Decimal("150"),
    )
    assert response.json()["owner_departments"] == [acme.sales.pk]
    event = _events(cac, "updated").get()
    assert set(event.changes) == {"green_threshold", "owner_departments"}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"direction": "increase"},
            {
                "red_threshold": [
                    "Higher is better for this KPI, so the red threshold must be below the "
                    "green one."
                ]
            },
        ),
        ({"red_threshold": None}, {"red_threshold": ["Set both thresholds, or neither."]}),
        (
            {"name": "Deals closed"},
            {"name": ["A KPI named “Deals closed” already exists in this workspace."]},
        ),
        (
            {"owner_departments": []},
            {"owner_departments": ["Choose at least one owner department."]},
        ),
        ({"unit": "x" * 31}, {"unit": ["Ensure this field has no more than 30 characters."]}),
    ],
)
def test_patch_refuses_bad_input_and_changes_nothing(acme, cac, deals, api_as, data, errors):
    response = api_as(acme.claire).patch(f"{ACME}/kpis/{cac.pk}/", data)

    assert response.status_code == 400
    assert response.json() == errors
    cac.refresh_from_db()
    assert (cac.name, cac.direction, cac.red_threshold) == (
        "Customer acquisition cost",
        "decrease",
        Decimal("150"),
    )


def test_a_lead_may_record_values_but_not_change_the_kpi(acme, cac, api_as):
    response = api_as(acme.leo).patch(f"{ACME}/kpis/{cac.pk}/", {"unit": "USD"})
    assert response.status_code == 403
    assert response.json() == {"detail": "This needs the executive role or higher."}
