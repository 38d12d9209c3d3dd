"""The KPI pages: what each persona sees and may do, and what bad input gets."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import KPI, Measurement
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="kpi-chart-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


# The list


def test_list_shows_each_kpi_with_owners_latest_value_band_and_sparkline(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("160"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 1), value=Decimal("1250.5"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 3, 1), value=Decimal("95"))
    response = as_user(acme.mia).get(url("kpi_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Customer acquisition cost" in html
    assert ">Marketing</span>" in html
    assert ">Product</span>" in html
    assert "95" in html
    assert "On target" in html
    assert "<polyline" in html
    assert "lowest 95, highest 1,250.5" in html
    assert "Add a KPI" not in html


def test_list_searches_and_filters_by_department(acme, cac, as_user):
    KPIFactory(workspace=acme.workspace, name="Time to market", owner_departments=[acme.sales])
    client = as_user(acme.claire)
    html = client.get(url("kpi_list"), {"q": "acquisition"}).content.decode()
    assert "Customer acquisition cost" in html
    assert "Time to market" not in html
    html = client.get(url("kpi_list"), {"department": acme.sales.pk}).content.decode()
    assert "Customer acquisition cost" not in html
    assert "Time to market" in html
    html = client.get(url("kpi_list"), {"q": "nothing like it"}).content.decode()
    assert "No KPI matches this search." in html


def test_list_is_paginated(acme, as_user):
    for i in range(30):
        KPIFactory(workspace=acme.workspace, name=f"KPI {i:02d}", owner_departments=[acme.sales])
    client = as_user(acme.mia)
    first = client.get(url("kpi_list")).content.decode()
    second = client.get(url("kpi_list"), {"page": 2}).content.decode()
    assert "KPI 24" in first
    assert "KPI 25" not in first
    assert "KPI 25" in second
    assert "Page 2 of 2" in second


def test_empty_list_tells_an_executive_to_add_the_first_kpi(acme, as_user):
    html = as_user(acme.claire).get(url("kpi_list")).content.decode()
    assert "No KPIs yet." in html
    assert "Add the first KPI" in html


def test_list_shows_no_kpi_of_another_workspace(acme, globex, as_user):
    KPIFactory(workspace=globex, name="Globex revenue")
    assert "Globex revenue" not in as_user(acme.ada).get(url("kpi_list")).content.decode()


# Create and edit


def _kpi_form(acme, **overrides) -> dict:
    return {
        "name": "Lead generation",
        "unit": "leads",
        "direction": "increase",
        "owner_departments": [acme.marketing.pk, acme.sales.pk],
        "green_threshold": "500",
        "red_threshold": "300",
        "description": "Marketing-qualified leads per month.",
        **overrides,
    }


def test_executive_creates_a_shared_kpi(acme, as_user):
    response = as_user(acme.claire).post(url("kpi_create"), _kpi_form(acme))
    kpi = KPI.objects.get(name="Lead generation")
    assert response.status_code == 302
    assert response["Location"] == url("kpi_detail", pk=kpi.pk)
    assert set(kpi.owner_departments.all()) == {acme.marketing, acme.sales}


def test_thresholds_in_the_wrong_order_are_shown_next_to_the_field(acme, as_user):
    form = _kpi_form(acme, green_threshold="300", red_threshold="500")
    response = as_user(acme.claire).post(url("kpi_create"), form)
    assert response.status_code == 400
    assert "the red threshold must be below the green one" in response.content.decode()
    assert "red_threshold" in response.context["form"].errors
    assert not KPI.objects.exists()


def test_owner_department_of_another_workspace_is_refused(acme, globex, as_user):
    foreign = globex.departments.first()
    response = as_user(acme.claire).post(
        url("kpi_create"), _kpi_form(acme, owner_departments=[acme.marketing.pk, foreign.pk])
    )
    assert response.status_code == 400
    assert "owner_departments" in response.context["form"].errors
    assert not KPI.objects.exists()


def test_kpi_needs_a_name_and_an_owner(acme, as_user):
    response = as_user(acme.claire).post(
        url("kpi_create"), _kpi_form(acme, name="", owner_departments=[])
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["owner_departments"] == ["Choose at least one owner department."]
    assert "name" in errors


def test_executive_edits_a_kpi(acme, cac, as_user):
    form = _kpi_form(
        acme, name="CAC", direction="decrease", green_threshold="90", red_threshold="140"
    )
    response = as_user(acme.claire).post(url("kpi_edit", pk=cac.pk), form)
    assert response.status_code == 302
    cac.refresh_from_db()
    assert (cac.name, cac.green_threshold, cac.red_threshold) == ("CAC", 90, 140)


def test_edit_with_a_duplicate_name_is_refused(acme, cac, as_user):
    KPIFactory(workspace=acme.workspace, name="Churn", owner_departments=[acme.sales])
    form = _kpi_form(acme, name="churn", direction="decrease", green_threshold="", red_threshold="")
    response = as_user(acme.claire).post(url("kpi_edit", pk=cac.pk), form)
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["name"][0]
    cac.refresh_from_db()
    assert cac.name == "Customer acquisition cost"


def test_edit_form_is_filled_with_the_kpi(acme, cac, as_user):
    html = as_user(acme.ada).get(url("kpi_edit", pk=cac.pk)).content.decode()
    assert 'value="Customer acquisition cost"' in html
    assert 'value="100"' in html
    assert 'value="150"' in html


# Detail


def test_detail_shows_the_chart_data_the_goals_and_the_values(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 1), value=Decimal("160"))
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("180"))
    GoalFactory(
        workspace=acme.workspace,
        title="Cut CAC to 100 EUR by year end",
        kpi=cac,
        progress=40,
        owner_departments=[acme.marketing],
    )
    response = as_user(acme.mia).get(url("kpi_detail", pk=cac.pk))
    html = response.content.decode()
    assert chart_data(response) == {
        "name": "Customer acquisition cost",
        "unit": "EUR",
        "direction": "decrease",
        "dates": ["2026-01-01", "2026-02-01"],
        "values": [180.0, 160.0],
        "green": 100.0,
        "red": 150.0,
    }
    assert 'aria-label="Trend of Customer acquisition cost: 2 values' in html
    assert "Cut CAC to 100 EUR by year end" in html
    assert "40%" in html
    assert html.index("2026-02-01</time>") < html.index("2026-01-01</time>")
    assert "Off target" in html
    assert "Green at ≤ 100 EUR, red at ≥ 150 EUR" in html
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
    assert "<script>" not in html


def test_member_reads_but_gets_no_entry_form(acme, cac, as_user):
    html = as_user(acme.mia).get(url("kpi_detail", pk=cac.pk)).content.decode()
    assert "Record a value" not in html
    assert "Edit the KPI" not in html


def test_lead_of_an_owner_department_gets_the_entry_form_but_cannot_edit(acme, cac, as_user):
    html = as_user(acme.leo).get(url("kpi_detail", pk=cac.pk)).content.decode()
    assert "Record a value" in html
    assert "Paste many values" in html
    assert "Edit the KPI" not in html


def test_lead_of_another_department_may_not_record_values(acme, as_user):
    sales_kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    client = as_user(acme.leo)
    assert "Record a value" not in client.get(url("kpi_detail", pk=sales_kpi.pk)).content.decode()
    response = client.post(
        url("measurement_add", pk=sales_kpi.pk), {"date": "2026-03-01", "value": "1"}
    )
    assert response.status_code == 403
    assert client.get(url("measurement_paste", pk=sales_kpi.pk)).status_code == 403
    assert not Measurement.objects.exists()


def test_table_partial_pages_through_the_values(acme, cac, as_user):
    for i in range(25):
        MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    response = as_user(acme.mia).get(
        url("kpi_detail", pk=cac.pk), {"page": 2}, HTTP_HX_TARGET="measurement-table", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="measurement-table"')
    assert "Page 2 of 2" in html
    assert "2026-01-05</time>" in html
    assert "2026-01-06</time>" not in html
    assert "<canvas" not in html


def test_goals_partial_shows_fresh_progress(acme, cac, as_user):
    GoalFactory(workspace=acme.workspace, kpi=cac, progress=75, owner_departments=[acme.sales])
    response = as_user(acme.mia).get(
        url("kpi_detail", pk=cac.pk), HTTP_HX_TARGET="kpi-goals", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="kpi-goals"')
    assert "75%" in html


# One value


def test_htmx_entry_rerenders_chart_and_table_and_announces_the_change(acme, cac, as_user):
    goal = GoalFactory(
        workspace=acme.workspace,
        kpi=cac,
        baseline=Decimal("200"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.product],
    )
    response = as_user(acme.leo).post(
        url("measurement_add", pk=cac.pk), {"date": "2026-03-01", "value": "150"}, **HTMX
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"measurements-changed": {"kpi": cac.pk}}
    assert response.content.decode().lstrip().startswith('<div id="kpi-measurements">')
    assert chart_data(response)["values"] == [150.0]
    assert '<section id="measurement-table"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert "Recorded 150 for 2026-03-01." in response.content.decode()
    goal.refresh_from_db()
    assert goal.progress == 50


def test_plain_post_entry_redirects_back_with_a_message(acme, cac, as_user):
    client = as_user(acme.claire)
    response = client.post(
        url("measurement_add", pk=cac.pk), {"date": "2026-03-01", "value": "1,5"}
    )
    assert response.status_code == 400
    response = client.post(url("measurement_add", pk=cac.pk), {"date": "2026-03-01", "value": "99"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Recorded 99 for 2026-03-01." in page


@pytest.mark.parametrize("value", ["lots", "NaN", "Infinity", ""])
def test_a_value_that_is_not_a_number_is_shown_next_to_the_field(acme, cac, as_user, value):
    response = as_user(acme.claire).post(
        url("measurement_add", pk=cac.pk), {"date": "2026-03-01", "value": value}, **HTMX
    )
    assert response.status_code == 400
    assert "value" in response.context["form"].errors
    assert "is-invalid" in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_duplicate_date_is_refused_naming_the_date(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 3, 1), value=Decimal("120"))
    response = as_user(acme.claire).post(
        url("measurement_add", pk=cac.pk), {"date": "2026-03-01", "value": "99"}, **HTMX
    )
    assert response.status_code == 400
    assert "2026-03-01" in response.context["form"].errors["date"][0]
    assert "HX-Trigger" not in response
    assert Measurement.objects.get().value == Decimal("120")


def test_delete_removes_a_value_and_rerenders(acme, cac, as_user):
    keep = MeasurementFactory(kpi=cac, date=dt.date(2026, 2, 1))
    gone = MeasurementFactory(kpi=cac, date=dt.date(2026, 3, 1))
    response = as_user(acme.leo).post(
        url("measurement_delete", pk=cac.pk, measurement_pk=gone.pk), **HTMX
    )
    assert response.status_code == 200
    assert "measurements-changed" in response["HX-Trigger"]
    assert list(Measurement.objects.all()) == [keep]


def test_delete_cannot_reach_a_value_of_another_kpi(acme, cac, as_user):
    other = MeasurementFactory(
        kpi=KPIFactory(workspace=acme.workspace, owner_departments=[acme.product])
    )
    response = as_user(acme.claire).post(
        url("measurement_delete", pk=cac.pk, measurement_pk=other.pk)
    )
    assert response.status_code == 404
    assert Measurement.objects.filter(pk=other.pk).exists()


# Paste many


def _paste(client, kpi, text: str, action: str = "preview", replace: bool = False):
    data = {"text": text, "action": action}
    if replace:
        data["replace"] = "on"
    return client.post(url("measurement_paste", pk=kpi.pk), data)


def test_paste_preview_names_every_bad_line_and_imports_nothing(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 5), value=Decimal("130"))
    text = (
        "Date\tCAC\n"
        "2026-01-01\t120\n"
        "\n"
        "2026-01-32, 118\n"
        "2026-01-03; ten\n"
        "2026-01-01 121\n"
        "2026-01-05,125\n"
    )
    response = _paste(as_user(acme.leo), cac, text)
    assert response.status_code == 200
    assert response.context["bad_lines"] == [
        (4, "“2026-01-32” is not a date (write it as YYYY-MM-DD)"),
        (5, "“ten” is not a number"),
        (6, "2026-01-01 appears twice in this batch (also row 2)"),
        (7, "Customer acquisition cost already has a value for 2026-01-05 from “manual” (130)"),
    ]
    assert "Line 4: “2026-01-32” is not a date" in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    assert Measurement.objects.count() == 1


def test_paste_preview_then_import_all(acme, cac, as_user):
    client = as_user(acme.claire)
    text = "2026-01-01\t1,250.5\n2026-01-02,118\n2026-01-03;117.25\n"
    preview = _paste(client, cac, text)
    assert preview.status_code == 200
    assert [row.value for row, _, _ in preview.context["preview"]] == [
        Decimal("1250.5"),
        Decimal("118"),
        Decimal("117.25"),
    ]
    assert "Import 3 values" in preview.content.decode()
    assert not Measurement.objects.exists()

    response = _paste(client, cac, text, action="import")
    assert response.status_code == 302
    assert response["Location"] == url("kpi_detail", pk=cac.pk)
    values = dict(Measurement.objects.values_list("date", "value"))
    assert values[dt.date(2026, 1, 1)] == Decimal("1250.5")
    assert len(values) == 3


def test_paste_import_with_a_bad_line_imports_nothing(acme, cac, as_user):
    response = _paste(as_user(acme.claire), cac, "2026-01-01\t1\n2026-01-02\tx\n", "import")
    assert response.status_code == 400
    assert response.context["bad_lines"] == [(2, "“x” is not a number")]
    assert not Measurement.objects.exists()


def test_paste_with_replace_overwrites_recorded_values(acme, cac, as_user):
    MeasurementFactory(kpi=cac, date=dt.date(2026, 1, 1), value=Decimal("130"))
    client = as_user(acme.claire)
    preview = _paste(client, cac, "2026-01-01\t120\n2026-01-02\t110", replace=True)
    assert "1 of them replaces a value already recorded" in preview.content.decode()
    response = _paste(client, cac, "2026-01-01\t120\n2026-01-02\t110", "import", replace=True)
    assert response.status_code == 302
    assert Measurement.objects.get(date=dt.date(2026, 1, 1)).value == Decimal("120")


def test_paste_of_nothing_says_so(acme, cac, as_user):
    response = _paste(as_user(acme.claire), cac, "Date\tValue\n\n")
    assert "There are no values to import." in response.context["form"].errors["text"]


# The dashboard panel


def test_panel_shows_eight_kpis_shared_ones_first_with_sparklines(acme, as_user):
    for i in range(9):
        KPIFactory(workspace=acme.workspace, name=f"Alone {i}", owner_departments=[acme.sales])
    shared = KPIFactory(
        workspace=acme.workspace, name="Zeta shared", owner_departments=[acme.sales, acme.product]
    )
    for day in range(14):
        MeasurementFactory(kpi=shared, date=dt.date(2026, 1, 1) + dt.timedelta(days=day))
    response = as_user(acme.mia).get(url("kpi_panel"), **HTMX)
    html = response.content.decode()
    cards = response.context["cards"]
    assert [card.kpi.name for card in cards][:2] == ["Zeta shared", "Alone 0"]
    assert len(cards) == 8
    assert len(cards[0].sparkline.points.split()) == 12
    assert "from 2026-01-03 to 2026-01-14" in cards[0].sparkline.summary
    assert html.count("<polyline") == 1
    assert "Shared" in html
    assert url("kpi_detail", pk=shared.pk) in html


def test_panel_without_kpis_invites_an_executive_to_add_one(acme, as_user):
    assert "Add the first KPI" in as_user(acme.claire).get(url("kpi_panel")).content.decode()
    assert "Add the first KPI" not in as_user(acme.mia).get(url("kpi_panel")).content.decode()


def test_navigation_links_to_the_kpis(acme, as_user):
    html = as_user(acme.mia).get(url("kpi_list")).content.decode()
    assert f'aria-current="page" href="{url("kpi_list")}">KPIs</a>' in html
