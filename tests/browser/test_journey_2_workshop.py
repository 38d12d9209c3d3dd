"""Journey 2: two executives open a workshop, each drafts goals from their own browser, see
each other's drafts live, fix what the SMART check flags, vote, and commit two shared goals
with child steps for each department."""

import re

import pytest
from playwright.sync_api import Page, expect

from goals.models import Goal
from teams.models import Role
from tests.browser.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.workshops.helpers import quarter

pytestmark = pytest.mark.browser

LIVE = 3_000  # what one person does shows in the other's browser within this, without a reload


def card(page: Page, title: str):
    return page.locator("article.ws-card", has_text=title)


def reached(page: Page, phase: str) -> None:
    """The board shows ``phase`` and the side panel has followed it."""
    expect(page.locator(".ws-stepper [aria-current=step]")).to_contain_text(phase, timeout=LIVE)
    value = phase.lower().replace(" ", "_")
    expect(page.locator("#panel [data-panel-phase]")).to_have_attribute(
        "data-panel-phase", value, timeout=LIVE
    )


def move_to(page: Page, phase: str, *others: Page) -> None:
    page.get_by_role("button", name=f"Move to {phase} →").click()
    for each in (page, *others):
        reached(each, phase)


def draft(page: Page, **fields) -> None:
    panel = page.locator("#new-proposal")
    panel.get_by_label("Title").fill(fields["title"])
    for label in ("Metric", "Baseline", "Target", "Due date"):
        if label.lower().replace(" ", "_") in fields:
            panel.get_by_label(label).fill(fields[label.lower().replace(" ", "_")])
    if "direction" in fields:
        panel.get_by_label("Direction").select_option(fields["direction"])
    for owner in fields.get("owners", []):
        panel.get_by_label(owner).check()
    panel.get_by_role("button", name="Add proposal").click()
    expect(panel.get_by_role("status")).to_contain_text("Everyone sees it now.")


def add_step(page: Page, proposal: str, department: str, title: str) -> None:
    card(page, proposal).get_by_role("link", name=re.compile("^Open")).click()
    expect(page.locator("#focus-title")).to_be_focused()
    steps = page.locator("#panel").get_by_role("region", name="Department steps")
    steps.get_by_label("Department", exact=True).select_option(label=department)
    steps.get_by_label("Step").fill(title)
    steps.get_by_role("button", name="Add step").click()
    expect(steps.locator("li", has_text=title)).to_be_visible()


def test_two_executives_set_shared_goals_live_and_commit_them(acme, new_page):
    acme.workspace.mission = "Grow the same customers together: every plan serves them."
    acme.workspace.save()
    quarter(acme.workspace)
    owen = UserFactory(username="owen", first_name="Owen", last_name="Ops")
    MembershipFactory(
        workspace=acme.workspace, user=owen, role=Role.EXECUTIVE, departments=[acme.operations]
    )

    # Claire (CMO) starts the workshop with Owen (COO) and Leo (product lead).
    claire = new_page()
    sign_in(claire, "claire")
    claire.get_by_role("link", name="Workshops").click()
    expect(claire.get_by_text("No workshops yet.")).to_be_visible()
    claire.get_by_role("link", name="Start a workshop").first.click()
    claire.get_by_label("Title").fill("Q4 shared goals: marketing × operations")
    claire.get_by_label("Period").select_option(label="Q4 2026")
    for name in ("Marketing", "Operations", "Product"):
        claire.get_by_label(name).check()
    claire.get_by_label("Owen Ops").check()
    claire.get_by_label(str(acme.leo)).check()
    claire.get_by_role("button", name="Start the workshop").click()
    expect(
        claire.get_by_role("heading", name="Q4 shared goals: marketing × operations")
    ).to_be_visible(timeout=LIVE)

    owen_page = new_page()
    sign_in(owen_page, "owen")
    owen_page.goto(claire.url)
    expect(owen_page.locator(".ws-stepper [aria-current=step]")).to_contain_text("Draft")
    expect(claire.locator("#presence")).to_contain_text("Owen Ops (here)", timeout=LIVE)

    # Each drafts a proposal in their own browser and sees the other's appear.
    draft(claire, title="Improve brand awareness")
    expect(card(owen_page, "Improve brand awareness")).to_be_visible(timeout=LIVE)
    draft(
        owen_page,
        title="Reduce cost per lead from 120 to 90 EUR through automated routing",
        metric="Cost per lead",
        baseline="120",
        target="90",
        direction="decrease",
        due_date="2026-12-15",
        owners=["Marketing", "Operations"],
    )
    cost = "Reduce cost per lead from 120 to 90 EUR"
    expect(card(claire, cost)).to_be_visible(timeout=LIVE)
    expect(card(claire, cost).get_by_role("img", name="SMART 5 of 5")).to_be_visible()

    # The SMART coach flags Claire's proposal in plain words; she fixes it in the refine phase.
    awareness = card(claire, "Improve brand awareness")
    expect(awareness).to_contain_text("does not say what done looks like")
    expect(awareness).to_contain_text("Set a due date.")
    move_to(claire, "Refine", owen_page)
    awareness.get_by_role("link", name=re.compile("^Open")).click()
    panel = claire.locator("#panel")
    expect(panel.get_by_role("heading", name="Improve brand awareness")).to_be_focused()
    panel.get_by_label("Title").fill(
        "Increase aided brand awareness by 30% through targeted campaigns"
    )
    panel.get_by_label("Metric").fill("Aided brand awareness")
    panel.get_by_label("Baseline").fill("20")
    panel.get_by_label("Target").fill("26")
    panel.get_by_label("Due date").fill("2026-12-15")
    panel.get_by_label("Marketing").check()
    panel.get_by_label("Product").check()
    expect(panel.locator(".ws-coach")).to_contain_text("SMART 5 of 5.")  # coached while typing
    panel.get_by_role("button", name="Save changes").click()
    expect(panel.get_by_role("status")).to_contain_text("Saved.")
    title = "Increase aided brand awareness by 30%"
    expect(card(owen_page, title).get_by_role("img", name="SMART 5 of 5")).to_be_visible(
        timeout=LIVE
    )

    # Owen asks a question; it reaches Claire's open proposal without a reload.
    card(owen_page, title).get_by_role("link", name=re.compile("^Open")).click()
    owen_page.locator("#panel").get_by_label("Comment").fill("Which channels carry the campaign?")
    owen_page.locator("#panel").get_by_role("button", name="Add comment").click()
    expect(panel).to_contain_text("Which channels carry the campaign?", timeout=LIVE)

    # Dot voting: both vote for both proposals.
    move_to(claire, "Vote", owen_page)
    for page in (claire, owen_page):
        for proposal in (title, cost):
            card(page, proposal).get_by_role("button", name=re.compile("^Vote")).click()
            taken = card(page, proposal).get_by_role("button", name=re.compile("^Take back"))
            expect(taken).to_be_visible()
    for page in (claire, owen_page):
        for proposal in (title, cost):
            expect(card(page, proposal).get_by_role("img", name="2 votes")).to_be_visible(
                timeout=LIVE
            )
    expect(claire.locator("#my-votes")).to_contain_text("1 of 3 votes left")

    # Break the winners down into department steps, each from their own browser.
    move_to(claire, "Break down", owen_page)
    add_step(claire, title, "Marketing", "Run the Q4 awareness campaign")
    add_step(claire, title, "Product", "Ship the in-app referral prompt")
    add_step(owen_page, cost, "Operations", "Automate lead routing")
    add_step(owen_page, cost, "Marketing", "Move budget to the cheapest channels")
    expect(card(claire, cost)).to_contain_text("Automate lead routing", timeout=LIVE)

    # The facilitator commits both proposals as shared goals.
    move_to(claire, "Commit", owen_page)
    commit = claire.locator("#commit")
    expect(commit.get_by_label(re.compile("^Increase aided brand awareness"))).to_be_checked()
    expect(commit.get_by_label(re.compile("^Reduce cost per lead"))).to_be_checked()
    commit.get_by_role("button", name="Commit the chosen goals").click()
    expect(claire.get_by_role("heading", name=re.compile("summary$"))).to_be_visible()
    expect(claire.get_by_role("alert")).to_contain_text("Committed 2 shared goals")
    expect(owen_page.get_by_role("link", name="See what became which goal")).to_be_visible(
        timeout=LIVE
    )

    shared = Goal.objects.filter(parent=None).prefetch_related("owner_departments", "children")
    assert {g.title for g in shared} == {
        "Increase aided brand awareness by 30% through targeted campaigns",
        "Reduce cost per lead from 120 to 90 EUR through automated routing",
    }
    for goal in shared:
        assert goal.is_shared
        assert goal.priority is not None
        steps = {(child.title, child.owner_departments.get().name) for child in goal.children.all()}
        assert len(steps) == 2
    assert {
        (c.title, c.owner_departments.get().name)
        for c in Goal.objects.get(metric="Cost per lead").children.all()
    } == {
        ("Automate lead routing", "Operations"),
        ("Move budget to the cheapest channels", "Marketing"),
    }
