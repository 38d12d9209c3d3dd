"""Live updates told to screen readers through the page's polite live region (#announcer,
static/js/announce.js): what changed, in a sentence, never the whole region again."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.models import Notification
from forums import outcomes
from forums import services as forum_services
from tests.browser.conftest import sign_in
from tests.factories import member
from tests.workshops.helpers import advance_to, make_proposal, make_workshop

pytestmark = pytest.mark.browser

LIVE = 5_000


def announcer(page: Page):
    return page.locator("#announcer")


def test_the_board_tells_what_others_did_and_not_the_whole_board(acme, new_page):
    workshop = make_workshop(acme)
    make_proposal(workshop, acme.claire, title="Increase trial sign-ups by 20%")
    claire = new_page()
    sign_in(claire, "claire")
    claire.goto(f"/w/acme/workshops/{workshop.pk}/")
    leo = new_page()
    sign_in(leo, "leo")
    leo.goto(f"/w/acme/workshops/{workshop.pk}/")
    expect(announcer(claire)).to_contain_text(f"{acme.leo} joined", timeout=LIVE)

    leo.locator("#new-proposal").get_by_label("Title").fill("Ship the referral prompt by November")
    leo.locator("#new-proposal").get_by_label("Product").check()
    leo.locator("#new-proposal").get_by_role("button", name="Add proposal").click()
    expect(announcer(claire)).to_have_text(
        f"New proposal from {acme.leo} (Product): Ship the referral prompt by November.",
        timeout=LIVE,
    )
    # Leo's own proposal is confirmed in his panel, not announced to him again.
    expect(leo.locator("#new-proposal").get_by_role("status")).to_contain_text("Everyone sees")
    expect(announcer(leo)).not_to_contain_text("New proposal")

    advance_to(workshop, "vote")
    expect(announcer(leo)).to_contain_text("The workshop is in the Vote phase", timeout=LIVE)
    leo.get_by_role("button", name="Vote for Increase trial sign-ups by 20%").click()
    expect(announcer(claire)).to_contain_text(
        "Increase trial sign-ups by 20%: 1 vote", timeout=LIVE
    )
    expect(announcer(claire)).not_to_contain_text("Ship the referral prompt")


def test_a_meeting_record_tells_the_new_topic_and_the_decision(acme, meeting, new_page):
    leo = new_page()
    sign_in(leo, "leo")
    leo.goto(f"/w/acme/meetings/{meeting.pk}/")
    expect(leo.locator("#agenda-heading")).to_be_visible()

    claire = member(acme.claire)
    item = forum_services.topic_add(
        membership=claire, meeting=meeting, title="Launch date for the onboarding revamp"
    )
    expect(announcer(leo)).to_have_text(
        "New on the agenda: Launch date for the onboarding revamp.", timeout=LIVE
    )
    forum_services.meeting_start(membership=claire, meeting=meeting)
    expect(announcer(leo)).to_contain_text("Meeting: In progress", timeout=LIVE)
    item.refresh_from_db()
    outcomes.decision_record(
        membership=claire,
        item=item,
        title="Ship the revamp before the campaign",
        rationale="Half the trial sign-ups never finished setup.",
        decided_by=acme.claire,
        departments=[acme.marketing, acme.product],
        review_on=acme.workspace.today() + dt.timedelta(days=30),
    )
    expect(announcer(leo)).to_have_text(
        "Decision recorded on Launch date for the onboarding revamp: "
        "Ship the revamp before the campaign.",
        timeout=LIVE,
    )


def test_the_bell_tells_a_new_notification(acme, page):
    page.clock.install()
    sign_in(page, "leo")
    page.goto("/w/acme/checkins/")
    bell = page.locator("#notification-bell")
    expect(bell.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    Notification.objects.create(
        workspace=acme.workspace, recipient=acme.leo, kind="t", title="Ask for Sales"
    )
    page.clock.run_for(61_000)
    expect(bell.get_by_role("link", name="Notifications, 1 unread")).to_be_attached()
    expect(announcer(page)).to_have_text("1 unread notification.")
