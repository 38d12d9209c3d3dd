"""Journey 3: a team lead gets the bi-weekly reminder, follows its link, logs a check-in with
an ask for another department in under a minute, and the goal's status, progress and the
dashboard update."""

import datetime as dt
import re
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from checkins.cycles import current_bounds
from checkins.models import Ask, CheckIn
from checkins.tasks import plan_workspace_reminders
from teams.models import Membership, Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def sam(acme):
    sam = UserFactory(username="sam", first_name="Sam", email="sam@acme.test")
    membership = Membership.objects.create(workspace=acme.workspace, user=sam, role=Role.LEAD)
    membership.departments.set([acme.sales])
    acme.sales.lead = sam
    acme.sales.save()
    return sam


def test_lead_follows_the_reminder_and_logs_a_check_in_with_an_ask(acme, goal, sam, page):
    # Beat plans the day before the due date, at 10:00 in the workspace's time zone.
    bounds = current_bounds(acme.workspace)
    at = dt.datetime.combine(
        bounds.due_on - dt.timedelta(days=1), dt.time(10), ZoneInfo(acme.workspace.timezone)
    )
    plan_workspace_reminders.delay(acme.workspace.pk, at.isoformat())
    [reminder] = mail.outbox
    assert reminder.to == ["leo@acme.test"]
    assert reminder.subject.startswith("Check-in due ")
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/w/acme/checkins/link/\S+/)", reminder.body)[
        1
    ]

    page.goto(link)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("leo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name=f"Check-in: {goal.title}")).to_be_visible()
    started = time.monotonic()
    value = page.get_by_label("Current Qualified leads (leads)")
    expect(value).to_have_value("100")
    value.fill("118")
    page.get_by_label("Confidence", exact=True).fill("4")
    expect(page.locator("#confidence-band")).to_have_text("4/10 · At risk")
    page.get_by_label("What moved").fill("Two webinars brought 18 leads.")
    page.get_by_label("Blockers").fill("No customer stories to show.")
    page.get_by_label("Next steps").fill("Partner webinar on the 3rd.")
    page.get_by_label("Ask department").select_option(label="Sales")
    page.get_by_label("What is needed").fill("Two customer case studies")
    page.get_by_label("Needed by").fill("2099-01-15")
    page.get_by_role("button", name="Save check-in").click()

    saved = page.get_by_role("status")
    expect(saved).to_contain_text("Check-in saved")
    expect(saved).to_contain_text("At risk")
    expect(saved.locator(".checkin-progress")).to_have_text("60%")
    assert time.monotonic() - started < 60

    checkin = CheckIn.objects.get(goal=goal)
    assert (checkin.value, checkin.confidence, checkin.author.username) == (
        Decimal("118"),
        4,
        "leo",
    )
    ask = Ask.objects.get()
    assert (ask.from_department, ask.to_department, ask.status) == (
        acme.product,
        acme.sales,
        "open",
    )
    assert mail.outbox[-1].to == ["sam@acme.test"]

    saved.get_by_role("link", name="Dashboard").click()
    product = page.locator(f"#completion-{acme.product.pk}")
    expect(product.locator(".completion-count")).to_have_text("1 of 1")


def test_the_dashboard_panel_refreshes_when_a_check_in_is_saved(acme, goal, page):
    from tests.browser.conftest import sign_in

    sign_in(page, "leo")
    page.goto("/w/acme/")
    product = page.locator(f"#completion-{acme.product.pk} .completion-count")
    expect(product).to_have_text("0 of 1")
    page.goto(f"/w/acme/checkins/goals/{goal.pk}/")
    page.get_by_label("Current Qualified leads (leads)").fill("121")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("On track")
    page.get_by_role("link", name="Dashboard").click()
    expect(product).to_have_text("1 of 1")
