"""Every path that creates goals applies the same rules, because the services hold them: what the
goal form refuses, the API, a CSV import and a workshop commit refuse too, and nothing is
saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.models import Goal
from goals.services import imports
from tests.factories import member
from tests.workshops.helpers import advance_to, make_proposal, make_workshop
from workshops import commit
from workshops.models import Proposal

pytestmark = pytest.mark.django_db

# Each bad goal: what it changes in a valid one, and the field the refusal names.
BAD = {
    "target equals baseline": ({"baseline": "20", "target": "20"}, "target"),
    "due before start": ({"start_date": "2026-12-01", "due_date": "2026-11-01"}, "due_date"),
    "owns and contributes": ({"contributing_departments": "marketing"}, "contributing_departments"),
    "closed without a retrospective": ({"status": "achieved"}, "status"),
}
# A workshop proposal brings its due date (the goal starts with the period); a proposal whose
# target equals its baseline cannot be stored at all (a check constraint).
WORKSHOP_BAD = ("due before start",)


def _goal(acme, quarter, case: str) -> dict[str, str]:
    """A valid goal of marketing, as text, with the bad case's changes."""
    goal = {
        "title": "Increase trial sign-ups by 20% through targeted campaigns",
        "owner_departments": "marketing",
        "contributing_departments": "",
        "period": quarter.name,
        "start_date": "2026-10-01",
        "due_date": "2026-12-15",
        "status": "on_track",
        "baseline": "1000",
        "target": "1200",
    }
    goal.update(BAD[case][0])
    return goal


def _ids(acme, quarter, goal: dict[str, str]) -> dict:
    """The goal as the form and the API send it: departments and the period by id."""
    departments = {"marketing": acme.marketing.pk}
    return {
        **goal,
        "owner_departments": [departments[goal["owner_departments"]]],
        "contributing_departments": [
            departments[name] for name in goal["contributing_departments"].split(";") if name
        ],
        "period": quarter.pk,
        "direction": "increase",
        "weight": "1",
    }


@pytest.mark.parametrize("case", BAD)
def test_the_form_refuses(case, acme, as_user, quarter):
    data = _ids(acme, quarter, _goal(acme, quarter, case))
    response = as_user(acme.claire).post(reverse("goal_create", kwargs={"ws": "acme"}), data)
    assert response.status_code == 400
    assert BAD[case][1] in response.context["form"].errors
    assert not Goal.objects.exists()


@pytest.mark.parametrize("case", BAD)
def test_the_api_refuses(case, acme, api_as, quarter):
    data = _ids(acme, quarter, _goal(acme, quarter, case))
    response = api_as(acme.claire).post("/api/v1/workspaces/acme/goals/", data, format="json")
    assert response.status_code == 400
    assert BAD[case][1] in response.json()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("case", BAD)
def test_a_csv_import_refuses(case, acme, quarter):
    goal = _goal(acme, quarter, case)
    text = ",".join(goal) + "\n" + ",".join(goal.values()) + "\n"
    with pytest.raises(imports.GoalImportRefused) as refused:
        imports.goal_import(membership=member(acme.claire), text=text)
    [row] = refused.value.preview.bad
    assert [error.split(":")[0] for error in row.errors] == [BAD[case][1]]
    assert not Goal.objects.exists()


@pytest.mark.parametrize("case", WORKSHOP_BAD)
def test_a_workshop_commit_refuses(case, acme, quarter):
    workshop = make_workshop(acme)
    proposal = make_proposal(workshop, acme.claire)
    # Written past the proposal's own checks: the goal's rules are what is tested.
    Proposal.objects.filter(pk=proposal.pk).update(due_date=dt.date(2026, 9, 30))
    advance_to(workshop, "commit")
    with pytest.raises(
        ValidationError, match="cannot become a goal: The due date cannot be before"
    ):
        commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[proposal.pk])
    assert not Goal.objects.exists()


def test_a_lead_is_refused_a_shared_goal_on_every_path(acme, as_user, api_as, quarter):
    shared = {
        **_ids(acme, quarter, _goal(acme, quarter, "target equals baseline")),
        "baseline": "1000",
        "owner_departments": [acme.product.pk, acme.marketing.pk],
    }
    page = as_user(acme.leo).post(reverse("goal_create", kwargs={"ws": "acme"}), shared)
    api = api_as(acme.leo).post("/api/v1/workspaces/acme/goals/", shared, format="json")
    text = "title,owner_departments,period\nShip the onboarding revamp,Product;Marketing,Q4 2026\n"
    with pytest.raises(imports.GoalImportRefused) as refused:
        imports.goal_import(membership=member(acme.leo), text=text)

    assert page.status_code == 400
    assert "owner_departments" in page.context["form"].errors
    assert api.status_code == 400
    assert "owner_departments" in api.json()
    assert refused.value.preview.bad[0].errors[0].startswith("owner_departments:")
    assert not Goal.objects.exists()
