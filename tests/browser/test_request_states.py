"""What an HTMX request shows while it runs and when it fails (static/js/requests.js): progress
on its target; a failure (a 5xx, a lost connection) told beside the form or region, with what
the person typed still in it; a failed poll told quietly, and gone once the poll works again."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from checkins.models import CheckIn
from goals.models import Goal
from tests.browser.conftest import sign_in
from tests.workshops.helpers import make_workshop
from workshops.models import Proposal

pytestmark = pytest.mark.browser

CHECKIN_POST = re.compile(r"/w/acme/checkins/goals/\d+/$")


def _posts_only(answer):
    def handle(route: Route) -> None:
        if route.request.method == "POST":
            answer(route)
        else:
            route.fallback()

    return handle


def open_check_in(page: Page, goal: Goal) -> None:
    sign_in(page, "leo")
    page.goto(f"/w/acme/checkins/goals/{goal.pk}/")
    page.get_by_label("Current Qualified leads (leads)").fill("118")
    page.get_by_label("What moved").fill("Two webinars brought 18 leads.")


def test_a_server_error_is_told_beside_the_check_in_and_keeps_what_was_typed(goal, page, new_page):
    new_page.expect_error("status of 500")
    new_page.expect_error("Response Status Error Code 500")
    open_check_in(page, goal)
    page.route(CHECKIN_POST, _posts_only(lambda route: route.fulfill(status=500, body="boom")))
    page.get_by_role("button", name="Save check-in").click()

    form = page.locator("#checkin form")
    message = form.get_by_role("alert")
    expect(message).to_contain_text("Not saved.")
    expect(message).to_contain_text("Something went wrong on our side.")
    expect(message).to_contain_text("What you entered is still here: try again.")
    expect(page.get_by_label("What moved")).to_have_value("Two webinars brought 18 leads.")
    expect(page.get_by_label("Current Qualified leads (leads)")).to_have_value("118")
    expect(page.locator("#checkin")).not_to_have_attribute("aria-busy", "true")
    assert not CheckIn.objects.exists()

    # Trying again once the server answers: the message goes, the check-in is saved.
    page.unroute(CHECKIN_POST)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Check-in saved")
    expect(page.locator("[data-request-error]")).to_have_count(0)
    assert CheckIn.objects.get().moved == "Two webinars brought 18 leads."


def test_a_lost_connection_is_told_beside_the_proposal_and_keeps_the_draft(acme, page, new_page):
    new_page.expect_error("net::ERR_FAILED")
    new_page.expect_error("htmx:sendError")
    new_page.expect_error("htmx:afterRequest")
    workshop = make_workshop(acme)
    proposals = re.compile(rf"/workshops/{workshop.pk}/proposals/$")
    sign_in(page, "claire")
    page.goto(f"/w/acme/workshops/{workshop.pk}/")
    panel = page.locator("#new-proposal")
    panel.get_by_label("Title").fill("Increase aided brand awareness by 30%")
    page.route(proposals, lambda route: route.abort())
    panel.get_by_role("button", name="Add proposal").click()

    message = panel.locator("form").get_by_role("alert")
    expect(message).to_contain_text("Not saved.")
    expect(message).to_contain_text("The server could not be reached: check your connection.")
    expect(panel.get_by_label("Title")).to_have_value("Increase aided brand awareness by 30%")
    assert not Proposal.objects.exists()

    page.unroute(proposals)
    panel.get_by_role("button", name="Add proposal").click()
    expect(page.locator("#new-proposal").get_by_role("status")).to_contain_text(
        "Everyone sees it now."
    )
    expect(page.locator("#new-proposal [data-request-error]")).to_have_count(0)


def test_a_request_in_flight_marks_its_form_busy(goal, page):
    open_check_in(page, goal)
    held: list[Route] = []
    page.route(CHECKIN_POST, _posts_only(held.append))
    save = page.get_by_role("button", name="Save check-in")
    save.click()

    expect(page.locator("#checkin")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#checkin form")).to_have_class(re.compile(r"\bhtmx-request\b"))
    spinner = save.evaluate("el => getComputedStyle(el, '::after').animationName")
    assert spinner == "request-spin"

    held[0].continue_()
    expect(page.get_by_role("status")).to_contain_text("Check-in saved")
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def test_a_failed_poll_is_told_quietly_and_goes_when_the_poll_works_again(acme, page, new_page):
    new_page.expect_error("status of 503")
    new_page.expect_error("Response Status Error Code 503")
    workshop = make_workshop(acme)
    poll = re.compile(rf"/workshops/{workshop.pk}/state/")
    sign_in(page, "claire")
    page.goto(f"/w/acme/workshops/{workshop.pk}/")
    page.route(poll, lambda route: route.fulfill(status=503, body="down"))

    notice = page.locator("#board [data-request-error]")
    expect(notice).to_have_attribute("role", "status")
    expect(notice).to_contain_text("Not up to date. The service is briefly unavailable.")
    expect(notice).to_contain_text("It tries again by itself.")
    expect(notice).to_have_count(1)  # one notice, however many polls fail

    page.unroute(poll)
    expect(notice).to_have_count(0)


def test_a_dashboard_panel_that_cannot_load_says_so_in_its_place(acme, page, new_page):
    new_page.expect_error("status of 500")
    new_page.expect_error("Response Status Error Code 500")
    sign_in(page, "claire")
    page.route(re.compile(r"/kpis/panel/"), lambda route: route.fulfill(status=500, body="x"))
    page.goto("/w/acme/")
    message = page.locator("#kpi-panel").get_by_role("alert")
    expect(message).to_have_text(
        "Could not load this. Something went wrong on our side. Reload the page to try again."
    )
    expect(page.locator("#checkin-panel")).to_contain_text("Check-ins")
