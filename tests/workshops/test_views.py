"""The workshop pages and HTMX partials: what each person sees, does, and is refused."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from goals.models import Goal
from tests.workshops.helpers import advance_to, make_proposal, make_workshop, poll_url, quarter
from workshops import live, services
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, workshop: Workshop, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workshop.workspace.slug, "pk": workshop.pk, **kwargs})


def purl(name: str, proposal: Proposal) -> str:
    return url(name, proposal.workshop, proposal_pk=proposal.pk)


def triggers(response) -> set[str]:
    header = response.headers.get("HX-Trigger", "")
    return set(json.loads(header)) if header.startswith("{") else {header}


# --- List and create --------------------------------------------------------------------------


def test_empty_list_invites_an_executive_to_start_a_workshop(acme, as_user):
    response = as_user(acme.claire).get(reverse("workshop_list", kwargs={"ws": "acme"}))
    assert response.status_code == 200
    assert b"No workshops yet." in response.content
    assert b"Start a workshop" in response.content


def test_members_see_only_the_workshops_they_were_invited_to(acme, as_user):
    make_workshop(acme, title="Invited", participants=[acme.leo, acme.mia])
    make_workshop(acme, title="Not invited", participants=[acme.leo])
    response = as_user(acme.mia).get(reverse("workshop_list", kwargs={"ws": "acme"}))
    assert b"Invited" in response.content
    assert b"Not invited" not in response.content
    assert b"Start a workshop" not in response.content


def test_the_list_is_paginated(acme, as_user):
    for number in range(22):
        make_workshop(acme, title=f"Workshop {number:02d}")
    client = as_user(acme.leo)
    first = client.get(reverse("workshop_list", kwargs={"ws": "acme"}))
    assert b"Page 1 of 2" in first.content
    second = client.get(reverse("workshop_list", kwargs={"ws": "acme"}), {"page": 2})
    assert second.content.count(b"Workshop 0") == 2


def test_executive_creates_a_workshop_and_lands_on_its_board(acme, as_user):
    period = quarter(acme.workspace)
    response = as_user(acme.claire).post(
        reverse("workshop_create", kwargs={"ws": "acme"}),
        {
            "title": "Q4 shared goals",
            "period": period.pk,
            "departments": [acme.marketing.pk, acme.product.pk],
            "participants": [acme.leo.pk],
            "votes_per_person": 4,
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("workshop_board", workshop)
    assert workshop.votes_per_person == 4
    assert workshop.participants.count() == 2


def test_workshop_without_a_title_or_people_is_refused(acme, as_user):
    quarter(acme.workspace)
    response = as_user(acme.claire).post(
        reverse("workshop_create", kwargs={"ws": "acme"}),
        {"title": "", "departments": [acme.marketing.pk], "votes_per_person": 3},
    )
    assert response.status_code == 400
    assert b"Give the workshop a title." in response.content
    assert b"Choose the period the goals are for." in response.content
    assert b"Invite at least one other person." in response.content
    assert not Workshop.objects.exists()


def test_one_department_is_not_a_joint_workshop(acme, as_user):
    response = as_user(acme.claire).post(
        reverse("workshop_create", kwargs={"ws": "acme"}),
        {
            "title": "Q4",
            "period": quarter(acme.workspace).pk,
            "departments": [acme.marketing.pk],
            "participants": [acme.leo.pk],
            "votes_per_person": 3,
        },
    )
    assert response.status_code == 400
    assert b"at least two departments" in response.content
    assert not Workshop.objects.exists()


def test_guests_are_not_offered_as_participants(acme, as_user):
    response = as_user(acme.claire).get(reverse("workshop_create", kwargs={"ws": "acme"}))
    assert b"Leo" in response.content
    assert b"Gus" not in response.content
    assert b"No planning period exists yet" in response.content


# --- The board and the poll -------------------------------------------------------------------


def test_a_participant_sees_the_board_with_the_smart_coach(workshop, acme, as_user):
    make_proposal(workshop, acme.leo, title="Improve our brand awareness", due_date=None)
    response = as_user(acme.claire).get(url("workshop_board", workshop))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Improve our brand awareness" in content
    assert "does not say what done looks like" in content
    assert "Time-bound:</strong> Set a due date." in content
    assert 'hx-trigger="every 1s"' in content
    assert 'hx-trigger="workshop-changed from:body"' in content


def test_a_member_who_was_not_invited_gets_403(workshop, acme, as_user):
    response = as_user(acme.mia).get(url("workshop_board", workshop))
    assert response.status_code == 403
    assert b"Only the people invited to this workshop take part in it." in response.content


def test_the_poll_answers_204_when_nothing_changed(workshop, acme, as_user):
    client = as_user(acme.leo)
    board = client.get(url("workshop_state", workshop), **HTMX)
    assert board.status_code == 200
    assert client.get(poll_url(board), **HTMX).status_code == 204


def test_the_poll_brings_another_participants_proposal(workshop, acme, as_user):
    client = as_user(acme.leo)
    board = client.get(url("workshop_state", workshop), **HTMX)
    make_proposal(workshop, acme.claire, title="Launch the partner portal by December")
    response = client.get(poll_url(board), **HTMX)
    assert response.status_code == 200
    assert b"Launch the partner portal by December" in response.content
    workshop.refresh_from_db()
    assert response["X-Workshop-Version"] == str(workshop.version)
    assert client.get(poll_url(response), **HTMX).status_code == 204


def test_the_poll_an_action_triggers_skips_this_process_memo(workshop, acme, as_user, monkeypatch):
    monkeypatch.setattr(live, "LOCAL_SECONDS", 60)
    client = as_user(acme.leo)
    board = client.get(url("workshop_state", workshop), **HTMX)
    assert client.get(poll_url(board), **HTMX).status_code == 204
    # A change made by another server process: this one's memo does not know it yet.
    Workshop.objects.filter(pk=workshop.pk).update(version=F("version") + 1)
    cache.clear()
    assert client.get(poll_url(board), **HTMX).status_code == 204
    refreshed = client.get(poll_url(board) + "&fresh=1", **HTMX)
    assert refreshed.status_code == 200


def test_a_poll_token_works_only_with_its_own_session(workshop, acme, as_user, client):
    board = as_user(acme.leo).get(url("workshop_state", workshop), **HTMX)
    link = poll_url(board)
    client.logout()
    client.force_login(acme.leo)  # another session of the same person
    assert client.get(link, **HTMX).status_code == 200, "a new board, with its own token"
    client.logout()
    signed_out = client.get(link, **HTMX)
    assert (signed_out.status_code, signed_out["HX-Refresh"]) == (204, "true"), "to sign in"
    assert client.get(link).status_code == 302


def test_an_expired_poll_token_brings_a_fresh_board(workshop, acme, as_user, monkeypatch):
    client = as_user(acme.leo)
    board = client.get(url("workshop_state", workshop), **HTMX)
    monkeypatch.setattr(live, "TOKEN_SECONDS", -1)
    again = client.get(poll_url(board), **HTMX)
    assert again.status_code == 200
    assert "&t=" in poll_url(again)


def test_the_poll_shows_who_is_here(workshop, acme, as_user):
    as_user(acme.leo).get(url("workshop_state", workshop), **HTMX)
    response = as_user(acme.claire).get(url("workshop_state", workshop), **HTMX)
    content = response.content.decode()
    assert "Leo Smith (here)" in content or f"{acme.leo} (here)" in content
    assert "2 of 2 here" in content


def test_the_poll_stops_once_the_workshop_is_committed(workshop, proposal, acme, as_user):
    advance_to(workshop, "commit")
    services.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[proposal.pk])
    response = as_user(acme.leo).get(url("workshop_state", workshop), **HTMX)
    assert b"every 1s" not in response.content
    assert b"See what became which goal" in response.content


def test_the_poll_refuses_an_uninvited_member_and_an_outsider(workshop, acme, oscar, as_user):
    assert as_user(acme.mia).get(url("workshop_state", workshop), **HTMX).status_code == 403
    assert as_user(oscar).get(url("workshop_state", workshop), **HTMX).status_code == 404


# --- Proposals --------------------------------------------------------------------------------


def _proposal_data(workshop, **changes) -> dict:
    data = {
        "title": "Increase trial sign-ups by 20% through targeted campaigns",
        "metric": "Trial sign-ups",
        "baseline": "1000",
        "target": "1200",
        "direction": "increase",
        "due_date": "2026-12-15",
        "owner_departments": [d.pk for d in workshop.departments.all()],
    }
    data.update(changes)
    return data


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


# --- Facilitator controls ---------------------------------------------------------------------


def test_facilitator_moves_the_phase_and_locks_it(workshop, proposal, acme, as_user):
    client = as_user(acme.claire)
    assert client.post(url("workshop_advance", workshop), **HTMX).status_code == 204
    locked = client.post(url("workshop_lock", workshop), {"locked": "true"}, **HTMX)
    assert locked.status_code == 204
    workshop.refresh_from_db()
    assert (workshop.phase, workshop.locked) == ("refine", True)
    locked_out = as_user(acme.leo).post(
        purl("proposal_edit", proposal), _proposal_data(workshop, version=1), **HTMX
    )
    assert locked_out.status_code == 400
    assert b"The facilitator has locked the refine phase" in locked_out.content


def test_a_participant_cannot_use_the_facilitator_controls(workshop, proposal, acme, as_user):
    client = as_user(acme.leo)
    other = make_proposal(workshop, acme.claire, title="Launch the referral programme in Q4")
    for response in [
        client.post(url("workshop_advance", workshop), **HTMX),
        client.post(url("workshop_lock", workshop), {"locked": "true"}, **HTMX),
        client.post(url("workshop_votes", workshop), {"votes_per_person": "9"}, **HTMX),
        client.post(purl("proposal_remove", proposal), **HTMX),
        client.post(purl("proposal_merge", proposal), {"into": other.pk}, **HTMX),
    ]:
        assert response.status_code == 403
    workshop.refresh_from_db()
    assert (workshop.phase, workshop.locked, workshop.votes_per_person) == ("draft", False, 3)
    assert Proposal.objects.filter(status="active").count() == 2


def test_advancing_an_empty_draft_is_refused_with_a_message(workshop, acme, as_user):
    response = as_user(acme.claire).post(url("workshop_advance", workshop))
    assert response.status_code == 400
    assert b"Add at least one proposal before moving on." in response.content


def test_votes_per_person_are_set_and_refused_below_what_was_used(acme, as_user):
    workshop = make_workshop(acme, votes_per_person=3)
    proposals = [
        make_proposal(workshop, acme.leo, title=f"Increase leads by {n}% in Q4") for n in (5, 9)
    ]
    advance_to(workshop, "vote")
    for proposal in proposals:
        services.vote_cast(proposal=proposal, voter=acme.leo)
    client = as_user(acme.claire)
    low = client.post(url("workshop_votes", workshop), {"votes_per_person": "1"}, **HTMX)
    assert low.status_code == 400
    assert b"Someone has already used 2 votes" in low.content
    ok = client.post(url("workshop_votes", workshop), {"votes_per_person": "2"}, **HTMX)
    assert ok.status_code == 200
    workshop.refresh_from_db()
    assert workshop.votes_per_person == 2
    garbled = client.post(url("workshop_votes", workshop), {"votes_per_person": "lots"})
    assert garbled.status_code == 400


def test_facilitator_merges_and_removes_proposals(workshop, proposal, acme, as_user):
    duplicate = make_proposal(workshop, acme.claire, title="Grow trial sign-ups by 20%")
    client = as_user(acme.claire)
    bad = client.post(purl("proposal_merge", duplicate), {"into": duplicate.pk}, **HTMX)
    assert bad.status_code == 400
    merged = client.post(purl("proposal_merge", duplicate), {"into": proposal.pk}, **HTMX)
    assert merged.status_code == 200
    assert "workshop-changed" in triggers(merged)
    removed = client.post(purl("proposal_remove", proposal), **HTMX)
    assert removed.status_code == 200
    assert b"Removed by the facilitator" in removed.content
    again = client.post(purl("proposal_remove", proposal), **HTMX)
    assert again.status_code == 400
    statuses = dict(Proposal.objects.values_list("title", "status"))
    assert statuses == {proposal.title: "removed", duplicate.title: "merged"}


# --- Commit and summary -----------------------------------------------------------------------


def _with_two_winners(workshop, acme):
    first = make_proposal(workshop, acme.leo)
    second = make_proposal(
        workshop, acme.claire, title="Reduce time-to-market from 12 to 8 weeks by December"
    )
    advance_to(workshop, "break_down")
    services.step_create(proposal=first, actor=acme.leo, department=acme.product, title="Ship")
    advance_to(workshop, "commit")
    return first, second


def test_the_facilitator_commits_and_is_sent_to_the_summary(workshop, acme, as_user):
    first, second = _with_two_winners(workshop, acme)
    client = as_user(acme.claire)
    board = client.get(url("workshop_board", workshop)).content.decode()
    assert "Commit the chosen goals" in board
    assert f'value="{first.pk}" id="commit-{first.pk}" checked' in board, "broken down: chosen"
    response = client.post(
        url("workshop_commit", workshop), {"proposals": [first.pk, second.pk]}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("workshop_summary", workshop)
    assert Goal.objects.filter(parent=None).count() == 2
    assert Goal.objects.exclude(parent=None).count() == 1


def test_a_second_commit_is_refused_with_a_clear_message(workshop, acme, as_user):
    first, second = _with_two_winners(workshop, acme)
    client = as_user(acme.claire)
    client.post(url("workshop_commit", workshop), {"proposals": [first.pk]})
    goals = Goal.objects.count()
    response = client.post(url("workshop_commit", workshop), {"proposals": [second.pk]}, **HTMX)
    assert response.status_code == 400
    assert b"This workshop was already committed" in response.content
    assert Goal.objects.count() == goals


def test_a_commit_without_a_choice_is_refused(workshop, acme, as_user):
    _with_two_winners(workshop, acme)
    response = as_user(acme.claire).post(url("workshop_commit", workshop), {})
    assert response.status_code == 400
    assert b"Choose at least one proposal to commit." in response.content
    assert not Goal.objects.exists()


def test_the_summary_shows_who_proposed_what_and_what_became_of_it(workshop, acme, as_user):
    kept, dropped = _with_two_winners(workshop, acme)
    workshop.refresh_from_db()
    extra = Proposal.objects.create(
        workshop=workshop, author=acme.leo, title="Duplicate", status="merged", merged_into=kept
    )
    services.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[kept.pk])
    response = as_user(acme.leo).get(url("workshop_summary", workshop))
    content = response.content.decode()
    goal = Goal.objects.get(parent=None)
    assert f"Goal #{goal.priority}" in content
    assert "Merged</span> into “Increase trial sign-ups" in content
    assert "Not chosen" in content
    assert extra.title in content
    assert dropped.title in content
    assert "committed on" in content


def test_the_summary_is_for_participants_only(workshop, acme, as_user):
    assert as_user(acme.mia).get(url("workshop_summary", workshop)).status_code == 403


def test_proposals_of_another_workshop_are_not_found(workshop, proposal, acme, as_user):
    other = make_workshop(acme, title="Other")
    response = as_user(acme.claire).get(
        reverse(
            "proposal_detail", kwargs={"ws": "acme", "pk": other.pk, "proposal_pk": proposal.pk}
        )
    )
    assert response.status_code == 404


def test_due_dates_and_numbers_show_as_people_typed_them(proposal, acme, as_user):
    proposal.due_date = dt.date(2026, 12, 15)
    response = as_user(acme.claire).get(purl("proposal_detail", proposal), **HTMX)
    assert b'name="baseline" value="1000"' in response.content


# --- Garbled input on the remaining routes ----------------------------------------------------


def test_garbled_page_numbers_and_poll_parameters_are_harmless(workshop, acme, as_user):
    client = as_user(acme.leo)
    listed = client.get(reverse("workshop_list", kwargs={"ws": "acme"}), {"page": "lots"})
    assert listed.status_code == 200
    garbled = client.get(url("workshop_state", workshop), {"v": "x", "p": "<b>", "t": "forged"})
    assert garbled.status_code == 200, "no token: the checked path and a fresh board"
    proposal = make_proposal(workshop, acme.leo)
    section = client.get(purl("proposal_detail", proposal), {"section": "nonsense"}, **HTMX)
    assert section.status_code == 200
    missing = reverse("workshop_board", kwargs={"ws": "acme", "pk": workshop.pk + 999})
    assert client.get(missing).status_code == 404


def test_nothing_can_be_locked_once_committed(workshop, proposal, acme, as_user):
    advance_to(workshop, "commit")
    services.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[proposal.pk])
    response = as_user(acme.claire).post(url("workshop_lock", workshop), {"locked": "true"}, **HTMX)
    assert response.status_code == 400
    assert b"already committed" in response.content
    workshop.refresh_from_db()
    assert workshop.locked is False
