"""An executive reorders the period's priorities with the buttons and by dragging; a member in
another browser sees the same order after a reload, read-only."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import GoalFactory, PeriodFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def ranked(acme):
    today = dt.date.today()
    period = PeriodFactory(
        workspace=acme.workspace,
        name="This quarter",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
    )
    return [
        GoalFactory(
            workspace=acme.workspace,
            period=period,
            priority=rank,
            title=title,
            owner_departments=[acme.marketing, acme.product],
        )
        for rank, title in enumerate(
            ["Launch the partner portal", "Cut onboarding to 5 days", "Double trial sign-ups"],
            start=1,
        )
    ]


def _titles(page):
    return page.locator("#priority-items .priority-title")


def test_executive_reorders_and_a_member_sees_the_same_order(acme, ranked, new_page):
    claire = new_page()
    sign_in(claire, "claire")
    claire.wait_for_load_state("networkidle")
    nav = claire.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="Priorities").click()
    expect(_titles(claire)).to_have_text(
        ["Launch the partner portal", "Cut onboarding to 5 days", "Double trial sign-ups"]
    )

    claire.get_by_role("button", name="Move up: Double trial sign-ups").click()
    expect(_titles(claire)).to_have_text(
        ["Launch the partner portal", "Double trial sign-ups", "Cut onboarding to 5 days"]
    )
    claire.get_by_role("button", name="Move down: Launch the partner portal").click()
    expect(_titles(claire)).to_have_text(
        ["Double trial sign-ups", "Launch the partner portal", "Cut onboarding to 5 days"]
    )

    # The swapped-in list becomes draggable once priorities.js has set it up.
    expect(claire.locator("#priority-items[data-sortable-ready]")).to_have_count(1)
    handle = claire.locator(f'[data-goal="{ranked[1].pk}"] .drag-handle')
    with claire.expect_response(
        lambda response: response.request.method == "POST" and "/priorities/" in response.url
    ) as saved:
        handle.drag_to(
            claire.locator(f'[data-goal="{ranked[2].pk}"]'),
            target_position={"x": 20, "y": 3},
            steps=10,
        )
    assert saved.value.status == 200
    expect(_titles(claire)).to_have_text(
        ["Cut onboarding to 5 days", "Double trial sign-ups", "Launch the partner portal"]
    )
    claire.reload()
    expect(_titles(claire)).to_have_text(
        ["Cut onboarding to 5 days", "Double trial sign-ups", "Launch the partner portal"]
    )

    mia = new_page()
    sign_in(mia, "mia")
    mia.wait_for_load_state("networkidle")
    mia.goto("/w/acme/priorities/")
    expect(_titles(mia)).to_have_text(
        ["Cut onboarding to 5 days", "Double trial sign-ups", "Launch the partner portal"]
    )
    expect(mia.get_by_role("button", name="Move up: Double trial sign-ups")).to_have_count(0)
    expect(mia.locator(".drag-handle")).to_have_count(0)
