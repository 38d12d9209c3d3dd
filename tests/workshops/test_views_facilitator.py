"""The facilitator's workshop controls, the commit and its summary, and garbled input."""

import datetime as dt

from django.urls import reverse

from goals.models import Goal
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from tests.workshops.views_helpers import HTMX, _proposal_data, purl, triggers, url
from workshops import commit, services
from workshops.models import Proposal

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
    commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[kept.pk])
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
    commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[proposal.pk])
    response = as_user(acme.claire).post(url("workshop_lock", workshop), {"locked": "true"}, **HTMX)
    assert response.status_code == 400
    assert b"already committed" in response.content
    workshop.refresh_from_db()
    assert workshop.locked is False
