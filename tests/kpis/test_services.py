"""The KPI and measurement services: every write path (pages, API, imports) comes through
them, so their checks are tested here once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from goals.models import KPI, Measurement
from goals.permissions import kpi_access
from goals.services.kpis import (
    MAX_ROWS,
    ingest_row_errors,
    kpi_create,
    kpi_update,
    measurement_delete,
    measurement_record,
    measurements_check,
    measurements_ingest,
)
from teams.models import Membership
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def _days(count: int, start: dt.date = dt.date(2020, 1, 1)) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


# KPIs


def test_kpi_create_writes_owners_and_an_audit_row(acme):
    kpi = kpi_create(
        workspace=acme.workspace,
        actor=acme.claire,
        name="Lead generation",
        unit="leads",
        direction="increase",
        green_threshold=Decimal("500"),
        red_threshold=Decimal("300"),
        owner_departments=[acme.marketing, acme.sales],
    )
    assert set(kpi.owner_departments.all()) == {acme.marketing, acme.sales}
    assert AuditEvent.objects.filter(target_type="kpi", target_id=kpi.pk, verb="created").exists()


@pytest.mark.parametrize(
    ("direction", "green", "red"),
    [("increase", "300", "500"), ("increase", "300", "300"), ("decrease", "150", "100")],
)
def test_thresholds_in_the_wrong_order_for_the_direction_are_refused(acme, direction, green, red):
    with pytest.raises(ValidationError) as error:
        kpi_create(
            workspace=acme.workspace,
            actor=acme.claire,
            name="Backwards",
            direction=direction,
            green_threshold=Decimal(green),
            red_threshold=Decimal(red),
            owner_departments=[acme.marketing],
        )
    assert "red threshold" in error.value.message_dict["red_threshold"][0]


def test_one_threshold_without_the_other_is_refused(acme):
    with pytest.raises(ValidationError) as error:
        kpi_create(
            workspace=acme.workspace,
            actor=acme.claire,
            name="Half",
            green_threshold=Decimal("1"),
            owner_departments=[acme.marketing],
        )
    assert error.value.message_dict == {"red_threshold": ["Set both thresholds, or neither."]}


def test_kpi_cannot_be_owned_by_a_department_of_another_workspace(acme, globex):
    with pytest.raises(ValidationError) as error:
        kpi_create(
            workspace=acme.workspace,
            actor=acme.claire,
            name="Borrowed",
            owner_departments=[acme.marketing, globex.departments.first()],
        )
    assert "owner_departments" in error.value.message_dict


def test_kpi_name_is_unique_in_the_workspace_whatever_the_case(acme, cac):
    with pytest.raises(ValidationError) as error:
        kpi_create(
            workspace=acme.workspace,
            actor=acme.claire,
            name="customer ACQUISITION cost",
            owner_departments=[acme.marketing],
        )
    assert "already exists" in error.value.message_dict["name"][0]


def test_kpi_update_records_what_changed(acme, cac):
    kpi_update(
        kpi=cac,
        actor=acme.claire,
        red_threshold=Decimal("160"),
        owner_departments=[acme.marketing],
    )
    cac.refresh_from_db()
    assert cac.red_threshold == Decimal("160")
    assert list(cac.owner_departments.all()) == [acme.marketing]
    event = AuditEvent.objects.get(target_type="kpi", target_id=cac.pk, verb="updated")
    assert set(event.changes) == {"red_threshold", "owner_departments"}


def test_kpi_update_refuses_a_direction_that_flips_the_thresholds(acme, cac):
    with pytest.raises(ValidationError) as error:
        kpi_update(kpi=cac, actor=acme.claire, direction="increase")
    assert "red_threshold" in error.value.message_dict
    cac.refresh_from_db()
    assert cac.direction == "decrease"


def test_kpi_update_refuses_a_department_of_another_workspace(acme, globex, cac):
    with pytest.raises(ValidationError):
        kpi_update(kpi=cac, actor=acme.claire, owner_departments=[globex.departments.first()])
    assert set(cac.owner_departments.all()) == {acme.marketing, acme.product}


# Who may change KPIs


def _membership(acme, person):
    return Membership.objects.get(workspace=acme.workspace, user=getattr(acme, person))


@pytest.mark.parametrize(
    ("person", "edit", "measure"),
    [
        ("ada", True, True),
        ("claire", True, True),
        ("leo", False, True),  # leads product, which owns the KPI
        ("mia", False, False),
        ("gus", False, False),
    ],
)
def test_kpi_access_by_role(acme, cac, person, edit, measure):
    access = kpi_access(membership=_membership(acme, person), kpi=cac)
    assert (access.edit, access.measure) == (edit, measure)


def test_lead_cannot_record_values_of_a_kpi_other_departments_own(acme):
    sales_kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    assert not kpi_access(membership=_membership(acme, "leo"), kpi=sales_kpi).measure


# One value


def test_measurement_record_refreshes_the_goals_the_kpi_drives(acme, cac):
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.marketing],
    )
    measurement_record(kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value="150")
    goal.refresh_from_db()
    assert goal.current_value == Decimal("150")
    assert goal.progress == 50
    assert AuditEvent.objects.filter(target_id=cac.pk, verb="measured").count() == 1


@pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "-inf", True, "1e20"])
def test_measurement_record_refuses_a_value_that_is_not_a_finite_number(acme, cac, value):
    with pytest.raises(ValidationError) as error:
        measurement_record(kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value=value)
    assert list(error.value.message_dict) == ["value"]
    assert not Measurement.objects.exists()


def test_measurement_record_rounds_to_four_decimal_places(acme, cac):
    measurement = measurement_record(
        kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value=0.123456
    )
    measurement.refresh_from_db()
    assert measurement.value == Decimal("0.1235")


def test_duplicate_date_is_refused_naming_the_date(acme, cac):
    measurement_record(kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value="120")
    with pytest.raises(ValidationError) as error:
        measurement_record(kpi=cac, actor=acme.leo, date="2026-03-01", value="99")
    assert "2026-03-01" in error.value.message_dict["date"][0]
    assert Measurement.objects.get().value == Decimal("120")


def test_the_same_date_from_another_source_is_a_separate_value(acme, cac):
    measurement_record(kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value="120")
    measurement_record(kpi=cac, actor=None, date=dt.date(2026, 3, 1), value="121", source="api")
    assert Measurement.objects.count() == 2


def test_measurement_delete_refreshes_goals_and_is_audited(acme, cac):
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.marketing],
    )
    MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 1), value=Decimal("180"))
    latest = measurement_record(kpi=cac, actor=acme.claire, date=dt.date(2026, 3, 1), value="100")
    measurement_delete(measurement=latest, actor=acme.claire)
    goal.refresh_from_db()
    assert goal.current_value == Decimal("180")
    assert goal.progress == 20
    assert AuditEvent.objects.filter(target_id=cac.pk, verb="deleted").exists()


# Many values


def test_ingest_writes_every_row_and_one_audit_row(acme, cac):
    rows = [
        {"date": "2026-01-01", "value": "120"},
        ("2026-01-02", 118.5),
        (dt.date(2026, 1, 3), 99),
    ]
    result = measurements_ingest(kpi=cac, actor=acme.claire, rows=rows, source="api")
    assert (result.created, result.updated) == (3, 0)
    stored = list(Measurement.objects.order_by("date").values_list("date", "value", "source"))
    assert stored == [
        (dt.date(2026, 1, 1), Decimal("120"), "api"),
        (dt.date(2026, 1, 2), Decimal("118.5"), "api"),
        (dt.date(2026, 1, 3), Decimal("99"), "api"),
    ]
    assert set(Measurement.objects.values_list("created_by", flat=True)) == {acme.claire.pk}
    events = AuditEvent.objects.filter(target_type="kpi", target_id=cac.pk, verb="imported")
    assert [e.changes["created"] for e in events] == [3]


def test_ingest_names_every_bad_row_and_writes_nothing(acme, cac):
    rows = [
        ("2026-01-01", "120"),
        ("2026-02-30", "120"),
        ("2026-01-02", "lots"),
        ("2026-01-03", "100", "fax"),
        ("2026-01-04", "90"),
        ("2026-01-01", "121"),
        ("just one field",),
    ]
    with pytest.raises(ValidationError) as error:
        measurements_ingest(kpi=cac, actor=acme.claire, rows=rows, source="import")
    bad, general = ingest_row_errors(error.value)
    assert general == []
    assert [row for row, _ in bad] == [2, 3, 4, 6, 7]
    reasons = dict(bad)
    assert "“2026-02-30” is not a date" in reasons[2]
    assert "“lots” is not a number" in reasons[3]
    assert "“fax” is not a source" in reasons[4]
    assert "2026-01-01 appears twice in this batch (also row 1)" in reasons[6]
    assert "needs a date and a value" in reasons[7]
    assert "Row 2: " in error.value.message_dict["rows"][0]
    assert not Measurement.objects.exists()
    assert not AuditEvent.objects.filter(verb="imported").exists()


def test_ingest_refuses_a_date_already_recorded_unless_upsert(acme, cac):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 2), value=Decimal("130"), source="import")
    rows = [("2026-01-01", "120"), ("2026-01-02", "125")]
    with pytest.raises(ValidationError) as error:
        measurements_ingest(kpi=cac, actor=acme.claire, rows=rows, source="import")
    assert ingest_row_errors(error.value)[0] == [
        (2, "Customer acquisition cost already has a value for 2026-01-02 from “import” (130)")
    ]
    assert Measurement.objects.count() == 1

    result = measurements_ingest(
        kpi=cac, actor=acme.claire, rows=rows, source="import", upsert=True
    )
    assert (result.created, result.updated) == (1, 1)
    values = dict(Measurement.objects.values_list("date", "value"))
    assert values == {dt.date(2026, 1, 1): Decimal("120"), dt.date(2026, 1, 2): Decimal("125")}


def test_ingest_with_upsert_still_refuses_a_date_twice_in_the_batch(acme, cac):
    rows = [("2026-01-01", "120"), ("2026-01-01", "121")]
    with pytest.raises(ValidationError):
        measurements_ingest(kpi=cac, actor=acme.claire, rows=rows, source="api", upsert=True)
    assert not Measurement.objects.exists()


def test_an_existing_value_from_another_source_is_no_duplicate(acme, cac):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), source="manual")
    measurements_ingest(kpi=cac, actor=None, rows=[("2026-01-01", "1")], source="api")
    assert Measurement.objects.count() == 2


def test_check_reports_what_an_upsert_replaces_without_writing(acme, cac):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("130"))
    rows = measurements_check(
        kpi=cac,
        rows=[("2026-01-01", "120"), ("2026-01-02", "110")],
        source="manual",
        upsert=True,
        row_numbers=[4, 7],
    )
    assert [(r.row, r.replaces) for r in rows] == [(4, Decimal("130")), (7, None)]
    assert Measurement.objects.count() == 1


def test_ingest_names_rows_by_the_numbers_given(acme, cac):
    with pytest.raises(ValidationError) as error:
        measurements_ingest(
            kpi=cac, actor=None, rows=[("x", "1")], source="manual", row_numbers=[12]
        )
    assert ingest_row_errors(error.value)[0][0][0] == 12


def test_ingest_refuses_an_empty_batch_and_more_than_the_limit(acme, cac):
    with pytest.raises(ValidationError) as error:
        measurements_ingest(kpi=cac, actor=None, rows=[], source="api")
    assert ingest_row_errors(error.value) == ([], ["There are no values to import."])
    too_many = [(day, 1) for day in _days(MAX_ROWS + 1)]
    with pytest.raises(ValidationError) as error:
        measurements_ingest(kpi=cac, actor=None, rows=too_many, source="api")
    assert "At most 10,000" in ingest_row_errors(error.value)[1][0]
    assert not Measurement.objects.exists()


def test_ingest_refreshes_the_progress_of_every_goal_the_kpi_drives(acme, cac):
    goals = [
        GoalFactory(
            workspace=acme.workspace,
            kpi=cac,
            baseline=Decimal("200"),
            target=Decimal(target),
            direction="decrease",
            owner_departments=[acme.marketing],
        )
        for target in ("100", "150")
    ]
    other = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    measurements_ingest(
        kpi=cac,
        actor=acme.claire,
        rows=[("2026-01-01", "190"), ("2026-02-01", "150")],
        source="api",
    )
    for goal in goals:
        goal.refresh_from_db()
    other.refresh_from_db()
    assert [g.current_value for g in goals] == [Decimal("150"), Decimal("150")]
    assert [g.progress for g in goals] == [50, 100]
    assert other.progress == 0


def _ingest_queries(kpi, actor, rows: int, start: dt.date) -> int:
    batch = [{"date": day.isoformat(), "value": str(i)} for i, day in enumerate(_days(rows, start))]
    with CaptureQueriesContext(connection) as queries:
        measurements_ingest(kpi=kpi, actor=actor, rows=batch, source="api")
    return len(queries)


def test_ingest_query_count_does_not_grow_with_the_rows(acme, cac):
    GoalFactory(workspace=acme.workspace, kpi=cac, owner_departments=[acme.marketing])
    small = _ingest_queries(cac, acme.claire, 100, dt.date(2000, 1, 1))
    large = _ingest_queries(cac, acme.claire, 2_000, dt.date(2001, 1, 1))
    assert small == large
    assert Measurement.objects.count() == 2_100


def test_ingest_takes_ten_thousand_rows_in_one_call(acme, cac):
    rows = [(day, Decimal(i) / 4) for i, day in enumerate(_days(MAX_ROWS))]
    with CaptureQueriesContext(connection) as queries:
        result = measurements_ingest(kpi=cac, actor=acme.claire, rows=rows, source="import")
    assert result.created == MAX_ROWS
    assert Measurement.objects.filter(kpi=cac).count() == MAX_ROWS
    assert Measurement.objects.get(kpi=cac, date=dt.date(2020, 1, 2)).value == Decimal("0.25")
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO")]
    assert len([sql for sql in inserts if "goals_measurement" in sql]) == 1


def test_kpi_update_from_a_stale_copy_keeps_what_others_changed(acme, cac):
    """The update writes the fields it was given onto the locked row, nothing else."""
    stale = KPI.objects.get(pk=cac.pk)
    kpi_update(kpi=cac, actor=acme.claire, name="Cost per customer")

    updated = kpi_update(kpi=stale, actor=acme.ada, description="Paid media only")

    cac.refresh_from_db()
    assert (cac.name, cac.description) == ("Cost per customer", "Paid media only")
    assert updated.name == "Cost per customer"
