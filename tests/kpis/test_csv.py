"""KPI values as CSV: the import's preview naming every bad row, all or nothing, who may
import, and the export (filename, order, query count) read back by the import."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from goals.models import Measurement
from goals.services import kpis as kpi_services
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def _check(client, kpi, text: str | bytes, replace: bool = False, **extra):
    data = text.encode() if isinstance(text, str) else text
    form = {"file": SimpleUploadedFile("values.csv", data, content_type="text/csv")}
    if replace:
        form["replace"] = "on"
    return client.post(url("measurement_import", pk=kpi.pk), form, **extra)


def _confirm(client, kpi, token: str):
    return client.post(url("measurement_import", pk=kpi.pk), {"token": token})


def _download(client, kpi) -> tuple[str, int, StreamingHttpResponse]:
    address = url("measurement_export", pk=kpi.pk)
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
        assert isinstance(response, StreamingHttpResponse)
        body = b"".join(response.streaming_content).decode("utf-8")
    return body, len(queries), response


def test_preview_names_every_bad_row_and_saves_nothing(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 5), value=Decimal("130"), source="import")
    text = (
        "date,value,source\n"
        "2026-01-01,120,\n"
        "\n"
        "2026-01-32,118,\n"
        "2026-01-03,ten,manual\n"
        "2026-01-01,121,\n"
        "2026-01-05,125,\n"
        "2026-01-06,1,250\n"
        "2026-01-07,125,excel\n"
    )
    response = _check(as_user(acme.leo), cac, text)

    assert response.status_code == 200
    assert response.context["bad_rows"] == [
        (4, "“2026-01-32” is not a date (write it as YYYY-MM-DD)"),
        (5, "“ten” is not a number"),
        (6, "2026-01-01 appears twice in this batch (also row 2)"),
        (7, "Customer acquisition cost already has a value for 2026-01-05 from “import” (130)"),
        (8, "“250” is not a source (manual, api, import)"),
        (9, "“excel” is not a source (manual, api, import)"),
    ]
    html = response.content.decode()
    assert "Row 4: “2026-01-32” is not a date" in html
    assert "Nothing was imported." in html
    assert 'name="token"' not in html
    assert Measurement.objects.count() == 1


def test_a_row_with_more_cells_than_the_header_is_named_with_the_others(acme, cac, as_user):
    text = "date,value\n2026-01-01,1,250\n2026-01-02,x\n2026-01-03,3\n"
    response = _check(as_user(acme.leo), cac, text)
    rows = response.context["bad_rows"]
    assert [row for row, _ in rows] == [2, 3]
    assert rows[0][1].startswith("this row has more cells than the header has columns")


def test_clean_file_previews_then_imports_every_value(acme, cac, as_user):
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.marketing],
    )
    client = as_user(acme.claire)
    text = "\ufeffDate;Value;Source\r\n2026-01-01;150.5;\r\n2026-01-02;150;manual\r\n"
    preview = _check(client, cac, text)
    assert preview.status_code == 200
    assert "Import 2 values" in preview.content.decode()
    assert not Measurement.objects.exists()

    response = _confirm(client, cac, preview.context["token"])

    assert response.status_code == 302
    assert response["Location"] == url("kpi_detail", pk=cac.pk)
    assert sorted(Measurement.objects.values_list("date", "value", "source")) == [
        (dt.date(2026, 1, 1), Decimal("150.5"), "import"),
        (dt.date(2026, 1, 2), Decimal("150"), "manual"),
    ]
    goal.refresh_from_db()
    assert goal.current_value == Decimal("150")
    assert AuditEvent.objects.filter(verb="imported", target_id=cac.pk).count() == 1


def test_replacing_values_is_carried_from_the_preview_to_the_import(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("130"), source="import")
    client = as_user(acme.claire)
    preview = _check(client, cac, "date,value\n2026-01-01,99\n2026-01-02,98\n", replace=True)
    assert "1 of them replaces a value already recorded" in preview.content.decode()

    assert _confirm(client, cac, preview.context["token"]).status_code == 302
    assert dict(Measurement.objects.values_list("date", "value")) == {
        dt.date(2026, 1, 1): Decimal("99"),
        dt.date(2026, 1, 2): Decimal("98"),
    }


def test_values_recorded_after_the_preview_make_the_import_refuse_all(acme, cac, as_user):
    client = as_user(acme.claire)
    preview = _check(client, cac, "date,value\n2026-01-01,99\n2026-01-02,98\n")
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 2), value=Decimal("97"), source="import")

    response = _confirm(client, cac, preview.context["token"])

    assert response.status_code == 400
    assert (
        "Row 3: Customer acquisition cost already has a value for 2026-01-02 from “import”"
        in response.content.decode()
    )
    assert Measurement.objects.count() == 1


def test_a_confirmation_for_another_kpi_is_refused(acme, cac, as_user):
    other = KPIFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    client = as_user(acme.claire)
    preview = _check(client, cac, "date,value\n2026-01-01,99\n")

    response = _confirm(client, other, preview.context["token"])

    assert response.status_code == 400
    assert "This check has expired or belongs to another page" in response.content.decode()
    assert not Measurement.objects.exists()


def test_too_many_rows_are_refused_before_any_check(acme, cac, as_user, monkeypatch):
    monkeypatch.setattr(kpi_services, "MAX_ROWS", 2)
    text = "date,value\n2026-01-01,1\n2026-01-02,2\n2026-01-03,3\n"
    response = _check(as_user(acme.claire), cac, text)
    assert response.status_code == 400
    assert "The file has 3 rows; at most 2 can be imported at once." in response.content.decode()


def test_only_those_who_record_the_kpis_values_may_import(acme, cac, as_user):
    sales_kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    text = "date,value\n2026-01-01,99\n"
    assert _check(as_user(acme.leo), sales_kpi, text).status_code == 403
    assert _check(as_user(acme.mia), cac, text).status_code == 403
    assert as_user(acme.leo).get(url("measurement_import", pk=sales_kpi.pk)).status_code == 403
    assert _check(as_user(acme.leo), cac, text).status_code == 200
    assert not Measurement.objects.exists()


def test_kpi_page_offers_the_import_to_those_who_measure_and_the_export_to_all(acme, cac, as_user):
    detail = url("kpi_detail", pk=cac.pk)
    lead_page = as_user(acme.leo).get(detail).content.decode()
    member_page = as_user(acme.mia).get(detail).content.decode()
    assert url("measurement_import", pk=cac.pk) in lead_page
    assert url("measurement_import", pk=cac.pk) not in member_page
    assert url("measurement_export", pk=cac.pk) in member_page


def test_export_lists_the_values_oldest_first_with_a_proper_filename(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 1), value=Decimal("-1250.5"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("120"), created_by=acme.leo)
    body, _, response = _download(as_user(acme.mia), cac)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="acme-customer-acquisition-cost-values-')
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert [(r["date"], r["value"], r["source"], r["recorded_by"]) for r in rows] == [
        ("2026-01-01", "120", "manual", str(acme.leo)),
        ("2026-02-01", "-1250.5", "manual", ""),
    ]
    assert dt.datetime.fromisoformat(rows[0]["recorded_at"]).utcoffset() is not None


def test_exported_values_import_into_another_kpi_unchanged(acme, cac, as_user):
    for day in range(1, 6):
        MeasurementFactory(kpi=cac, date=dt.date(2026, 1, day), value=Decimal(f"{day}.25"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("7"), source="api")
    copy = KPIFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    client = as_user(acme.claire)
    body, _, _ = _download(client, cac)

    preview = _check(client, copy, body.encode("utf-8"))
    assert _confirm(client, copy, preview.context["token"]).status_code == 302

    def values(kpi):
        return sorted(kpi.measurements.values_list("date", "value", "source"))

    assert values(copy) == values(cac)


def test_export_queries_do_not_grow_with_the_values(acme, cac, as_user, monkeypatch):
    monkeypatch.setattr("goals.selectors.exports.CHUNK", 5)
    client = as_user(acme.mia)

    def grow(days: int) -> tuple[int, int]:
        start = dt.date(2025, 1, 1) + dt.timedelta(days=cac.measurements.count())
        Measurement.objects.bulk_create(
            Measurement(kpi=cac, date=start + dt.timedelta(days=d), value=d, created_by=acme.leo)
            for d in range(days)
        )
        body, queries, _ = _download(client, cac)
        return body.count("\n"), queries

    small_lines, small = grow(3)
    large_lines, large = grow(40)
    assert large_lines > small_lines
    assert small == large <= 5, f"{small} then {large} queries"
