"""An executive opens a KPI, records a value, pastes many (one bad line first), and sees the
chart, the table and the dashboard's sparkline follow."""

import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from goals.models import Measurement
from tests.browser.conftest import sign_in
from tests.factories import GoalFactory, KPIFactory

pytestmark = pytest.mark.browser

CHART_POINTS = "() => Chart.getChart(document.querySelector('canvas[data-kpi-chart]')).data"


def chart_data(page) -> dict:
    return json.loads(page.locator("#kpi-chart-data").text_content())


def test_executive_enters_and_pastes_measurements_and_sees_them_charted(acme, page):
    kpi = KPIFactory(
        workspace=acme.workspace,
        name="Customer acquisition cost",
        unit="EUR",
        direction="decrease",
        green_threshold=Decimal("100"),
        red_threshold=Decimal("150"),
        owner_departments=[acme.marketing, acme.product],
    )
    goal = GoalFactory(
        workspace=acme.workspace,
        title="Cut customer acquisition cost to 100 EUR",
        kpi=kpi,
        baseline=Decimal("160"),
        target=Decimal("100"),
        direction="decrease",
        owner_departments=[acme.marketing, acme.product],
    )
    sign_in(page, "claire")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="KPIs").click()
    page.get_by_role("link", name="Customer acquisition cost").click()
    expect(page.get_by_role("heading", name="Customer acquisition cost")).to_be_visible()
    expect(page.get_by_text("No values yet.")).to_be_visible()

    page.get_by_label("Date").fill("2026-01-31")
    page.get_by_label("Value", exact=True).fill("145")
    page.get_by_role("button", name="Record the value").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded 145 for 2026-01-31.")
    expect(page.locator("#measurements tbody tr")).to_have_count(1)
    expect(page.locator("#kpi-latest")).to_contain_text("145 EUR")
    assert chart_data(page)["dates"] == ["2026-01-31"]
    assert page.evaluate(CHART_POINTS)["datasets"][0]["data"] == [145]
    # The goals it drives reload after the change.
    expect(page.locator("#kpi-goals .kpi-goal-progress")).to_have_text("25%")

    page.get_by_role("link", name="Paste many values").click()
    values = page.get_by_label("Values, one per line")
    values.fill("Date\tCAC\n2026-02-28\t130\n2026-03-31, 12O\n2026-04-30; 110\n")
    page.get_by_role("button", name="Check the values").click()
    bad = page.get_by_role("alert").filter(has_text="Nothing was imported")
    expect(bad).to_contain_text("Line 3: “12O” is not a number.")
    expect(bad.get_by_role("listitem")).to_have_count(1)
    assert Measurement.objects.count() == 1

    values.fill("Date\tCAC\n2026-02-28\t130\n2026-03-31, 120\n2026-04-30; 110\n")
    page.get_by_role("button", name="Check the values").click()
    expect(page.get_by_role("heading", name="Ready to import 3 values")).to_be_visible()
    assert Measurement.objects.count() == 1
    page.get_by_role("button", name="Import 3 values").click()

    expect(page.get_by_role("alert")).to_contain_text("Imported 3 values of Customer acquisition")
    rows = page.locator("#measurements tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("2026-04-30")
    expect(rows.first).to_contain_text("110")
    expect(page.locator("#kpi-latest")).to_contain_text("110 EUR")
    data = chart_data(page)
    assert data["dates"] == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    assert data["values"] == [145, 130, 120, 110]
    assert page.evaluate(CHART_POINTS)["labels"] == data["dates"]
    expect(page.locator("#kpi-goals .kpi-goal-progress")).to_have_text("83%")
    goal.refresh_from_db()
    assert goal.progress == 83

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    panel = page.locator("#kpi-panel")
    expect(panel.get_by_role("link", name="Customer acquisition cost")).to_be_visible()
    expect(panel.get_by_role("img", name=re.compile(r"^Trend: 4 values"))).to_be_visible()
    expect(panel.locator(".kpi-latest")).to_have_text("110 EUR")
