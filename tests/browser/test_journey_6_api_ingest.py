"""Journey 6: an integration pushes KPI measurements through the REST API with a token; the
KPI chart and the goals it drives update.

An executive makes a token in the browser and hands it to the "integration" (plain HTTP from
the test). Its first push has a bad row and changes nothing; the corrected push is stored all
at once, and the KPI page and the goal show the new values.
"""

import http.client
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from goals.models import Measurement
from tests.browser.conftest import sign_in
from tests.factories import GoalFactory, KPIFactory

pytestmark = pytest.mark.browser


def push(url: str, token: str, rows: list[dict]) -> tuple[int, dict]:
    """POST ``rows`` as the integration would: JSON, the token, no cookies."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(
            "POST",
            parts.path,
            body=json.dumps(rows),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_an_integration_pushes_values_and_the_chart_and_goal_follow(acme, page, live_server):
    kpi = KPIFactory(
        workspace=acme.workspace,
        name="Qualified leads",
        unit="leads",
        direction="increase",
        green_threshold=Decimal("180"),
        red_threshold=Decimal("120"),
        owner_departments=[acme.marketing, acme.sales],
    )
    goal = GoalFactory(
        workspace=acme.workspace,
        title="Raise qualified leads from 100 to 200 a month",
        kpi=kpi,
        baseline=Decimal("100"),
        target=Decimal("200"),
        direction="increase",
        owner_departments=[acme.marketing, acme.sales],
    )

    sign_in(page, "claire")
    page.goto("/account/tokens/")
    page.get_by_label("Token name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token", exact=True).input_value()

    url = f"{live_server.url}/api/v1/workspaces/acme/kpis/{kpi.pk}/measurements/"
    rows = [
        {"date": "2026-09-30", "value": "120", "source": "api"},
        {"date": "2026-10-31", "value": "a lot", "source": "api"},
        {"date": "2026-11-30", "value": "150", "source": "api"},
    ]
    status, body = push(url, token, rows)
    assert status == 400
    assert body == {"rows": [{"row": 2, "error": "“a lot” is not a number."}]}
    assert not Measurement.objects.filter(kpi=kpi).exists()

    rows[1]["value"] = "135"
    status, body = push(url, token, rows)
    assert (status, body) == (201, {"created": 3, "updated": 0})

    page.goto(f"/w/acme/kpis/{kpi.pk}/")
    expect(page.locator("#kpi-latest")).to_contain_text("150 leads")
    expect(page.locator("#measurements tbody tr")).to_have_count(3)
    chart = json.loads(page.locator("#kpi-chart-data").text_content())
    assert chart["dates"] == ["2026-09-30", "2026-10-31", "2026-11-30"]
    assert chart["values"] == [120, 135, 150]
    expect(page.locator("#kpi-goals .kpi-goal-progress")).to_have_text("50%")

    page.get_by_role("link", name=goal.title).click()
    expect(page.get_by_role("heading", name=goal.title)).to_be_visible()
    expect(page.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "50")
