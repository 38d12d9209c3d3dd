"""Journey 3 (the check-in with an ask) and drafting a workshop proposal, with the keyboard
alone: Tab, Shift+Tab, Enter, Space, arrows and typing, never a click. At every stop the
focused element is the one expected and shows its focus (tests/browser/keyboard.py)."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from checkins.cycles import current_bounds
from checkins.models import Ask, CheckIn
from checkins.tasks import plan_workspace_reminders
from teams.models import Role
from tests.browser.keyboard import focus_visible, press, skip_to_content, tab_to
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.workshops.helpers import make_workshop
from workshops.models import Proposal

pytestmark = pytest.mark.browser


def sign_in_by_keyboard(page: Page, username: str) -> None:
    """On the sign-in page: the username has the focus already, then the password, then Enter."""
    expect(page.get_by_label("Username")).to_be_focused()
    focus_visible(page)
    page.keyboard.type(username)
    press(page, "Tab", page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def test_a_lead_logs_a_check_in_with_an_ask_by_keyboard_alone(acme, goal, page):
    # The reminder, planned the day before the due date, links straight into the form.
    bounds = current_bounds(acme.workspace)
    at = dt.datetime.combine(
        bounds.due_on - dt.timedelta(days=1), dt.time(10), ZoneInfo(acme.workspace.timezone)
    )
    plan_workspace_reminders.delay(acme.workspace.pk, at.isoformat())
    [reminder] = mail.outbox
    site = re.escape(settings.SITE_URL)
    page.goto(re.search(rf"{site}(/w/acme/checkins/link/\S+/)", reminder.body)[1])
    sign_in_by_keyboard(page, "leo")
    expect(page.get_by_role("heading", name=f"Check-in: {goal.title}")).to_be_visible()

    # The value is required for a goal with a target: leaving it empty is refused, and the
    # error summary takes the focus; its link leads back to the field.
    skip_to_content(page)
    value = page.get_by_label("Current Qualified leads (leads)")
    tab_to(page, value)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    tab_to(page, page.get_by_role("button", name="Save check-in"))
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    focus_visible(page)
    problem = summary.get_by_role("link")
    press(page, "Tab", problem)
    page.keyboard.press("Enter")
    expect(value).to_be_focused()
    focus_visible(page)

    page.keyboard.type("118")
    confidence = page.get_by_label("Confidence", exact=True)
    press(page, "Tab", confidence)
    for _ in range(4):  # 8, the default of a goal on track, down to 4
        page.keyboard.press("ArrowLeft")
    expect(page.locator("#confidence-band")).to_have_text("4/10 · At risk")
    press(page, "Tab", page.get_by_label("What moved"))
    page.keyboard.type("Two webinars brought 18 leads.")
    press(page, "Tab", page.get_by_label("Blockers"))
    page.keyboard.type("No customer stories to show.")
    press(page, "Tab", page.get_by_label("Next steps"))
    page.keyboard.type("Partner webinar on the 3rd.")
    department = page.get_by_label("Ask department")
    press(page, "Tab", department)
    page.keyboard.type("Sales")
    expect(department).to_have_value(str(acme.sales.pk))
    press(page, "Tab", page.get_by_label("What is needed"))
    page.keyboard.type("Two customer case studies")
    needed_by = page.get_by_label("Needed by")
    press(page, "Tab", needed_by)
    page.keyboard.type("01152099")
    expect(needed_by).to_have_value("2099-01-15")
    tab_to(page, page.get_by_role("button", name="Add another ask"))  # by the calendar button
    press(page, "Tab", page.get_by_label("Set the goal's status from my confidence"))
    press(page, "Tab", page.get_by_role("button", name="Save check-in"))
    page.keyboard.press("Enter")

    # The result takes the focus, so it is read at once and the next Tab goes on from it.
    saved = page.locator("#checkin")
    expect(saved).to_be_focused()
    expect(saved).to_contain_text("Check-in saved")
    expect(saved).to_contain_text("At risk")
    focus_visible(page)
    checkin = CheckIn.objects.get(goal=goal)
    assert (checkin.value, checkin.confidence) == (Decimal("118"), 4)
    ask = Ask.objects.get()
    assert (ask.to_department, ask.text) == (acme.sales, "Two customer case studies")

    tab_to(page, saved.get_by_role("link", name="Dashboard"))
    page.keyboard.press("Enter")
    product = page.locator(f"#completion-{acme.product.pk} .completion-count")
    expect(product).to_have_text("1 of 1")


def test_a_participant_drafts_a_workshop_proposal_by_keyboard_alone(acme, page):
    acme.workspace.mission = "Grow the same customers together: every plan serves them."
    acme.workspace.save()
    owen = UserFactory(username="owen", first_name="Owen", last_name="Ops")
    MembershipFactory(
        workspace=acme.workspace, user=owen, role=Role.EXECUTIVE, departments=[acme.operations]
    )
    workshop = make_workshop(
        acme, participants=[owen], departments=[acme.marketing, acme.operations]
    )
    page.goto(f"/w/acme/workshops/{workshop.pk}/")
    sign_in_by_keyboard(page, "owen")
    expect(page.get_by_role("heading", name=workshop.title)).to_be_visible()

    skip_to_content(page)
    panel = page.locator("#new-proposal")
    title = panel.get_by_label("Title")
    tab_to(page, title)
    page.keyboard.type("Reduce cost per lead from 120 to 90 EUR through automated routing")
    press(page, "Tab", panel.get_by_label("Why and how"))
    page.keyboard.type("Route leads to the cheapest channel that converts.")
    press(page, "Tab", panel.get_by_label("Metric"))
    page.keyboard.type("Cost per lead")
    press(page, "Tab", panel.get_by_label("Unit"))
    page.keyboard.type("EUR")
    press(page, "Tab", panel.get_by_label("Baseline"))
    page.keyboard.type("120")
    press(page, "Tab", panel.get_by_label("Target"))
    page.keyboard.type("90")
    direction = panel.get_by_label("Direction")
    press(page, "Tab", direction)
    page.keyboard.type("Decrease")
    expect(direction).to_have_value("decrease")
    due = panel.get_by_label("Due date")
    press(page, "Tab", due)
    page.keyboard.type("12152026")
    expect(due).to_have_value("2026-12-15")
    marketing = panel.get_by_label("Marketing")
    tab_to(page, marketing)  # by the calendar button
    page.keyboard.press("Space")
    expect(marketing).to_be_checked()
    operations = panel.get_by_label("Operations")
    press(page, "Tab", operations)
    page.keyboard.press("Space")
    expect(operations).to_be_checked()
    add = panel.get_by_role("button", name="Add proposal")
    press(page, "Tab", add)
    # The SMART coach has checked the draft as it was typed.
    expect(panel.locator(".ws-coach-live")).to_contain_text("SMART 5 of 5")
    page.keyboard.press("Enter")

    # The confirmation takes the focus; the next Tab is the form again, empty for another one.
    added = page.locator("#new-proposal").get_by_role("status")
    expect(added).to_be_focused()
    expect(added).to_contain_text("Everyone sees it now.")
    focus_visible(page)
    press(page, "Tab", page.locator("#new-proposal").get_by_label("Title"))
    expect(page.locator("#new-proposal").get_by_label("Title")).to_have_value("")
    proposal = Proposal.objects.get()
    assert proposal.metric == "Cost per lead"
    assert {d.name for d in proposal.owner_departments.all()} == {"Marketing", "Operations"}

    # Back up the page to the new card and open it: the proposal takes the panel and the focus.
    opener = page.get_by_role("link", name=re.compile("^Open Reduce cost per lead"))
    tab_to(page, opener, key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#focus-title")).to_be_focused()
    expect(page.locator("#focus-title")).to_have_text(proposal.title)
    focus_visible(page)
