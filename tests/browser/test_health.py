"""The health page in a real browser: a keyboard user reaches a matrix cell and reads its
explanation, and axe-core finds no serious accessibility violation on the page."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from checkins.services.cycles import cycle_current
from goals.models import Goal
from health.models import PulseAnswer
from tests.browser.conftest import sign_in
from tests.factories import GoalFactory

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
MAX_TABS = 80


@pytest.fixture
def partners(acme):
    """Marketing and product share a goal; product's lead (leo) thinks it goes poorly."""
    GoalFactory(
        workspace=acme.workspace,
        title="Launch the analytics module together",
        status=Goal.Status.AT_RISK,
        owner_departments=[acme.marketing, acme.product],
    )
    PulseAnswer.objects.create(
        workspace=acme.workspace,
        cycle=cycle_current(workspace=acme.workspace),
        from_department=acme.product,
        about_department=acme.marketing,
        score=2,
        answered_by=acme.leo,
    )
    return acme


def _tab_to_a_cell(page: Page) -> str:
    """Press Tab until a matrix cell has the focus; its explanation's id."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        described = page.evaluate(
            "() => document.activeElement.classList.contains('health-link')"
            " ? document.activeElement.getAttribute('aria-describedby') : null"
        )
        if described:
            return described
    raise AssertionError(f"no matrix cell took the focus in {MAX_TABS} presses of Tab")


def test_a_keyboard_user_reads_a_cells_explanation(partners, page: Page):
    acme = partners
    sign_in(page, "mia")
    page.goto("/w/acme/health/")
    expect(page.get_by_role("heading", name="Alignment health")).to_be_visible()
    # The first cell is Marketing's row, Operations' column (by name): they share nothing.
    first = page.locator(f"#{_tab_to_a_cell(page)}")
    expect(first).to_be_visible()
    expect(first).to_have_attribute("role", "tooltip")
    expect(first).to_contain_text("Marketing and Operations: No data")
    expect(page.locator(":focus")).to_have_accessible_description(first.inner_text())
    # The next one is Marketing with Product; the first explanation hides.
    page.keyboard.press("Tab")
    tip = page.locator(f"#{page.locator(':focus').get_attribute('aria-describedby')}")
    expect(first).to_be_hidden()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Marketing and Product: Score")
    expect(tip).to_contain_text("1 shared goal, 0% on track")
    expect(tip).to_contain_text("pulse 2 of 5")
    # Enter opens the pair's page.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"/w/acme/health/{acme.marketing.pk}/{acme.product.pk}/")
    expect(page.get_by_role("heading", name="Marketing and Product")).to_be_visible()


def test_axe_finds_no_serious_violation_on_the_health_page(partners, page: Page):
    sign_in(page, "mia")
    page.goto("/w/acme/health/")
    expect(page.locator("#health-matrix")).to_be_visible()
    # Evaluated through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")),
            }));
        }"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_the_matrix_shows_the_legends_colours(partners, page: Page):
    """Each coloured cell wears its band's colour from the legend (a table cell's own styles
    must not paint over it)."""
    sign_in(page, "mia")
    page.goto("/w/acme/health/")
    expect(page.locator("#health-matrix")).to_be_visible()
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('#health-matrix td.health-cell')]
            .map((cell) => [...cell.classList].find((c) => c !== 'health-cell'))
            .filter((band) => band !== 'health-self' && band !== 'health-none')
            .map((band) => [band, document.querySelector(`#health-matrix td.${band}`),
                document.querySelector(`.health-swatch.${band}`)])
            .map(([band, cell, swatch]) => [band, getComputedStyle(cell).backgroundColor,
                getComputedStyle(swatch).backgroundColor])"""
    )
    assert pairs, "the fixture gives at least one pair a score"
    for band, cell, swatch in pairs:
        assert cell == swatch, f"{band}: the cell is {cell}, the legend {swatch}"


def test_the_last_rows_explanation_is_not_clipped_and_escape_hides_it(partners, page: Page):
    sign_in(page, "mia")
    page.goto("/w/acme/health/")
    links = page.locator("#health-matrix a.health-link")
    expect(links.first).to_be_visible()
    last = links.nth(links.count() - 1)
    last.focus()
    tip = page.locator(f"#{last.get_attribute('aria-describedby')}")
    expect(tip).to_be_visible()
    # What is drawn at the middle and the bottom corners of the explanation is the explanation:
    # the matrix's scrolling box does not clip it.
    assert page.evaluate(
        """(tip) => { const r = tip.getBoundingClientRect();
            const points = [[r.left + r.width / 2, r.top + r.height / 2],
                [r.left + 4, r.bottom - 4], [r.right - 4, r.bottom - 4]];
            return r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
                && points.every(([x, y]) => tip.contains(document.elementFromPoint(x, y))); }""",
        tip.element_handle(),
    )
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    expect(last).to_be_focused()


def test_on_a_phone_the_dashboard_does_not_scroll_sideways(partners, page: Page):
    """The matrix scrolls in its own box; its hidden texts do not widen the page."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "mia")
    page.goto("/w/acme/")
    expect(page.locator("#health-panel #health-matrix")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
