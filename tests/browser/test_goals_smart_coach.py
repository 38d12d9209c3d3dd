"""An executive sets a shared goal: the SMART coach flags the vague draft "Increase product
awareness" as she types, she fixes it until it scores 5/5, saves, and sees the goal."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from goals.models import Goal
from tests.browser.conftest import sign_in
from tests.factories import PeriodFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def quarter(acme):
    acme.workspace.mission = "Every department wins the same customers."
    acme.workspace.save()
    today = dt.date.today()
    return PeriodFactory(
        workspace=acme.workspace,
        name="This quarter",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
    )


def test_coach_turns_a_vague_draft_into_a_smart_shared_goal(acme, quarter, page):
    sign_in(page, "claire")
    # The dashboard's panels load after the page; leave it once they have.
    page.wait_for_load_state("networkidle")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Goals", exact=True).click()
    page.get_by_role("link", name="New goal").click()
    coach = page.locator("#smart-coach")
    expect(coach).to_contain_text("Set a due date.")

    page.get_by_label("Title").fill("Increase product awareness")
    expect(coach.locator("#smart-specific")).to_contain_text("Say by how much or how")
    expect(coach.locator("#smart-specific")).to_have_class(re.compile("failed"))

    owners = page.get_by_role("group", name="Owner departments")
    owners.get_by_label("Marketing").check()
    owners.get_by_label("Product").check()
    page.get_by_role("group", name="Contributing departments").get_by_label("Sales").check()
    page.get_by_label("Accountable person").select_option(label="Claire " + acme.claire.last_name)
    page.get_by_label("Metric").fill("Aided brand awareness")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Baseline").fill("20")
    page.get_by_label("Target", exact=True).fill("200")
    expect(coach.locator("#smart-achievable")).to_contain_text("rarely achievable")
    page.get_by_label("Target", exact=True).fill("26")
    expect(coach.locator("#smart-measurable")).to_have_class(re.compile("passed"))
    page.get_by_label("Start date").fill(quarter.start_date.isoformat())
    page.get_by_label("Due date").fill((quarter.end_date + dt.timedelta(days=10)).isoformat())
    expect(coach.locator("#smart-time_bound")).to_contain_text("after the period ends")
    page.get_by_label("Due date").fill(quarter.end_date.isoformat())
    expect(coach.locator("#smart-time_bound")).to_have_class(re.compile("passed"))
    expect(coach.locator(".coach-score")).to_have_text("4/5")

    page.get_by_label("Title").fill(
        "Increase product awareness by 30% in the next quarter through targeted campaigns"
    )
    expect(coach.locator(".coach-score")).to_have_text("5/5")
    expect(coach).to_contain_text("SMART: clear enough to share.")

    page.get_by_role("button", name="Create the goal").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Increase product awareness by 30% in the next quarter through targeted campaigns"
    )
    expect(page.get_by_role("alert")).to_contain_text("Created the goal")
    expect(page.get_by_text("Shared goal", exact=True)).to_be_visible()
    expect(page.locator(".coach-score")).to_have_text("5/5")
    goal = Goal.objects.get()
    assert goal.is_shared
    assert goal.target == 26
