"""The workshops endpoints of API v1: list, start, change, advance and commit a workshop."""

import pytest

from goals.models import Goal
from tests.api.workshops_helpers import BASE, _errors, _refusal, _url
from tests.factories import PeriodFactory
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from workshops import services
from workshops.models import Workshop

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_live_cache")]


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
