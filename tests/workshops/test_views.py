"""The workshop list, create form, board and live poll: what each person sees and does."""

from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from tests.workshops.helpers import advance_to, make_proposal, make_workshop, poll_url, quarter
from tests.workshops.views_helpers import HTMX, url
from workshops import commit, live
from workshops.models import Workshop

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
    commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[proposal.pk])
    response = as_user(acme.leo).get(url("workshop_state", workshop), **HTMX)
    assert b"every 1s" not in response.content
    assert b"See what became which goal" in response.content


def test_the_poll_refuses_an_uninvited_member_and_an_outsider(workshop, acme, oscar, as_user):
    assert as_user(acme.mia).get(url("workshop_state", workshop), **HTMX).status_code == 403
    assert as_user(oscar).get(url("workshop_state", workshop), **HTMX).status_code == 404
