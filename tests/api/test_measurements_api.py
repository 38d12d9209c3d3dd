"""KPI measurements one at a time: reading, recording and deleting them, and who may record."""

import datetime as dt
from decimal import Decimal

import pytest

from goals.models import Measurement
from tests.api.kpis_helpers import ACME, _events, _queries, _rows, _values
from tests.factories import GoalFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


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
    for person, refused in ((acme.mia, 403), (acme.gus, 404)):
        response = api_as(person).post(
            f"{ACME}/kpis/{cac.pk}/measurements/", {"date": "2026-03-02", "value": 1}
        )
        assert response.status_code == refused
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
