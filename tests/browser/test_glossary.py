"""A lead adds a term to the glossary; on the goal page it is marked, reached with Tab, and its
meaning shows on focus and on hover, and hides again with Escape."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import GoalFactory

pytestmark = pytest.mark.browser


def test_a_term_added_in_the_glossary_is_explained_on_the_goal_page(acme, page):
    goal = GoalFactory(
        workspace=acme.workspace,
        title="Raise the share of good leads",
        description="Every MQL we pass on must be worth a sales call.",
        owner_departments=[acme.product],
    )
    sign_in(page, "leo")  # the lead of product
    page.goto("/w/acme/glossary/")
    expect(page.get_by_text("No terms yet.")).to_be_visible()
    page.get_by_role("link", name="Add the first one").click()
    page.get_by_label("Term").fill("MQL")
    page.get_by_label("Meaning").fill("Marketing qualified lead: a lead marketing passes on.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Product")).to_be_visible()

    page.goto(f"/w/acme/goals/{goal.pk}/")
    term = page.locator(".goal-description abbr", has_text="MQL")
    tip = page.get_by_role("tooltip")
    expect(term).to_have_accessible_description(
        "Marketing qualified lead: a lead marketing passes on."
    )
    expect(tip).to_have_css("width", "1px")
    term.focus()
    expect(term).to_be_focused()
    assert tip.bounding_box()["width"] > 100
    page.keyboard.press("Escape")
    expect(tip).to_have_css("width", "1px")
    page.keyboard.press("Shift+Tab")
    term.hover()
    assert tip.bounding_box()["width"] > 100
