"""The goals endpoints, writing: create, change and close with the pages' rules; bad input."""

import datetime as dt

import pytest

from core.models import AuditEvent
from goals.models import Goal, Retrospective
from teams.models import Role
from tests.api.goals_helpers import ACME, _etag, _goal
from tests.factories import DepartmentFactory, GoalFactory, MembershipFactory, PeriodFactory

pytestmark = pytest.mark.django_db


# --- Creating ----------------------------------------------------------------------------------


def test_a_lead_sets_a_goal_for_their_own_department(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace)
    response = api_as(acme.leo).post(
        f"{ACME}/goals/",
        {
            "title": "Ship the onboarding revamp by 1 December",
            "owner_departments": [acme.product.pk],
            "period": period.pk,
            "status": "on_track",
            "metric": "Activation rate",
            "unit": "%",
            "baseline": "20",
            "target": "30",
            "current_value": "25",
            "accountable": acme.leo.pk,
        },
    )

    assert response.status_code == 201, response.content
    goal = Goal.objects.get()
    assert response["Location"] == f"{ACME}/goals/{goal.pk}/"
    assert response["ETag"] == f'"goal-{goal.pk}-v1"'
    body = response.json()
    assert (body["id"], body["progress"], body["owner_departments"]) == (
        goal.pk,
        50,
        [acme.product.pk],
    )
    assert (goal.created_by, goal.period, goal.accountable) == (acme.leo, period, acme.leo)
    assert AuditEvent.objects.filter(verb="created", target_type="goal", target_id=goal.pk).exists()


def test_an_executive_sets_a_shared_goal(acme, api_as):
    response = api_as(acme.claire).post(
        f"{ACME}/goals/",
        {
            "title": "Launch the partner programme in Q4",
            "owner_departments": [acme.sales.pk, acme.marketing.pk],
            "contributing_departments": [acme.product.pk],
        },
    )

    assert response.status_code == 201, response.content
    goal = Goal.objects.get()
    assert set(goal.owner_departments.all()) == {acme.sales, acme.marketing}
    assert goal.status == Goal.Status.DRAFT


@pytest.mark.parametrize("owners", ["shared", "other"])
def test_a_lead_cannot_set_a_shared_goal_or_one_of_another_department(acme, api_as, owners):
    departments = [acme.product, acme.sales] if owners == "shared" else [acme.sales]
    response = api_as(acme.leo).post(
        f"{ACME}/goals/",
        {"title": "Grow revenue by 10%", "owner_departments": [d.pk for d in departments]},
    )

    assert response.status_code == 400
    assert "Only executives and admins set shared goals" in response.json()["owner_departments"][0]
    assert not Goal.objects.exists()


GOOD = {"title": "Grow revenue by 10%"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({**GOOD, "owner_departments": None}, "owner_departments"),
        ({**GOOD, "owner_departments": "product"}, "owner_departments"),
        ({**GOOD, "owner_departments": ["x"]}, "owner_departments"),
        ({**GOOD, "start_date": "2026-12-01", "due_date": "2026-11-01"}, "due_date"),
        ({**GOOD, "start_date": "1 Dec"}, "start_date"),
        ({**GOOD, "baseline": "10", "target": "10.0"}, "target"),
        ({**GOOD, "target": "1e40"}, "target"),
        ({**GOOD, "target": "ten"}, "target"),
        ({**GOOD, "status": "achieved"}, "status"),
        ({**GOOD, "status": "done"}, "status"),
        ({**GOOD, "direction": "up"}, "direction"),
        ({**GOOD, "weight": 0}, "weight"),
        ({**GOOD, "weight": 101}, "weight"),
        ({**GOOD, "metric": "m" * 121}, "metric"),
        ({**GOOD, "unit": "u" * 31}, "unit"),
        ({**GOOD, "period": 999_999}, "period"),
        ({**GOOD, "kpi": "abc"}, "kpi"),
        ({**GOOD, "parent": 999_999}, "parent"),
        ({**GOOD, "parent": 2**70}, "parent"),
        ({**GOOD, "owner_departments": [2**70]}, "owner_departments"),
        ({**GOOD, "contributing": "duplicate"}, "contributing_departments"),
        ({**GOOD, "accountable": "guest"}, "accountable"),
        ({**GOOD, "accountable": "outsider"}, "accountable"),
    ],
)
def test_a_bad_goal_gets_400_naming_the_field(acme, oscar, api_as, data, field):
    data = {"owner_departments": [acme.product.pk], **data}
    if data.pop("contributing", None):
        data["contributing_departments"] = [acme.product.pk]
    if data.get("accountable") == "guest":
        data["accountable"] = acme.gus.pk
    if data.get("accountable") == "outsider":
        data["accountable"] = oscar.pk

    response = api_as(acme.ada).post(f"{ACME}/goals/", data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Goal.objects.exists()


def test_departments_and_goals_of_another_workspace_read_as_unknown(acme, globex, api_as):
    department = globex.departments.first()
    parent = GoalFactory(workspace=globex)

    response = api_as(acme.ada).post(
        f"{ACME}/goals/",
        {"title": "Grow revenue by 10%", "owner_departments": [department.pk], "parent": parent.pk},
    )

    assert response.status_code == 400
    assert response.json() == {
        "owner_departments": [f"Nothing with id {department.pk} exists in this workspace."],
        "parent": [f"Nothing with id {parent.pk} exists in this workspace."],
    }


def test_a_goal_body_that_is_a_list_or_not_json_gets_400(acme, api_as):
    client = api_as(acme.ada)
    assert client.post(f"{ACME}/goals/", [GOOD]).status_code == 400
    broken = client.generic("POST", f"{ACME}/goals/", "{", content_type="application/json")
    assert broken.status_code == 400


def test_a_lead_of_a_new_department_sets_goals_for_it(acme, api_as):
    finance = DepartmentFactory(workspace=acme.workspace, name="Finance")
    lead = MembershipFactory(workspace=acme.workspace, role=Role.LEAD, departments=[finance]).user

    response = api_as(lead).post(
        f"{ACME}/goals/", {"title": "Close the books in 5 days", "owner_departments": [finance.pk]}
    )

    assert response.status_code == 201, response.content


def test_department_ids_are_read_in_one_query_and_capped(acme, api_as, count_queries):
    """A list of ids costs one query whatever its length; more than 100 is a 400."""
    client = api_as(acme.claire)
    body = {"title": "Grow revenue", "owner_departments": [acme.product.pk, acme.sales.pk]}
    url = f"{ACME}/goals/"

    def queries(contributors: list[int]) -> int:
        data = {**body, "contributing_departments": contributors}
        return count_queries(client, url, method="post", data=data, format="json").count

    assert queries([acme.marketing.pk]) == queries([acme.marketing.pk] * 100)
    response = client.post(
        url, {**body, "contributing_departments": [acme.marketing.pk] * 101}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"contributing_departments": ["Send at most 100 ids."]}


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["x"], "Send an id (a whole number), not str."),
        ([True], "Send an id (a whole number), not bool."),
        ([99999999999999999999], "Nothing with id 99999999999999999999 exists in this workspace."),
        ("12", 'Expected a list of items but got type "str".'),
    ],
)
def test_bad_department_ids_are_named(acme, api_as, ids, message):
    response = api_as(acme.claire).post(
        f"{ACME}/goals/", {"title": "Grow revenue", "owner_departments": ids}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["owner_departments"] == [message]


# --- Changing ----------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_bumps_the_version(acme, api_as):
    goal = _goal(acme, contributing_departments=[acme.sales], accountable=acme.leo)
    before = goal.title

    response = api_as(acme.leo).patch(f"{ACME}/goals/{goal.pk}/", {"title": "Ship v2 by May"})

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'
    assert response.json()["version"] == 2
    goal.refresh_from_db()
    assert (goal.title, goal.accountable, goal.target) == ("Ship v2 by May", acme.leo, 130)
    assert list(goal.contributing_departments.all()) == [acme.sales]
    event = AuditEvent.objects.get(verb="updated", target_id=goal.pk)
    assert event.changes == {"title": [before, "Ship v2 by May"]}


def test_moving_a_goal_to_another_period_moves_its_copy_of_the_start_date(acme, api_as):
    """The goal list sorts on ``period_start`` (see tests/goals/test_period_start.py)."""
    q3 = PeriodFactory(workspace=acme.workspace, name="Q3", start_date=dt.date(2026, 7, 1))
    q4 = PeriodFactory(workspace=acme.workspace, name="Q4", start_date=dt.date(2026, 10, 1))
    client = api_as(acme.claire)
    created = client.post(
        f"{ACME}/goals/",
        {"title": "Set by the API", "owner_departments": [acme.sales.pk], "period": q3.pk},
    )
    assert created.status_code == 201, created.content
    goal = Goal.objects.get(pk=created.json()["id"])
    assert goal.period_start == q3.start_date

    moved = client.patch(f"{ACME}/goals/{goal.pk}/", {"period": q4.pk})

    assert moved.status_code == 200, moved.content
    goal.refresh_from_db()
    assert goal.period_start == q4.start_date


def test_put_replaces_every_field_and_omitted_ones_take_their_defaults(acme, api_as):
    goal = _goal(acme, contributing_departments=[acme.sales], accountable=acme.leo)

    response = api_as(acme.leo).put(
        f"{ACME}/goals/{goal.pk}/",
        {"title": "Ship v2 by May", "owner_departments": [acme.product.pk], "status": "on_track"},
    )

    assert response.status_code == 200, response.content
    goal.refresh_from_db()
    assert (goal.accountable, goal.target, goal.metric) == (None, None, "")
    assert not goal.contributing_departments.exists()


def test_a_patch_is_checked_against_the_goals_other_fields(acme, api_as):
    goal = _goal(acme)  # starts 2026-10-01, baseline 100, owned by product
    client = api_as(acme.ada)
    url = f"{ACME}/goals/{goal.pk}/"

    assert "due_date" in client.patch(url, {"due_date": "2026-09-01"}).json()
    assert "target" in client.patch(url, {"target": "100"}).json()
    overlap = client.patch(url, {"contributing_departments": [acme.product.pk]})
    assert "contributing_departments" in overlap.json()
    assert "parent" in client.patch(url, {"parent": goal.pk}).json()
    assert Goal.objects.get().version == 1


def test_a_goal_cannot_sit_under_its_own_step(acme, api_as):
    top = _goal(acme)
    step = _goal(acme, parent=top)

    response = api_as(acme.ada).patch(f"{ACME}/goals/{top.pk}/", {"parent": step.pk})

    assert response.status_code == 400
    assert response.json() == {"parent": ["A goal cannot sit under itself or its own steps."]}


def test_a_lead_cannot_change_a_goal_of_another_department(acme, api_as):
    goal = _goal(acme, owner_departments=[acme.sales])

    response = api_as(acme.leo).patch(f"{ACME}/goals/{goal.pk}/", {"title": "Mine now"})

    assert response.status_code == 403
    assert "lead of the goal's own department" in response.json()["detail"]


def test_a_lead_cannot_hand_their_goal_to_another_department(acme, api_as):
    goal = _goal(acme)

    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"owner_departments": [acme.product.pk, acme.sales.pk]}
    )

    assert response.status_code == 400
    assert "owner_departments" in response.json()


def test_a_member_who_leads_nothing_cannot_change_goals(acme, api_as):
    goal = _goal(acme, owner_departments=[acme.sales])
    response = api_as(acme.mia).patch(f"{ACME}/goals/{goal.pk}/", {"title": "x"})
    assert response.status_code == 403


def test_achieving_a_goal_needs_the_close_endpoint(acme, api_as):
    goal = _goal(acme)

    response = api_as(acme.leo).patch(f"{ACME}/goals/{goal.pk}/", {"status": "achieved"})

    assert response.status_code == 400
    assert "close/" in response.json()["status"][0]


def test_closing_a_goal_records_the_retrospective(acme, api_as):
    goal = _goal(acme)

    response = api_as(acme.leo).post(
        f"{ACME}/goals/{goal.pk}/close/",
        {"status": "missed", "what_worked": "Pairing.", "what_to_change": "Smaller scope."},
        HTTP_IF_MATCH=_etag(goal),
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("missed", 2)
    assert Retrospective.objects.get(goal=goal).what_to_change == "Smaller scope."


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "dropped", "what_worked": "a", "what_to_change": "b"}, "status"),
        ({"status": "achieved", "what_worked": "", "what_to_change": "b"}, "what_worked"),
        ({"status": "achieved", "what_worked": "a"}, "what_to_change"),
        ({"status": "achieved", "what_worked": " ", "what_to_change": "b"}, "what_worked"),
    ],
)
def test_closing_without_a_retrospective_gets_400(acme, api_as, data, field):
    goal = _goal(acme)
    response = api_as(acme.leo).post(f"{ACME}/goals/{goal.pk}/close/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert Goal.objects.get().status == Goal.Status.ON_TRACK


def test_closing_a_goal_twice_the_same_way_gets_400(acme, api_as):
    goal = _goal(acme, status=Goal.Status.ACHIEVED)
    response = api_as(acme.leo).post(
        f"{ACME}/goals/{goal.pk}/close/",
        {"status": "achieved", "what_worked": "a", "what_to_change": "b"},
    )
    assert response.status_code == 400
    assert response.json() == {"status": ["This goal is already Achieved."]}
