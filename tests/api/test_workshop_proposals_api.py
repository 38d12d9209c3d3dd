"""A workshop's proposal endpoints: proposals, votes, merges, comments, steps, bad input."""

import pytest

from tests.api.workshops_helpers import BASE, _errors, _proposal_url, _refusal, _url
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from workshops import services
from workshops.models import Proposal, Step, Vote

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_live_cache")]


# --- Proposals --------------------------------------------------------------------------------


def test_proposals_are_ranked_by_votes_with_the_callers_vote_and_smart_check(acme, workshop, mia):
    first = make_proposal(workshop, acme.leo, title="Increase trial sign-ups by 20% in Q4")
    second = make_proposal(workshop, acme.leo, title="Grow qualified leads", metric="")
    advance_to(workshop, "vote")
    services.vote_cast(proposal=second, voter=acme.mia)
    services.vote_cast(proposal=second, voter=acme.claire)
    services.vote_cast(proposal=first, voter=acme.claire)

    body = mia.get(_url(workshop, "proposals/")).json()

    assert [(p["id"], p["vote_count"], p["my_vote"]) for p in body["results"]] == [
        (second.pk, 2, True),
        (first.pk, 1, False),
    ]
    top = body["results"][1]
    assert top["owner_departments"] == sorted(d.pk for d in workshop.departments.all())
    assert top["baseline"] == "1000.0000"
    assert top["smart"]["measurable"] is True
    assert body["results"][0]["smart"]["measurable"] is False
    assert body["results"][0]["smart"]["hints"]


def test_proposals_filter_by_status(acme, workshop, claire):
    kept = make_proposal(workshop, acme.leo, title="Kept")
    removed = make_proposal(workshop, acme.leo, title="Removed")
    services.proposal_remove(proposal=removed, actor=acme.claire)
    url = _url(workshop, "proposals/")
    assert [p["id"] for p in claire.get(url + "?status=active").json()["results"]] == [kept.pk]
    assert [p["id"] for p in claire.get(url + "?status=removed").json()["results"]] == [removed.pk]
    assert claire.get(url).json()["count"] == 2
    assert "status" in _errors(claire.get(url + "?status=gone"))


def test_a_participant_proposes_a_goal_in_the_draft_phase(acme, workshop, leo):
    response = leo.post(
        _url(workshop, "proposals/"),
        {
            "title": "Increase trial sign-ups by 20%",
            "metric": "Trial sign-ups",
            "baseline": "1000",
            "target": "1200",
            "due_date": "2026-12-15",
            "owner_departments": [acme.product.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"]["username"] == "leo"
    assert (body["status"], body["version"], body["vote_count"]) == ("active", 1, 0)
    assert body["owner_departments"] == [acme.product.pk]
    assert body["smart"]["score"] >= 3


def test_proposing_after_the_draft_phase_is_refused_with_the_reason(acme, workshop, leo):
    make_proposal(workshop, acme.leo)
    advance_to(workshop, "refine")
    response = leo.post(_url(workshop, "proposals/"), {"title": "Late idea"})
    assert _refusal(response) == (
        "Proposals can be added only in the draft phase; the workshop is in the refine phase now."
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "   "}, "title", "This field may not be blank."),
        ({"metric": "m" * 121}, "metric", "no more than 120 characters"),
        ({"baseline": "ten"}, "baseline", "A valid number is required."),
        ({"target": "1e30"}, "target", "no more than 18 digits"),
        ({"direction": "sideways"}, "direction", "is not a valid choice"),
        ({"due_date": "31/12/2026"}, "due_date", "Date has wrong format"),
        ({"owner_departments": [0]}, "owner_departments", "Nothing with id 0 exists"),
        ({"baseline": "5", "target": "5"}, "non_field_errors", "must differ from the baseline"),
    ],
)
def test_proposing_with_bad_fields_is_a_400(workshop, leo, data, field, message):
    errors = _errors(leo.post(_url(workshop, "proposals/"), {"title": "Grow", **data}))
    assert message in " ".join(errors[field])
    assert not Proposal.objects.exists()


def test_owners_must_take_part_in_the_workshop(acme, workshop, leo):
    response = leo.post(
        _url(workshop, "proposals/"), {"title": "Grow", "owner_departments": [acme.sales.pk]}
    )
    assert _errors(response)["owner_departments"] == [
        "Choose departments that take part in this workshop."
    ]


def test_an_edit_keeps_what_was_not_sent_and_bumps_the_version(acme, workshop, leo):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "refine")
    response = leo.patch(_proposal_url(proposal), {"target": "1500", "version": 1})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["target"], body["version"], body["title"]) == ("1500.0000", 2, proposal.title)
    assert body["owner_departments"] == sorted(d.pk for d in workshop.departments.all())


def test_an_edit_based_on_an_old_version_is_a_409_with_the_current_one(acme, workshop, leo, mia):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "refine")
    assert mia.patch(_proposal_url(proposal), {"title": "Mine", "version": 1}).status_code == 200
    response = leo.patch(_proposal_url(proposal), {"title": "Theirs", "version": 1})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone else changed this proposal while you were editing it.",
        "version": 2,
    }
    proposal.refresh_from_db()
    assert proposal.title == "Mine"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "Sharper"}, "version", "Send the version of the proposal you last read."),
        ({"version": 0}, "version", "greater than or equal to 1"),
        ({"title": "", "version": 1}, "title", "This field may not be blank."),
        ({"owner_departments": "all", "version": 1}, "owner_departments", "Expected a list"),
    ],
)
def test_editing_with_bad_fields_is_a_400(acme, workshop, leo, data, field, message):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "refine")
    assert message in " ".join(_errors(leo.patch(_proposal_url(proposal), data))[field])


def test_editing_during_the_vote_is_refused(acme, workshop, leo):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "vote")
    response = leo.patch(_proposal_url(proposal), {"title": "Late", "version": 1})
    assert "Proposals can be edited only in the draft or refine phase" in _refusal(response)


def test_the_facilitator_removes_a_proposal_and_it_stays_listed(acme, workshop, claire, leo):
    proposal = make_proposal(workshop, acme.leo)
    assert leo.delete(_proposal_url(proposal)).status_code == 403
    assert claire.delete(_proposal_url(proposal)).status_code == 204
    assert claire.get(_proposal_url(proposal)).json()["status"] == "removed"
    assert "was removed; it can no longer change" in _refusal(
        claire.delete(_proposal_url(proposal))
    )


def test_a_proposal_of_another_workshop_is_404(acme, workshop, claire):
    other = make_workshop(acme, title="Other", participants=[acme.leo])
    proposal = make_proposal(other, acme.leo)
    assert claire.get(f"{BASE}{workshop.pk}/proposals/{proposal.pk}/").status_code == 404


# --- Votes ------------------------------------------------------------------------------------


def test_a_participant_votes_and_takes_the_vote_back(acme, workshop, mia):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "vote")
    voted = mia.post(_proposal_url(proposal, "vote/"))
    assert voted.status_code == 200, voted.content
    assert (voted.json()["vote_count"], voted.json()["my_vote"]) == (1, True)
    assert _refusal(mia.post(_proposal_url(proposal, "vote/"))) == (
        "You already voted for this proposal."
    )
    withdrawn = mia.delete(_proposal_url(proposal, "vote/"))
    assert (withdrawn.json()["vote_count"], withdrawn.json()["my_vote"]) == (0, False)
    assert _refusal(mia.delete(_proposal_url(proposal, "vote/"))) == (
        "You have not voted for this proposal."
    )


def test_voting_outside_the_vote_phase_is_refused_with_the_reason(acme, workshop, mia):
    proposal = make_proposal(workshop, acme.leo)
    assert _refusal(mia.post(_proposal_url(proposal, "vote/"))) == (
        "Votes can be cast only in the vote phase; the workshop is in the draft phase now."
    )
    assert "Votes can be taken back only in the vote phase" in _refusal(
        mia.delete(_proposal_url(proposal, "vote/"))
    )
    assert not Vote.objects.exists()


def test_a_vote_beyond_the_allowance_is_refused(acme, workshop, mia):
    proposals = [make_proposal(workshop, acme.leo, title=f"Goal {i}") for i in range(4)]
    advance_to(workshop, "vote")
    for proposal in proposals[:3]:
        assert mia.post(_proposal_url(proposal, "vote/")).status_code == 200
    assert _refusal(mia.post(_proposal_url(proposals[3], "vote/"))) == (
        "You have used all 3 votes. Take one back to vote for this proposal."
    )


# --- Merge ------------------------------------------------------------------------------------


def test_the_facilitator_merges_a_duplicate(acme, workshop, claire, leo):
    duplicate = make_proposal(workshop, acme.leo, title="More trials")
    survivor = make_proposal(workshop, acme.leo, title="Increase trial sign-ups by 20%")
    advance_to(workshop, "vote")
    services.vote_cast(proposal=duplicate, voter=acme.mia)
    assert leo.post(_proposal_url(duplicate, "merge/"), {"into": survivor.pk}).status_code == 403

    response = claire.post(_proposal_url(duplicate, "merge/"), {"into": survivor.pk})

    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["vote_count"]) == (survivor.pk, 1)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", survivor.pk)


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("self", "Choose another proposal of this workshop."),
        (999_999, "No proposal with id 999999 in this workshop."),
        ("two", "Send an id (a whole number), not str."),
        (None, "This field may not be null."),
    ],
)
def test_merging_into_a_bad_proposal_is_a_400(acme, workshop, claire, into, message):
    proposal = make_proposal(workshop, acme.leo)
    into = proposal.pk if into == "self" else into
    errors = _errors(claire.post(_proposal_url(proposal, "merge/"), {"into": into}))
    assert errors["into"] == [message]


# --- Comments ---------------------------------------------------------------------------------


def test_participants_discuss_a_proposal(acme, workshop, mia):
    proposal = make_proposal(workshop, acme.leo)
    url = _proposal_url(proposal, "comments/")
    response = mia.post(url, {"body": "  Which channels?  "})
    assert response.status_code == 201, response.content
    assert (response.json()["body"], response.json()["author"]["username"]) == (
        "Which channels?",
        "mia",
    )
    assert [c["body"] for c in mia.get(url).json()["results"]] == ["Which channels?"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "  "}, "This field may not be blank."),
        ({}, "This field is required."),
        ({"body": "x" * 10_001}, "no more than 10000 characters"),
    ],
)
def test_commenting_with_bad_fields_is_a_400(acme, workshop, mia, data, message):
    proposal = make_proposal(workshop, acme.leo)
    errors = _errors(mia.post(_proposal_url(proposal, "comments/"), data))
    assert message in " ".join(errors["body"])


def test_commenting_in_the_commit_phase_is_refused(acme, workshop, mia):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "commit")
    response = mia.post(_proposal_url(proposal, "comments/"), {"body": "Late"})
    assert "Comments can be added only in the draft, refine, vote or break down phase" in (
        _refusal(response)
    )


# --- Steps ------------------------------------------------------------------------------------


def test_steps_are_added_listed_and_removed_in_the_break_down_phase(acme, workshop, leo):
    first = make_proposal(workshop, acme.leo, title="First")
    second = make_proposal(workshop, acme.leo, title="Second")
    advance_to(workshop, "break_down")
    url = _url(workshop, "steps/")
    response = leo.post(
        url,
        {
            "proposal": first.pk,
            "department": acme.product.pk,
            "title": "Ship the portal",
            "due_date": "2026-11-30",
        },
    )
    assert response.status_code == 201, response.content
    step = response.json()
    assert (step["proposal"], step["department_name"], step["goal"]) == (first.pk, "Product", None)
    services.step_create(proposal=second, actor=acme.leo, department=acme.marketing, title="Ads")

    assert leo.get(url).json()["count"] == 2
    assert [s["id"] for s in leo.get(f"{url}?proposal={first.pk}").json()["results"]] == [
        step["id"]
    ]
    assert "proposal" in _errors(leo.get(f"{url}?proposal=first"))
    assert "proposal" in _errors(leo.get(f"{url}?proposal={2**70}"))
    assert leo.get(f"{url}{step['id']}/").json()["title"] == "Ship the portal"
    assert leo.delete(f"{url}{step['id']}/").status_code == 204
    assert leo.get(f"{url}{step['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field may not be blank."),
        ({"department": "product"}, "department", "not str"),
        ({"department": "sales"}, "department", "Choose departments that take part"),
        ({"proposal": 999_999}, "proposal", "No proposal with id 999999 in this workshop."),
        ({"due_date": "2027-03-01"}, "due_date", "Choose a date within Q4 2026"),
        ({"baseline": "4", "target": "4"}, "non_field_errors", "must differ from the baseline"),
    ],
)
def test_adding_a_step_with_bad_fields_is_a_400(acme, workshop, leo, change, field, message):
    proposal = make_proposal(workshop, acme.leo)
    advance_to(workshop, "break_down")
    data = {"proposal": proposal.pk, "department": acme.product.pk, "title": "Ship", **change}
    if change.get("department") == "sales":
        data["department"] = acme.sales.pk
    errors = _errors(leo.post(_url(workshop, "steps/"), data))
    assert message in " ".join(errors[field])
    assert not Step.objects.exists()


def test_adding_a_step_before_the_break_down_phase_is_refused(acme, workshop, leo):
    proposal = make_proposal(workshop, acme.leo)
    response = leo.post(
        _url(workshop, "steps/"),
        {"proposal": proposal.pk, "department": acme.product.pk, "title": "Ship"},
    )
    assert _refusal(response) == (
        "Steps can be added only in the break down phase; the workshop is in the draft phase now."
    )
