"""The layout from a phone to a wide screen, without JavaScript, and on paper.

The navigation holds every section on one line each, from 360 px to 1920 px: from 1200 px the
bar itself is one row (the less-used sections under "More"), below it folds under "Menu". A
long workspace name and a long person's name are cut short, never wrapped or overflowing.
"""

import pytest
from playwright.sync_api import Page, expect

from teams.models import User, Workspace
from tests.browser.axe import described, grave_violations
from tests.browser.conftest import sign_in
from tests.browser.demo_site import Site, demo_site, settle  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
WIDTHS = [360, 768, 1024, 1200, 1366, 1920]
FULL_BAR = 1200
ITEMS = "nav.navbar :is(.navbar-brand, .navbar-toggler, .nav-link, .dropdown-item)"
# Each shown item of the bar: its name, how many lines its words take, whether its content is
# taller than one line, where it ends on the right and its middle's height.
MEASURE = """(selector) => [...document.querySelectorAll(selector)]
    .filter((item) => item.getClientRects().length)
    .map((item) => {
        const style = getComputedStyle(item);
        const texts = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
        let lines = 0;
        for (let node = texts.nextNode(); node; node = texts.nextNode()) {
            if (!node.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            const tops = [...range.getClientRects()].filter((r) => r.width).map((r) => r.top);
            lines = Math.max(lines, new Set(tops.map(Math.round)).size);
        }
        const box = item.getBoundingClientRect();
        const content = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
            - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
        const tall = content > 1.5 * parseFloat(style.lineHeight);
        return {name: item.textContent.trim(), lines, tall, right: box.right,
            middle: box.top + box.height / 2};
    })"""


@pytest.fixture
def long_names(acme):
    """The admin of a workspace and a person with long names: the worst case of the bar."""
    Workspace.objects.filter(pk=acme.workspace.pk).update(
        name="Acme Analytics International Holdings"
    )
    User.objects.filter(pk=acme.ada.pk).update(
        first_name="Adaline-Marguerite", last_name="Byrne-Featherstonehaugh"
    )
    return acme


def _items(page: Page) -> list[dict]:
    return page.evaluate(MEASURE, ITEMS)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_navigation_item_wraps_or_overflows(long_names, page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "ada")
    page.goto("/w/acme/")
    menu = page.get_by_role("button", name="Menu")
    if width < FULL_BAR:
        menu.click()
        expect(page.locator("#nav-main.collapse.show")).to_be_visible()
    else:
        expect(menu).to_be_hidden()
        middles = [i["middle"] for i in _items(page)]
        assert max(middles) - min(middles) < 4, f"the bar takes more than one row: {_items(page)}"
    page.get_by_role("button", name="More").click()
    expect(page.get_by_role("link", name="Decision log")).to_be_visible()
    items = _items(page)
    assert {"Dashboard", "Check-ins", "More", "Alignment tree", "Webhooks"} <= {
        i["name"] for i in items
    }
    wrapped = [i["name"] for i in items if i["lines"] > 1 or i["tall"]]
    assert wrapped == [], f"at {width} px these wrap: {wrapped}"
    beyond = [i["name"] for i in items if i["right"] > width]
    assert beyond == [], f"at {width} px these end past the edge: {beyond}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < FULL_BAR:
        grave = grave_violations(page)
        assert not grave, f"the open menu at {width} px:\n{described(grave)}"


@pytest.mark.parametrize("width", [360, 1366])
def test_without_javascript_every_section_is_a_link_in_view(
    long_names, browser, live_server, width
):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": 800},
    )
    page = context.new_page()
    sign_in(page, "ada")
    page.goto("/w/acme/")
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Dashboard", "Goals", "Check-ins", "Alignment tree", "Decision log", "Webhooks"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_printed_pages_show_their_content_without_navigation_or_controls(demo_site: Site):  # noqa: F811
    page = demo_site.page("executive")
    ids = demo_site.ids
    for path, content in [
        ("/w/acme/", "#health-panel"),
        (f"/w/acme/goals/{ids['goal']}/", "main h1"),
        (f"/w/acme/meetings/{ids['meeting_published']}/", "#minutes"),
    ]:
        page.emulate_media(media="screen")
        page.goto(path)
        settle(page)
        page.emulate_media(media="print")
        expect(page.locator("nav.navbar"), path).to_be_hidden()
        expect(page.locator("aside.sidebar"), path).to_be_hidden()
        expect(page.locator(content), path).to_be_visible()
        shown = page.locator("main :is(button, .btn, form[role=search]):visible")
        expect(shown, path).to_have_count(0)
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('main h1')).color]"
        )
        assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"], (path, colours)
        main = page.locator("main").bounding_box()
        assert main["x"] <= 1, (path, main)
        assert main["width"] >= page.viewport_size["width"] - 2, (path, main)
