"""An executive imports a goal file: she checks it, imports it, and follows the import on its
progress page, whose bar HTMX refreshes every second until the import ends."""

import re

import pytest
from playwright.sync_api import expect

from goals.models import Goal, GoalImport
from goals.services import imports
from tests.browser.conftest import sign_in
from tests.goals.goal_files import goal_file

pytestmark = pytest.mark.browser


def test_executive_checks_imports_and_sees_her_goals(acme, quarter, page):
    sign_in(page, "claire")
    page.wait_for_load_state("networkidle")
    page.goto("/w/acme/goals/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "goals.csv", "mimeType": "text/csv", "buffer": goal_file(3).encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Ready to import 3 goals")).to_be_visible()

    page.get_by_role("button", name="Import 3 goals").click()

    expect(page.locator("#import-summary")).to_have_text("Imported 3 goals.")
    page.get_by_role("link", name="See the goals of Q4 2026").click()
    expect(page).to_have_url(re.compile(rf"/w/acme/goals/\?period={quarter.pk}$"))
    expect(page.get_by_role("link", name="Increase sign-ups by 2%")).to_be_visible()
    assert Goal.objects.count() == 3


def test_the_progress_bar_follows_a_running_import_until_it_ends(acme, page):
    job = GoalImport.objects.create(
        workspace=acme.workspace,
        created_by=acme.claire,
        status=GoalImport.Status.RUNNING,
        total=5000,
    )
    imports._progress_set(job.pk, 1200)
    sign_in(page, "claire")
    page.goto(f"/w/acme/goals/import/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Importing 5,000 goals…")
    expect(bar).to_have_attribute("aria-valuenow", "1200")
    expect(page.locator("#import-count")).to_have_text("1,200 of 5,000 goals")

    imports._progress_set(job.pk, 4000)
    expect(bar).to_have_attribute("aria-valuenow", "4000")
    expect(page.locator("#import-count")).to_have_text("4,000 of 5,000 goals")

    GoalImport.objects.filter(pk=job.pk).update(status=GoalImport.Status.DONE)
    expect(page.locator("#import-summary")).to_have_text("Imported 5,000 goals.")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    polls = []
    page.on("request", lambda request: polls.append(request.url))
    page.wait_for_timeout(2500)
    assert polls == [], "the polling stopped once the import ended"
