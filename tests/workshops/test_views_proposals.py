"""The workshop proposal pages and partials: drafting, SMART coach, edits, votes, steps."""

import pytest

from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from tests.workshops.views_helpers import HTMX, _proposal_data, purl, triggers, url
from workshops import services
from workshops.models import Proposal, ProposalComment, Step, Vote

# --- Proposals --------------------------------------------------------------------------------


def test_drafting_a_proposal_answers_a_fresh_form_and_refreshes_the_board(workshop, acme, as_user):
    response = as_user(acme.leo).post(
        url("proposal_create", workshop), _proposal_data(workshop), **HTMX
    )
    assert response.status_code == 200
    assert "workshop-changed" in triggers(response)
    assert b"Everyone sees it now." in response.content
    proposal = Proposal.objects.get()
    assert proposal.author == acme.leo
    assert proposal.owner_departments.count() == 2


def test_drafting_without_javascript_redirects_to_the_board(workshop, acme, as_user):
    response = as_user(acme.leo).post(url("proposal_create", workshop), _proposal_data(workshop))
    assert response.status_code == 302
    assert response["Location"] == url("workshop_board", workshop)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_proposal_without_a_title_is_refused(workshop, acme, as_user, htmx):
    response = as_user(acme.leo).post(
        url("proposal_create", workshop),
        _proposal_data(workshop, title=""),
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    assert b"Give the proposal a title: what will change?" in response.content
    assert not Proposal.objects.exists()


def test_a_proposal_after_the_draft_phase_is_refused(workshop, proposal, acme, as_user):
    advance_to(workshop, "refine")
    response = as_user(acme.leo).post(
        url("proposal_create", workshop), _proposal_data(workshop), **HTMX
    )
    assert response.status_code == 400
    assert "only in the draft phase" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_an_uninvited_member_cannot_propose(workshop, acme, as_user):
    response = as_user(acme.mia).post(
        url("proposal_create", workshop), _proposal_data(workshop), **HTMX
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_the_smart_coach_checks_a_draft_as_it_is_typed(workshop, acme, as_user):
    response = as_user(acme.leo).post(
        url("proposal_smart", workshop),
        {"title": "Improve our brand awareness", "direction": "increase"},
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "SMART 0 of 5." in content
    assert "“Improve” does not say what done looks like" in content
    assert "Give the baseline" in content
    good = as_user(acme.leo).post(url("proposal_smart", workshop), _proposal_data(workshop), **HTMX)
    assert "SMART 5 of 5." in good.content.decode()
    assert not Proposal.objects.exists()


def test_the_smart_coach_survives_garbled_numbers(workshop, acme, as_user):
    response = as_user(acme.leo).post(
        url("proposal_smart", workshop), {"title": "x", "baseline": "lots"}, **HTMX
    )
    assert response.status_code == 200


def test_opening_a_proposal_shows_its_coach_edit_form_and_lazy_lists(proposal, acme, as_user):
    response = as_user(acme.claire).get(purl("proposal_detail", proposal), **HTMX)
    content = response.content.decode()
    assert "SMART 5 of 5." in content
    assert "Save changes" in content
    assert 'hx-trigger="load"' in content
    assert "Merge duplicate" not in content, "no other proposal to merge into"
    assert "Remove this proposal" in content


def test_the_proposal_page_works_without_javascript(proposal, acme, as_user):
    services.comment_create(proposal=proposal, actor=acme.claire, body="Which campaigns?")
    response = as_user(acme.leo).get(purl("proposal_detail", proposal))
    assert response.status_code == 200
    assert b"Which campaigns?" in response.content
    assert b"Remove this proposal" not in response.content, "only for the facilitator"


def test_editing_a_proposal_saves_and_refreshes_the_board(proposal, acme, as_user):
    response = as_user(acme.claire).post(
        purl("proposal_edit", proposal),
        _proposal_data(proposal.workshop, title="Increase trial sign-ups by 30%", version=1),
        **HTMX,
    )
    assert response.status_code == 200
    assert "workshop-changed" in triggers(response)
    proposal.refresh_from_db()
    assert proposal.title == "Increase trial sign-ups by 30%"
    assert proposal.version == 2


def test_a_stale_edit_shows_the_other_persons_text_and_keeps_mine(proposal, acme, as_user):
    services.proposal_update(
        proposal=proposal,
        actor=acme.claire,
        version=1,
        title="Claire's sharper title: increase sign-ups by 25%",
        owner_departments=[acme.marketing],
    )
    response = as_user(acme.leo).post(
        purl("proposal_edit", proposal),
        _proposal_data(proposal.workshop, title="Leo's title", version=1),
        **HTMX,
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else saved this proposal while you were editing it." in content
    assert "Claire&#x27;s sharper title: increase sign-ups by 25%" in content
    assert 'value="Leo&#x27;s title"' in content
    assert 'name="version" value="2"' in content
    proposal.refresh_from_db()
    assert proposal.title == "Claire's sharper title: increase sign-ups by 25%"


def test_an_edit_without_a_title_is_refused(proposal, acme, as_user):
    response = as_user(acme.leo).post(
        purl("proposal_edit", proposal), _proposal_data(proposal.workshop, title="", version=1)
    )
    assert response.status_code == 400
    assert b"Give the proposal a title" in response.content
    proposal.refresh_from_db()
    assert proposal.version == 1


def test_comments_are_added_and_an_empty_one_is_refused(proposal, acme, as_user):
    client = as_user(acme.leo)
    empty = client.post(purl("comment_create", proposal), {"body": " "}, **HTMX)
    assert empty.status_code == 400
    assert b"Write a comment first." in empty.content
    response = client.post(purl("comment_create", proposal), {"body": "Which channels?"}, **HTMX)
    assert response.status_code == 200
    assert b"Which channels?" in response.content
    assert ProposalComment.objects.count() == 1
    listed = client.get(purl("proposal_detail", proposal), {"section": "comments"}, **HTMX)
    assert b"Which channels?" in listed.content


# --- Votes ------------------------------------------------------------------------------------


def test_voting_answers_204_and_the_board_shows_the_dot(workshop, proposal, acme, as_user):
    advance_to(workshop, "vote")
    client = as_user(acme.leo)
    response = client.post(purl("vote_cast", proposal), **HTMX)
    assert response.status_code == 204
    assert "workshop-changed" in triggers(response)
    board = client.get(url("workshop_state", workshop), **HTMX).content.decode()
    assert 'aria-label="1 vote"' in board
    assert "2 of 3 votes left" in board
    assert "Take back vote" in board


def test_a_vote_after_the_vote_phase_is_refused(workshop, proposal, acme, as_user):
    advance_to(workshop, "break_down")
    response = as_user(acme.leo).post(purl("vote_cast", proposal), **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#workshop-alerts"
    assert "Votes can be cast only in the vote phase" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_vote_beyond_the_allowance_is_refused_on_the_page(acme, as_user):
    workshop = make_workshop(acme, votes_per_person=1)
    first = make_proposal(workshop, acme.leo)
    second = make_proposal(workshop, acme.leo, title="Launch the referral programme in Q4")
    advance_to(workshop, "vote")
    client = as_user(acme.leo)
    client.post(purl("vote_cast", first), **HTMX)
    response = client.post(purl("vote_cast", second))
    assert response.status_code == 400
    assert b"You have used all 1 votes" in response.content
    assert Vote.objects.count() == 1


def test_a_vote_is_taken_back(workshop, proposal, acme, as_user):
    advance_to(workshop, "vote")
    services.vote_cast(proposal=proposal, voter=acme.leo)
    response = as_user(acme.leo).post(purl("vote_withdraw", proposal))
    assert response.status_code == 302
    assert not Vote.objects.exists()
    again = as_user(acme.leo).post(purl("vote_withdraw", proposal), **HTMX)
    assert again.status_code == 400
    assert b"You have not voted for this proposal." in again.content


# --- Steps ------------------------------------------------------------------------------------


def test_steps_are_added_and_removed_in_the_break_down_phase(workshop, proposal, acme, as_user):
    advance_to(workshop, "break_down")
    client = as_user(acme.leo)
    bad = client.post(purl("step_create", proposal), {"department": acme.product.pk}, **HTMX)
    assert bad.status_code == 400
    assert b"Say what the department will do." in bad.content
    foreign = client.post(
        purl("step_create", proposal), {"department": acme.sales.pk, "title": "Sell"}, **HTMX
    )
    assert foreign.status_code == 400
    assert not Step.objects.exists()
    response = client.post(
        purl("step_create", proposal),
        {"department": acme.product.pk, "title": "Ship the in-app trial prompt"},
        **HTMX,
    )
    assert response.status_code == 200
    assert b"Ship the in-app trial prompt" in response.content
    step = Step.objects.get()
    removed = client.post(url("step_delete", workshop, step_pk=step.pk), **HTMX)
    assert removed.status_code == 200
    assert not Step.objects.exists()


def test_a_step_outside_the_break_down_phase_is_refused(workshop, proposal, acme, as_user):
    response = as_user(acme.leo).post(
        purl("step_create", proposal), {"department": acme.product.pk, "title": "Ship"}, **HTMX
    )
    assert response.status_code == 400
    assert b"only in the break down phase" in response.content
    assert not Step.objects.exists()


def test_a_step_cannot_be_removed_after_the_break_down_phase(workshop, proposal, acme, as_user):
    advance_to(workshop, "break_down")
    step = services.step_create(
        proposal=proposal, actor=acme.leo, department=acme.product, title="Ship"
    )
    advance_to(workshop, "commit")
    response = as_user(acme.leo).post(url("step_delete", workshop, step_pk=step.pk), **HTMX)
    assert response.status_code == 400
    assert Step.objects.exists()
