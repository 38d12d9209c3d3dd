"""Journey 4: before the monthly forum its agenda already lists the at-risk goal and the open
ask; the facilitator starts the meeting, records minutes, a decision and two action items,
which a second participant sees appear without reloading; the decision is in the log. An open
conflict between two of its departments is on its agenda; decided in the meeting, it is among
the meeting's outcomes and in the decision log, acknowledged by a side's lead, and closed.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from checkins.models import Ask
from conflicts import services as conflict_services
from conflicts.models import Conflict
from forums.models import Decision
from goals.models import Goal
from tests.browser.conftest import sign_in
from tests.factories import GoalFactory, member

pytestmark = pytest.mark.browser


@pytest.fixture
def at_risk(acme) -> Goal:
    return GoalFactory(
        workspace=acme.workspace,
        title="Raise trial sign-ups from 1,000 to 1,300",
        owner_departments=[acme.marketing, acme.product],
        status=Goal.Status.AT_RISK,
    )


@pytest.fixture
def ask(acme, at_risk) -> Ask:
    return Ask.objects.create(
        workspace=acme.workspace,
        goal=at_risk,
        from_department=acme.marketing,
        to_department=acme.product,
        text="Two engineers for the launch page",
        due_on=acme.workspace.today() + dt.timedelta(days=5),
        created_by=acme.claire,
    )


def _record(claire, item: str) -> None:
    claire.get_by_role("link", name=f"Record outcomes of {item}").click()
    expect(claire.get_by_role("heading", name=f"Outcomes of “{item}”")).to_be_visible()


def test_the_facilitator_runs_the_forum_and_a_participant_follows_live(
    acme, meeting, at_risk, ask, new_page
):
    claire = new_page()
    sign_in(claire, "claire")
    claire.goto(f"/w/acme/meetings/{meeting.pk}/")
    agenda = claire.locator("#agenda")
    expect(agenda).to_contain_text(at_risk.title)
    expect(agenda).to_contain_text("Two engineers for the launch page")

    leo = new_page()
    sign_in(leo, "leo")
    leo.goto(f"/w/acme/meetings/{meeting.pk}/")
    leo.get_by_role("textbox", name="Topic").fill("Launch date for the onboarding revamp")
    leo.get_by_role("button", name="Add to the agenda").click()
    expect(leo.locator("#agenda")).to_contain_text("Launch date for the onboarding revamp")
    expect(agenda).to_contain_text("Launch date for the onboarding revamp")

    claire.get_by_role("button", name="Start the meeting").click()
    expect(claire.locator("#meeting-status")).to_have_text("In progress")
    expect(leo.locator("#meeting-status")).to_have_text("In progress")

    _record(claire, at_risk.title)
    claire.get_by_label("What was decided").fill("Ship the onboarding revamp before the campaign")
    claire.get_by_label("Why").fill("Half the trial sign-ups never finished setup.")
    claire.get_by_label("Decided by").select_option(str(acme.claire.pk))
    claire.get_by_role("group", name="Departments affected").get_by_label("Marketing").check()
    claire.get_by_role("group", name="Departments affected").get_by_label("Product").check()
    claire.get_by_role("button", name="Record the decision").click()
    expect(leo.locator("#agenda")).to_contain_text("Ship the onboarding revamp before the campaign")

    for title, owner in [
        ("Brief the engineers", acme.leo),
        ("Move the campaign date", acme.claire),
    ]:
        claire.get_by_label("Action", exact=True).fill(title)
        claire.get_by_label("Owner").select_option(str(owner.pk))
        claire.get_by_label("Due").fill(f"{acme.workspace.today() + dt.timedelta(days=7)}")
        claire.get_by_role("button", name="Add the action").click()
        expect(leo.locator("#agenda")).to_contain_text(title)

    claire.get_by_role("link", name="Back to the meeting").click()
    claire.get_by_label("Minutes (Markdown)").fill("**Agreed:** the revamp ships first.")
    claire.get_by_role("button", name="Save the minutes").click()
    expect(leo.locator("#minutes")).to_contain_text("Agreed: the revamp ships first.")

    claire.get_by_role("button", name="End the meeting").click()
    claire.get_by_role("button", name="Publish the minutes").click()
    expect(claire.locator("#meeting-status")).to_have_text("Minutes published")

    decision = Decision.objects.get()
    claire.goto("/w/acme/decisions/")
    claire.get_by_label("Search").fill("revamp")
    expect(claire.locator("#decision-results")).to_contain_text(decision.title)
    leo.goto("/w/acme/checkins/")
    expect(leo.locator("#my-actions")).to_contain_text("Brief the engineers")


def test_an_open_conflict_is_on_the_agenda_decided_in_the_meeting_logged_and_closed(
    acme, meeting, new_page
):
    conflict = conflict_services.conflict_raise(
        membership=member(acme.claire),
        title="Launch budget: brand campaign or cost control",
        kind=Conflict.Kind.RESOURCES,
        at_stake="Who gets the launch budget.",
        raised_by_department=acme.marketing,
        departments=[acme.product],
        decide_by=acme.workspace.today() + dt.timedelta(days=10),
    )
    claire = new_page()
    sign_in(claire, "claire")
    claire.goto(f"/w/acme/meetings/{meeting.pk}/")
    expect(claire.locator("#agenda")).to_contain_text(conflict.title)
    leo = new_page()
    sign_in(leo, "leo")
    leo.goto(f"/w/acme/meetings/{meeting.pk}/")
    claire.get_by_role("button", name="Start the meeting").click()
    expect(leo.locator("#meeting-status")).to_have_text("In progress")

    # In the meeting, the facilitator opens the conflict from its agenda item and decides it.
    claire.locator("#agenda").get_by_role("link", name=conflict.title, exact=True).click()
    expect(claire.get_by_role("heading", name=conflict.title)).to_be_visible()
    claire.get_by_role("link", name="Decide").click()
    claire.get_by_label("What was decided").fill("Fund the campaign, cap its cost")
    claire.get_by_label("Why", exact=True).fill("Reach matters now; costs stay capped.")
    claire.get_by_label("What Marketing accepts").fill("A capped budget")
    claire.get_by_label("What Product accepts").fill("Features move a sprint")
    claire.get_by_role("button", name="Record the decision").click()
    expect(claire.locator("#conflict-decision")).to_contain_text("Fund the campaign, cap its cost")
    # The meeting's other participants see it among the meeting's outcomes, without reloading.
    expect(leo.locator("#agenda")).to_contain_text("Fund the campaign, cap its cost")
    decision = Decision.objects.get()
    assert decision.meeting == meeting

    # In the one decision log, found by its source, linking back to the conflict.
    claire.goto("/w/acme/decisions/")
    claire.get_by_label("Made in").select_option("conflict")
    results = claire.locator("#decision-results")
    expect(results).to_contain_text(decision.title)
    results.get_by_role("link", name=decision.title).click()
    origin = claire.locator("#decision-origin")
    expect(origin).to_contain_text(f"Conflict: {conflict.title} (resources), decided in CMO forum")
    origin.get_by_role("link", name=f"Conflict: {conflict.title}").click()
    expect(claire.get_by_role("heading", name=conflict.title)).to_be_visible()

    # Product's lead acknowledges what Product accepted; the facilitator then closes it.
    leo.goto(f"/w/acme/conflicts/{conflict.pk}/")
    leo.get_by_role("button", name="Acknowledge for Product").click()
    expect(leo.locator("#main")).to_contain_text("Acknowledged by Leo")
    claire.reload()
    claire.get_by_role("button", name="Close the conflict").click()
    expect(claire.locator("#conflict-steps")).to_contain_text("Closed (now)")
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.CLOSED
