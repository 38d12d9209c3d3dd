"""Journey 5: an executive opens the dashboard of the demo workspace and reads it: shared goals
by department and status, KPI trends, the alignment-health matrix with its weakest pair,
upcoming forums, check-in completion and late asks; from the weakest pair she reaches what lies
behind it, down to the open conflict over the launch budget."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alignment.seed.common import PASSWORD, TIMEZONE
from alignment.seed.demo import demo_seed
from tests import nplusone
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(db):
    with nplusone.seeding_the_demo():
        return demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))


def test_an_executive_reads_the_dashboard_down_to_the_weakest_pair(demo, page):
    sign_in(page, "cmo", PASSWORD)
    page.goto("/w/acme/")
    grid = page.locator("#status-grid")
    for department in ("Marketing", "Operations", "Product", "Sales"):
        expect(grid).to_contain_text(department)
    expect(page.locator("#kpi-panel")).to_contain_text("Customer acquisition cost")
    expect(page.locator("#kpi-panel svg, #kpi-panel canvas").first).to_be_visible()
    expect(page.locator("#checkin-panel #checkin-completion")).to_be_visible()
    # Whether a check-in is overdue today depends on the day of the cycle; late asks do not.
    expect(page.locator("#flagged-asks")).to_contain_text("Late")
    expect(page.locator("#forum-panel")).to_contain_text("Growth forum")

    health = page.locator("#health-panel")
    expect(health.locator(".health-link").first).to_be_visible()
    weakest = health.locator("#health-weakest")
    expect(weakest).to_contain_text("Marketing and Operations")
    weakest.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Marketing and Operations")).to_be_visible()
    expect(page.locator("#pair-score")).to_contain_text("Score")
    conflicts = page.locator("#pair-conflicts")
    expect(conflicts).to_contain_text("Launch budget for the analytics module")
    conflicts.get_by_role("link", name="Launch budget for the analytics module").click()
    expect(
        page.get_by_role("heading", name="Launch budget for the analytics module")
    ).to_be_visible()
