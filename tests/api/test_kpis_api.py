"""The KPI and measurement endpoints: what they answer, what they write (through the services
the pages use), their bad input, bulk ingestion all or nothing, and who may record what."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from goals.models import KPI, Measurement
from goals.services.kpis import MAX_ROWS
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db

ACME = "/api/v1/workspaces/acme"


@pytest.fixture
def deals(acme) -> KPI:
    """Deals closed, owned by sales alone: leo leads product, so he only reads it."""
    return KPIFactory(
        workspace=acme.workspace,
        name="Deals closed",
        unit="",
        direction="increase",
        green_threshold=None,
        red_threshold=None,
        owner_departments=[acme.sales],
    )


def _values(kpi: KPI) -> dict[str, str]:
    """The KPI's stored values as {date: value}."""
    return {
        f"{m.date:%Y-%m-%d}": f"{m.value.normalize():f}"
        for m in Measurement.objects.filter(kpi=kpi).order_by("date")
    }


def _events(kpi: KPI, verb: str):
    return AuditEvent.objects.filter(target_type="kpi", target_id=kpi.pk, verb=verb)


def _rows(count: int, start: dt.date = dt.date(2000, 1, 1), value: str = "1.5") -> list[dict]:
    return [
        {"date": f"{start + dt.timedelta(days=n):%Y-%m-%d}", "value": value} for n in range(count)
    ]


def _queries(client, method: str, url: str, data=None) -> tuple[object, list[str]]:
    """The response and the SQL of one request (each statement cut to 200 characters)."""
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data, format="json")
    return response, [q["sql"][:200] for q in ctx.captured_queries]


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


# --- measurements: reading --------------------------------------------------------------------


def test_measurements_list_newest_first_with_who_recorded_them(acme, cac, api_as):
    older = MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("1.5"))
    newer = MeasurementFactory(
        kpi=cac, date=dt.date(2026, 1, 2), value=Decimal("-2"), created_by=acme.leo, source="api"
    )

    body = api_as(acme.mia).get(f"{ACME}/kpis/{cac.pk}/measurements/").json()

    assert body["count"] == 2
    assert body["results"][0] == {
        "id": newer.pk,
        "date": "2026-01-02",
        "value": "-2.0000",
        "source": "api",
        "created_by": acme.leo.pk,
        "created_at": body["results"][0]["created_at"],
    }
    assert body["results"][1]["id"] == older.pk
    assert body["results"][1]["created_by"] is None


def test_measurements_filter_by_dates_and_source(acme, cac, api_as):
    for day in (1, 2, 3, 4):
        MeasurementFactory(kpi=cac, date=dt.date(2026, 1, day), source="manual")
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 2), source="import")
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client = api_as(acme.mia)

    def dates(**params) -> list[tuple[str, str]]:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return [(m["date"][-2:], m["source"]) for m in response.json()["results"]]

    assert dates(since="2026-01-02", until="2026-01-03") == [
        ("03", "manual"),
        ("02", "import"),  # the same day: the later entry first
        ("02", "manual"),
    ]
    assert dates(since="2026-01-04") == [("04", "manual")]
    assert dates(until="2026-01-01") == [("01", "manual")]
    assert dates(source="import") == [("02", "import")]
    assert dates(source="api") == []


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"since": "yesterday"},
            {"since": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"until": "2026-02-30"},
            {"until": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"since": "2026-02-01", "until": "2026-01-31"},
            {"until": ["Choose a day on or after “since”."]},
        ),
        ({"source": "fax"}, {"source": ['"fax" is not a valid choice.']}),
    ],
)
def test_measurements_list_refuses_bad_filters(acme, cac, api_as, params, errors):
    response = api_as(acme.mia).get(f"{ACME}/kpis/{cac.pk}/measurements/", params)
    assert response.status_code == 400
    assert response.json() == errors


def test_measurements_list_pages(acme, cac, api_as):
    Measurement.objects.bulk_create(
        Measurement(kpi=cac, date=dt.date(2025, 1, 1) + dt.timedelta(days=n), value=n)
        for n in range(7)
    )
    url = f"{ACME}/kpis/{cac.pk}/measurements/"

    page = api_as(acme.mia).get(url, {"page_size": 3, "page": 3}).json()

    assert page["count"] == 7
    assert [m["date"] for m in page["results"]] == ["2025-01-01"]
    assert page["next"] is None
    assert "page=2" in page["previous"]


def test_measurements_list_makes_the_same_queries_for_10_and_1000_values(acme, cac, api_as):
    client = api_as(acme.mia)
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client.get(url)
    Measurement.objects.bulk_create(
        Measurement(kpi=cac, date=dt.date(2020, 1, 1) + dt.timedelta(days=n), value=n)
        for n in range(10)
    )
    _, small_sql = _queries(client, "get", url)
    Measurement.objects.bulk_create(
        Measurement(kpi=cac, date=dt.date(2021, 1, 1) + dt.timedelta(days=n), value=n)
        for n in range(990)
    )
    large, large_sql = _queries(client, "get", url)

    assert large.json()["count"] == 1000
    # token, membership, KPI, count, page with who recorded each
    assert len(small_sql) == len(large_sql) == 5, "\n".join(large_sql)


def test_a_measurement_of_another_kpi_is_not_found_under_this_one(acme, cac, deals, api_as):
    other = MeasurementFactory(kpi=deals)
    response = api_as(acme.ada).get(f"{ACME}/kpis/{cac.pk}/measurements/{other.pk}/")
    assert response.status_code == 404


# --- measurements: one value ------------------------------------------------------------------


def test_record_one_value_answers_the_measurement(acme, cac, api_as):
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.product],
    )

    response = api_as(acme.leo).post(
        f"{ACME}/kpis/{cac.pk}/measurements/", {"date": "2026-03-02", "value": 150}
    )

    assert response.status_code == 201, response.content
    measurement = Measurement.objects.get(kpi=cac)
    assert response.json() == {
        "id": measurement.pk,
        "date": "2026-03-02",
        "value": "150.0000",
        "source": "api",
        "created_by": acme.leo.pk,
        "created_at": response.json()["created_at"],
    }
    goal.refresh_from_db()
    assert goal.progress == 50
    assert _events(cac, "measured").count() == 1


def test_record_one_value_keeps_the_source_sent_and_four_decimal_places(acme, cac, api_as):
    response = api_as(acme.leo).post(
        f"{ACME}/kpis/{cac.pk}/measurements/",
        {"date": "2026-03-02", "value": "1.23456", "source": "import"},
    )
    assert (response.json()["source"], response.json()["value"]) == ("import", "1.2346")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"date": ["The date is missing."], "value": ["The value is missing."]}),
        (
            {"date": "02/03/2026", "value": 1},
            {"date": ["“02/03/2026” is not a date (write it as YYYY-MM-DD)."]},
        ),
        (
            {"date": "2026-02-30", "value": 1},
            {"date": ["“2026-02-30” is not a date (write it as YYYY-MM-DD)."]},
        ),
        ({"date": "2026-03-02", "value": "ten"}, {"value": ["“ten” is not a number."]}),
        ({"date": "2026-03-02", "value": "NaN"}, {"value": ["“NaN” is not a number."]}),
        ({"date": "2026-03-02", "value": True}, {"value": ["“True” is not a number."]}),
        (
            {"date": "2026-03-02", "value": "1e15"},
            {"value": ["1e15 is too large (at most 14 digits before the decimal point)."]},
        ),
        (
            {"date": "2026-03-02", "value": 1, "source": "fax"},
            {"source": ["“fax” is not a source (manual, api, import)."]},
        ),
    ],
)
def test_record_one_value_refuses_bad_input_with_field_errors(acme, cac, api_as, data, errors):
    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/", data)
    assert response.status_code == 400
    assert response.json() == errors
    assert not Measurement.objects.exists()


def test_record_one_value_twice_is_refused_unless_upsert(acme, cac, api_as):
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client = api_as(acme.leo)
    first = client.post(url, {"date": "2026-03-02", "value": 150}).json()

    again = client.post(url, {"date": "2026-03-02", "value": 140})
    assert again.status_code == 400
    assert again.json() == {
        "date": [
            "Customer acquisition cost already has a value for 2026-03-02 from “api”; "
            "delete it first or pick another date."
        ]
    }
    replaced = client.post(f"{url}?upsert=true", {"date": "2026-03-02", "value": 140})

    assert replaced.status_code == 201
    assert (replaced.json()["id"], replaced.json()["value"]) == (first["id"], "140.0000")
    assert _values(cac) == {"2026-03-02": "140"}
    event = _events(cac, "measured").latest("id")
    assert event.changes == {"date": "2026-03-02", "value": ["150.0000", "140.0000"]}


def test_the_same_date_from_another_source_is_another_value(acme, cac, api_as):
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client = api_as(acme.leo)
    client.post(url, {"date": "2026-03-02", "value": 150})
    response = client.post(url, {"date": "2026-03-02", "value": 150, "source": "manual"})
    assert response.status_code == 201
    assert Measurement.objects.filter(kpi=cac).count() == 2


# --- measurements: many values ----------------------------------------------------------------


def test_record_a_list_answers_the_counts(acme, cac, api_as):
    rows = [
        {"date": "2026-01-01", "value": 101},
        {"date": "2026-01-02", "value": "99.5", "source": "import"},
        {"date": "2026-01-02", "value": -3},
    ]

    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/", rows)

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "updated": 0}
    stored = Measurement.objects.filter(kpi=cac).order_by("date", "source")
    assert [(f"{m.date:%d}", m.source, m.value, m.created_by) for m in stored] == [
        ("01", "api", Decimal("101"), acme.leo),
        ("02", "api", Decimal("-3"), acme.leo),
        ("02", "import", Decimal("99.5"), acme.leo),
    ]
    event = _events(cac, "imported").get()
    assert event.changes["created"] == 3


def test_a_bad_list_names_every_bad_row_and_records_nothing(acme, cac, api_as):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 5), value=Decimal("120"), source="api")
    rows = [
        {"date": "2026-01-01", "value": 1},
        {"date": "2026-13-01", "value": 2},
        {"date": "2026-01-03", "value": "abc"},
        {"date": "2026-01-01", "value": 4},
        {"date": "2026-01-05", "value": 5},
        "2026-01-06",
        {"date": "2026-01-07", "value": 7, "source": "fax"},
        {"date": "2026-01-08", "value": 8},
    ]

    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/", rows)

    assert response.status_code == 400
    assert response.json() == {
        "rows": [
            {"row": 2, "error": "“2026-13-01” is not a date (write it as YYYY-MM-DD)."},
            {"row": 3, "error": "“abc” is not a number."},
            {"row": 4, "error": "2026-01-01 appears twice in this batch (also row 1)."},
            {
                "row": 5,
                "error": (
                    "Customer acquisition cost already has a value for 2026-01-05 from “api” (120)."
                ),
            },
            {"row": 6, "error": "A row needs a date and a value."},
            {"row": 7, "error": "“fax” is not a source (manual, api, import)."},
        ]
    }
    assert _values(cac) == {"2026-01-05": "120"}
    assert not _events(cac, "imported").exists()


def test_one_bad_row_in_ten_thousand_records_none_of_them(acme, cac, api_as):
    rows = _rows(MAX_ROWS)
    rows[9_999]["value"] = "1,5"

    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/", rows)

    assert response.status_code == 400
    assert response.json() == {"rows": [{"row": 10_000, "error": "“1,5” is not a number."}]}
    assert not Measurement.objects.exists()


def test_upsert_replaces_stored_values_and_counts_them(acme, cac, api_as):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("120"), source="api")
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 2), value=Decimal("130"), source="manual")
    rows = [
        {"date": "2026-01-01", "value": 110},
        {"date": "2026-01-02", "value": 90},
        {"date": "2026-01-03", "value": 80},
    ]

    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/?upsert=true", rows)

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "updated": 1}
    stored = Measurement.objects.filter(kpi=cac).order_by("date", "source")
    assert [(f"{m.date:%d}", m.source, f"{m.value.normalize():f}") for m in stored] == [
        ("01", "api", "110"),
        ("02", "api", "90"),
        ("02", "manual", "130"),
        ("03", "api", "80"),
    ]


def test_upsert_still_refuses_a_date_twice_in_the_list(acme, cac, api_as):
    rows = [{"date": "2026-01-01", "value": 1}, {"date": "2026-01-01", "value": 2}]
    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/?upsert=1", rows)
    assert response.status_code == 400
    assert response.json()["rows"][0]["row"] == 2
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([], {"non_field_errors": ["There are no values to import."]}),
        (
            "2026-01-01,5",
            {
                "non_field_errors": [
                    "Send one measurement as an object, or a list of up to 10,000 of them."
                ]
            },
        ),
        (
            5,
            {
                "non_field_errors": [
                    "Send one measurement as an object, or a list of up to 10,000 of them."
                ]
            },
        ),
        (
            None,
            {
                "non_field_errors": [
                    "Send one measurement as an object, or a list of up to 10,000 of them."
                ]
            },
        ),
    ],
)
def test_a_body_that_is_not_an_object_or_a_list_of_them_is_refused(acme, cac, api_as, body, errors):
    response = api_as(acme.leo).post(
        f"{ACME}/kpis/{cac.pk}/measurements/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == errors


def test_more_than_ten_thousand_rows_are_refused_saying_the_limit(acme, cac, api_as):
    response = api_as(acme.leo).post(f"{ACME}/kpis/{cac.pk}/measurements/", _rows(MAX_ROWS + 1))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["At most 10,000 values per import; this one has 10,001."]
    }
    assert not Measurement.objects.exists()


def test_malformed_json_and_a_bad_upsert_flag_are_refused(acme, cac, api_as):
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client = api_as(acme.leo)

    broken = client.post(url, '[{"date": "2026-01-01",', content_type="application/json")
    flag = client.post(f"{url}?upsert=perhaps", [{"date": "2026-01-01", "value": 1}])

    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("JSON parse error")
    assert flag.status_code == 400
    assert flag.json() == {"upsert": ["Must be a valid boolean."]}
    assert not Measurement.objects.exists()


def test_the_widest_ten_thousand_rows_fit_in_the_request_body_limit(acme, cac, api_as):
    """10,000 rows as wide as they come, pretty-printed (0.95 MB): DATA_UPLOAD_MAX_MEMORY_SIZE,
    which DRF's JSON parser applies, lets them in."""
    rows = [
        {
            "date": f"{dt.date(2000, 1, 1) + dt.timedelta(days=n):%Y-%m-%d}",
            "value": "-12345678901234.5678",
            "source": "import",
        }
        for n in range(MAX_ROWS)
    ]

    response = api_as(acme.ada).post(
        f"{ACME}/kpis/{cac.pk}/measurements/",
        json.dumps(rows, indent=2),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content[:500]
    assert Measurement.objects.filter(kpi=cac).count() == MAX_ROWS


def test_a_body_over_the_size_limit_gets_a_413_that_says_the_limit(acme, cac, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = api_as(acme.ada).post(f"{ACME}/kpis/{cac.pk}/measurements/", _rows(40))
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is over the 1,000 bytes this server accepts."
    }
    assert not Measurement.objects.exists()


def test_ten_and_ten_thousand_rows_take_the_same_queries(acme, cac, api_as):
    GoalFactory(workspace=acme.workspace, kpi=cac, owner_departments=[acme.product])
    client = api_as(acme.leo)
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client.get(url)  # the token's first use is recorded once

    small, small_sql = _queries(client, "post", url, _rows(10, dt.date(1990, 1, 1)))
    large, large_sql = _queries(client, "post", url, _rows(MAX_ROWS, dt.date(2000, 1, 1)))

    assert small.json() == {"created": 10, "updated": 0}
    assert large.json() == {"created": MAX_ROWS, "updated": 0}
    # token, membership, the KPI (its workspace, the lead's access); savepoint; the values
    # stored in the batch's dates; savepoint, the one INSERT, release; the goals the KPI
    # drives, and for the one here its children, latest value, update; the audit row; release
    assert len(small_sql) == len(large_sql), "\n".join([*small_sql, "---", *large_sql])
    assert len(large_sql) == 14, "\n".join(large_sql)


# --- measurements: deleting -------------------------------------------------------------------


def test_delete_a_measurement_refreshes_goals_and_is_audited(acme, cac, api_as):
    kept = MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("150"))
    gone = MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 2), value=Decimal("100"))
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.product],
    )

    response = api_as(acme.leo).delete(f"{ACME}/kpis/{cac.pk}/measurements/{gone.pk}/")

    assert response.status_code == 204
    assert list(Measurement.objects.filter(kpi=cac)) == [kept]
    goal.refresh_from_db()
    assert goal.progress == 50
    assert _events(cac, "deleted").count() == 1


# --- who may record ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "kpi", "allowed"),
    [
        ("ada", "deals", True),
        ("claire", "deals", True),
        ("leo", "cac", True),
        ("leo", "deals", False),
    ],
)
def test_who_may_record_and_delete_values(acme, cac, deals, api_as, person, kpi, allowed):
    kpi = {"cac": cac, "deals": deals}[kpi]
    client = api_as(getattr(acme, person))
    url = f"{ACME}/kpis/{kpi.pk}/measurements/"
    stored = MeasurementFactory(kpi=kpi, date=dt.date(2026, 1, 1))

    one = client.post(url, {"date": "2026-03-02", "value": 1})
    many = client.post(url, _rows(2))
    delete = client.delete(f"{url}{stored.pk}/")

    codes = {one.status_code, many.status_code, delete.status_code}
    if allowed:
        assert codes == {201, 204}
        assert Measurement.objects.filter(kpi=kpi).count() == 3
    else:
        assert codes == {403}
        assert one.json() == {
            "detail": "Only executives, admins and the leads of the KPI's departments record "
            "its values."
        }
        assert list(Measurement.objects.filter(kpi=kpi)) == [stored]


def test_a_lead_of_a_department_records_on_a_kpi_it_shares(acme, deals, api_as):
    deals.owner_departments.add(acme.product)
    response = api_as(acme.leo).post(
        f"{ACME}/kpis/{deals.pk}/measurements/", {"date": "2026-03-02", "value": 1}
    )
    assert response.status_code == 201


def test_members_and_guests_may_not_record(acme, cac, api_as):
    for person in (acme.mia, acme.gus):
        response = api_as(person).post(
            f"{ACME}/kpis/{cac.pk}/measurements/", {"date": "2026-03-02", "value": 1}
        )
        assert response.status_code == 403
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "value", ["1e30", 1e30, "99999999999999999999999999", "99999999999999.99999"]
)
def test_a_value_too_large_to_keep_is_a_400_naming_the_limit(acme, api_as, cac, value):
    url = f"{ACME}/kpis/{cac.pk}/measurements/"
    client = api_as(acme.claire)

    single = client.post(url, {"date": "2026-01-05", "value": value}, format="json")
    bulk = client.post(url, [{"date": "2026-01-05", "value": value}], format="json")

    assert single.status_code == bulk.status_code == 400
    assert "is too large" in single.json()["value"][0]
    assert "is too large" in bulk.json()["rows"][0]["error"]
    assert not Measurement.objects.exists()
