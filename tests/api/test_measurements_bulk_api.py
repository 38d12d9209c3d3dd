"""Bulk ingestion of KPI measurements: a list recorded all or nothing, its limits and queries."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from goals.models import Measurement
from goals.services.kpis import MAX_ROWS
from tests.api.kpis_helpers import ACME, _events, _queries, _rows, _values
from tests.factories import GoalFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


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
