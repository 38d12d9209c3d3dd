"""The workshops endpoints of API v1: what they answer, the phase and facilitator rules the
services enforce, bad input for every writable endpoint, and query counts that do not grow with
the proposals and votes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.models import Goal
from tests.factories import PeriodFactory
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from workshops import live, services
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/acme/workshops/"


@pytest.fixture(autouse=True)
def _empty_live_cache():
    """Workshop versions and rosters live in the cache and in each process's memo."""
    cache.clear()
    live.LOCAL.clear()


@pytest.fixture
def workshop(acme) -> Workshop:
    """Claire facilitates; Leo and Mia take part; marketing and product; 3 votes each."""
    return make_workshop(acme, participants=[acme.leo, acme.mia])


@pytest.fixture
def claire(acme, api_as):
    return api_as(acme.claire)


@pytest.fixture
def leo(acme, api_as):
    return api_as(acme.leo)


@pytest.fixture
def mia(acme, api_as):
    return api_as(acme.mia)


def _url(workshop: Workshop, tail: str = "") -> str:
    return f"{BASE}{workshop.pk}/{tail}"


def _proposal_url(proposal: Proposal, tail: str = "") -> str:
    return f"{BASE}{proposal.workshop_id}/proposals/{proposal.pk}/{tail}"


def _refusal(response) -> str:
    assert response.status_code == 400, response.content
    return " ".join(response.json()["non_field_errors"])


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()


# --- Workshops --------------------------------------------------------------------------------


def test_list_shows_only_the_workshops_the_caller_takes_part_in(acme, workshop, leo, api_as):
    make_workshop(acme, title="Sales and ops", participants=[acme.mia])
    make_proposal(workshop, acme.leo)

    body = leo.get(BASE).json()

    assert body["count"] == 1
    [row] = body["results"]
    assert row["id"] == workshop.pk
    assert row["phase"] == "draft"
    assert row["next_phase"] == "refine"
    assert row["participant_count"] == 3
    assert row["proposal_count"] == 1
    assert row["facilitator"] == {
        "id": acme.claire.pk,
        "username": "claire",
        "name": str(acme.claire),
    }
    assert api_as(acme.ada).get(BASE).json()["count"] == 0


def test_detail_shows_phase_people_proposals_votes_and_steps(acme, workshop, mia):
    first = make_proposal(workshop, acme.leo, title="Increase trial sign-ups by 20%")
    second = make_proposal(workshop, acme.mia, title="Grow qualified leads by 15%")
    advance_to(workshop, "vote")
    services.vote_cast(proposal=second, voter=acme.mia)
    services.vote_cast(proposal=second, voter=acme.leo)
    services.vote_cast(proposal=first, voter=acme.leo)
    advance_to(workshop, "break_down")
    services.step_create(
        proposal=second, actor=acme.leo, department=acme.product, title="Ship the portal"
    )

    body = mia.get(_url(workshop)).json()

    assert body["phase"] == "break_down"
    assert body["phase_help"] == Workshop.PHASE_HELP[Workshop.Phase.BREAK_DOWN]
    assert body["votes_per_person"] == 3
    assert body["votes_left"] == 2
    assert body["period"]["name"] == workshop.period.name
    assert [d["name"] for d in body["departments"]] == ["Marketing", "Product"]
    assert {p["username"] for p in body["participants"]} == {"claire", "leo", "mia"}
    assert [(p["title"], p["vote_count"]) for p in body["proposals"]] == [
        ("Grow qualified leads by 15%", 2),
        ("Increase trial sign-ups by 20%", 1),
    ]
    [step] = body["proposals"][0]["steps"]
    assert step["title"] == "Ship the portal"
    assert step["department"] == acme.product.pk
    assert step["goal"] is None


def test_a_member_who_was_not_invited_gets_403(acme, api_as):
    workshop = make_workshop(acme, participants=[acme.leo])
    response = api_as(acme.mia).get(_url(workshop))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the people invited to this workshop take part in it."


def test_an_executive_starts_a_workshop_and_facilitates_it(acme, claire):
    period = PeriodFactory(workspace=acme.workspace)
    response = claire.post(
        BASE,
        {
            "title": "  H1 shared goals  ",
            "period": period.pk,
            "departments": [acme.marketing.pk, acme.product.pk],
            "participants": [acme.leo.pk, acme.mia.pk],
            "votes_per_person": 5,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "H1 shared goals"
    assert body["phase"] == "draft"
    assert body["facilitator"]["username"] == "claire"
    assert {p["username"] for p in body["participants"]} == {"claire", "leo", "mia"}
    assert body["votes_left"] == 5
    assert body["proposals"] == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field may not be blank."),
        ({"title": "x" * 201}, "title", "no more than 200 characters"),
        ({"departments": "product"}, "departments", "Expected a list"),
        ({"departments": ["product"]}, "departments", "not str"),
        ({"votes_per_person": 0}, "votes_per_person", "greater than or equal to 1"),
        ({"votes_per_person": 21}, "votes_per_person", "less than or equal to 20"),
        ({"period": None}, "period", "may not be null"),
    ],
)
def test_starting_a_workshop_with_bad_fields_is_a_400(acme, claire, change, field, message):
    period = PeriodFactory(workspace=acme.workspace)
    data = {
        "title": "H1",
        "period": period.pk,
        "departments": [acme.marketing.pk, acme.product.pk],
        "participants": [acme.leo.pk],
        **change,
    }
    errors = _errors(claire.post(BASE, data))
    assert message in " ".join(errors[field])
    assert not Workshop.objects.exists()


def test_starting_a_workshop_names_what_the_service_refuses(acme, globex, claire):
    period = PeriodFactory(workspace=acme.workspace)
    base = {"title": "H1", "period": period.pk}
    one_department = claire.post(
        BASE, {**base, "departments": [acme.product.pk], "participants": [acme.leo.pk]}
    )
    assert _errors(one_department)["departments"] == [
        "A joint workshop needs at least two departments."
    ]
    guest = claire.post(
        BASE,
        {**base, "departments": [acme.product.pk, acme.sales.pk], "participants": [acme.gus.pk]},
    )
    assert _errors(guest)["participants"] == [f"Guests cannot take part in workshops: {acme.gus}."]
    outsider = globex.memberships.first().user
    foreign = claire.post(
        BASE,
        {
            **base,
            "period": PeriodFactory(workspace=globex).pk,
            "departments": [acme.product.pk, acme.sales.pk],
            "participants": [outsider.pk],
        },
    )
    errors = _errors(foreign)
    assert "exists in this workspace" in errors["period"][0]
    assert "exists in this workspace" in errors["participants"][0]
    assert not Workshop.objects.exists()


def test_a_lead_cannot_start_a_workshop(leo):
    response = leo.post(BASE, {"title": "H1"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This needs the executive role or higher."


def test_the_facilitator_changes_votes_and_locks_the_phase(acme, workshop, claire, leo):
    response = claire.patch(_url(workshop), {"votes_per_person": 5, "locked": True})
    assert response.status_code == 200, response.content
    assert (response.json()["votes_per_person"], response.json()["locked"]) == (5, True)
    refused = leo.post(f"{BASE}{workshop.pk}/proposals/", {"title": "Grow leads by 10%"})
    assert "The facilitator has locked the draft phase" in _refusal(refused)


def test_only_the_facilitator_changes_the_workshop(acme, workshop, leo):
    response = leo.patch(_url(workshop), {"locked": True})
    assert response.status_code == 403
    assert response.json()["detail"] == f"Only the facilitator, {acme.claire}, can do this."


def test_a_workshop_change_is_all_or_nothing(acme, workshop, claire):
    make_proposal(workshop, acme.leo)
    advance_to(workshop, "break_down")
    response = claire.patch(_url(workshop), {"locked": True, "votes_per_person": 4})
    assert "The votes per person can change only in the draft, refine or vote phase" in (
        _refusal(response)
    )
    workshop.refresh_from_db()
    assert (workshop.locked, workshop.votes_per_person) == (False, 3)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "non_field_errors", "Send `votes_per_person`, `locked` or both."),
        ({"votes_per_person": 0}, "votes_per_person", "greater than or equal to 1"),
        ({"votes_per_person": "many"}, "votes_per_person", "A valid integer is required."),
        ({"locked": "perhaps"}, "locked", "Must be a valid boolean."),
    ],
)
def test_changing_a_workshop_with_bad_fields_is_a_400(workshop, claire, data, field, message):
    assert message in " ".join(_errors(claire.patch(_url(workshop), data))[field])


def test_votes_per_person_cannot_drop_below_what_someone_used(acme, workshop, claire):
    proposals = [make_proposal(workshop, acme.leo, title=f"Goal {i}") for i in range(3)]
    advance_to(workshop, "vote")
    for proposal in proposals:
        services.vote_cast(proposal=proposal, voter=acme.mia)
    errors = _errors(claire.patch(_url(workshop), {"votes_per_person": 2}))
    assert errors["votes_per_person"] == [
        "Someone has already used 3 votes: give at least 3, or ask them to take votes back."
    ]


def test_the_facilitator_advances_the_phase(acme, workshop, claire, leo):
    assert _refusal(claire.post(_url(workshop, "advance/"))) == (
        "Add at least one proposal before moving on."
    )
    make_proposal(workshop, acme.leo)
    response = claire.post(_url(workshop, "advance/"))
    assert response.status_code == 200, response.content
    assert (response.json()["phase"], response.json()["next_phase"]) == ("refine", "vote")
    assert leo.post(_url(workshop, "advance/")).status_code == 403
    advance_to(workshop, "commit")
    assert _refusal(claire.post(_url(workshop, "advance/"))) == (
        "The commit phase ends by committing the chosen proposals."
    )


def test_commit_turns_the_chosen_proposals_into_goals(acme, workshop, claire):
    chosen = make_proposal(workshop, acme.leo, title="Increase trial sign-ups by 20%")
    make_proposal(workshop, acme.leo, title="Grow qualified leads by 15%")
    advance_to(workshop, "break_down")
    services.step_create(proposal=chosen, actor=acme.leo, department=acme.product, title="Ship")
    advance_to(workshop, "commit")

    response = claire.post(_url(workshop, "commit/"), {"proposals": [chosen.pk]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == "closed"
    assert body["committed_at"] is not None
    committed = next(p for p in body["proposals"] if p["id"] == chosen.pk)
    goal = Goal.objects.get(pk=committed["goal"])
    assert goal.title == "Increase trial sign-ups by 20%"
    assert committed["steps"][0]["goal"] == Goal.objects.get(parent=goal).pk
    again = claire.post(_url(workshop, "commit/"), {"proposals": [chosen.pk]})
    assert _refusal(again) == "This workshop was already committed."


def test_commit_outside_the_commit_phase_is_refused(acme, workshop, claire):
    proposal = make_proposal(workshop, acme.leo)
    response = claire.post(_url(workshop, "commit/"), {"proposals": [proposal.pk]})
    assert _refusal(response) == "Move the workshop to the commit phase first."
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("proposals", "message"),
    [
        ([], "Choose at least one proposal to commit."),
        ([999_999], "Choose only active proposals of this workshop."),
        ("all", 'Expected a list of items but got type "str".'),
        (["one"], "A valid integer is required."),
        ([2**70], "less than or equal to 9223372036854775807"),
    ],
)
def test_committing_bad_proposals_is_a_400(acme, workshop, claire, proposals, message):
    make_proposal(workshop, acme.leo)
    advance_to(workshop, "commit")
    errors = _errors(claire.post(_url(workshop, "commit/"), {"proposals": proposals}))
    assert message in str(errors["proposals"])
    assert not Goal.objects.exists()


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


# --- Query counts -----------------------------------------------------------------------------

READ_BUDGET = 10


def _grown(acme, size: int) -> Workshop:
    """A workshop in the break-down phase with ``size`` proposals, each with two owners, a
    comment, votes of two people (up to 20 proposals) and a step."""
    workshop = make_workshop(
        acme, title=f"Workshop of {size}", participants=[acme.leo, acme.mia], votes_per_person=20
    )
    proposals = [
        make_proposal(workshop, acme.leo, title=f"Increase qualified leads by {i + 5}%")
        for i in range(size)
    ]
    ProposalComment.objects.bulk_create(
        ProposalComment(proposal=p, author=acme.mia, body="Which channels?") for p in proposals
    )
    advance_to(workshop, "vote")
    Vote.objects.bulk_create(
        Vote(workshop=workshop, proposal=p, voter=voter, slot=slot)
        for voter in (acme.claire, acme.mia)
        for slot, p in enumerate(proposals[:20], start=1)
    )
    advance_to(workshop, "break_down")
    Step.objects.bulk_create(
        Step(proposal=p, department=acme.product, author=acme.leo, title="Ship it")
        for p in proposals
    )
    return workshop


def _queries(client, method: str, url: str, data=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data)
    assert response.status_code < 300, response.content
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(
    "tail",
    [
        "",
        "{pk}/",
        "{pk}/proposals/",
        "{pk}/proposals/{proposal}/",
        "{pk}/proposals/{proposal}/comments/",
        "{pk}/steps/",
    ],
)
def test_reads_make_the_same_queries_for_5_or_50_proposals(acme, mia, tail):
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        first = workshop.proposals.order_by("id").first()
        url = BASE + tail.format(pk=workshop.pk, proposal=first.pk)
        mia.get(url)  # the token's last use is written once a minute
        counts.append(_queries(mia, "get", url))
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[1])
    assert len(counts[1]) <= READ_BUDGET, "\n".join(counts[1])


def test_a_vote_makes_the_same_queries_for_5_or_50_proposals(acme, leo):
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        Workshop.objects.filter(pk=workshop.pk).update(phase="vote")
        last = workshop.proposals.order_by("id").last()
        leo.get(_url(workshop))
        counts.append(_queries(leo, "post", _proposal_url(last, "vote/")))
    assert len(counts[0]) == len(counts[1]), "\n".join(counts[1])


def test_starting_a_workshop_and_proposing_make_constant_queries(acme, claire):
    period = PeriodFactory(
        workspace=acme.workspace, start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 12, 31)
    )
    data = {
        "title": "H1",
        "period": period.pk,
        "departments": [acme.marketing.pk, acme.product.pk],
        "participants": [acme.leo.pk, acme.mia.pk],
    }
    counts = []
    for size in (5, 50):
        workshop = _grown(acme, size)
        Workshop.objects.filter(pk=workshop.pk).update(phase="draft")
        claire.get(_url(workshop))
        counts.append(
            (
                len(_queries(claire, "post", BASE, data)),
                len(_queries(claire, "post", _url(workshop, "proposals/"), {"title": "Grow"})),
            )
        )
    assert counts[0] == counts[1]
