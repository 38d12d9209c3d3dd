"""The goals endpoints: what they answer, their filters, writes through the services with the
pages' permission rules, bad input, ETag and If-Match, and their query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from core.models import AuditEvent
from goals.api import goals as goals_api
from goals.models import Goal, Retrospective
from goals.services import goals as goal_services
from teams.models import Role
from tests.factories import (
    DepartmentFactory,
    GoalFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    PeriodFactory,
    member,
)

pytestmark = pytest.mark.django_db

ACME = "/api/v1/workspaces/acme"


def _goal(acme, **fields) -> Goal:
    fields.setdefault("owner_departments", [acme.product])
    return GoalFactory(workspace=acme.workspace, **fields)


def _etag(goal: Goal) -> str:
    goal.refresh_from_db()
    return f'"goal-{goal.pk}-v{goal.version}"'


# --- Reading -----------------------------------------------------------------------------------


def test_a_goal_reads_with_every_field_its_progress_smart_check_and_etag(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace, name="Q4 2026")
    parent = _goal(acme, owner_departments=[acme.product, acme.marketing], period=period)
    kpi = KPIFactory(
        workspace=acme.workspace, direction="increase", green_threshold=None, red_threshold=None
    )
    for day, value in [(1, "100"), (2, "110"), (3, "115")]:
        MeasurementFactory(kpi=kpi, date=dt.date(2026, 11, day), value=Decimal(value))
    goal = goal_services.goal_create(
        membership=member(acme.claire),
        title="Increase trial sign-ups by 30% through onboarding emails",
        description="Why: trials feed the sales pipeline.",
        owner_departments=[acme.product, acme.marketing],
        contributing_departments=[acme.sales],
        accountable=acme.leo,
        parent=parent,
        period=period,
        start_date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 12, 31),
        status=Goal.Status.ON_TRACK,
        metric="Trial sign-ups",
        unit="sign-ups",
        baseline=Decimal("100"),
        target=Decimal("130"),
        kpi=kpi,
    )

    response = api_as(acme.mia).get(f"{ACME}/goals/{goal.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"goal-{goal.pk}-v1"'
    body = response.json()
    assert body.pop("created_at")
    assert body.pop("updated_at")
    assert body == {
        "id": goal.pk,
        "title": "Increase trial sign-ups by 30% through onboarding emails",
        "description": "Why: trials feed the sales pipeline.",
        "owner_departments": [acme.marketing.pk, acme.product.pk],
        "contributing_departments": [acme.sales.pk],
        "accountable": acme.leo.pk,
        "parent": parent.pk,
        "period": period.pk,
        "start_date": "2026-10-01",
        "due_date": "2026-12-31",
        "status": "on_track",
        "priority": None,
        "metric": "Trial sign-ups",
        "unit": "sign-ups",
        "baseline": "100.0000",
        "target": "130.0000",
        "current_value": "115.0000",
        "direction": "increase",
        "kpi": kpi.pk,
        "weight": 1,
        "progress": 50,
        "smart": {
            "specific": True,
            "measurable": True,
            "achievable": True,
            "relevant": True,
            "time_bound": True,
            "score": 5,
            "hints": [],
        },
        "version": 1,
    }


def test_the_smart_check_names_what_a_vague_goal_lacks(acme, api_as):
    goal = _goal(
        acme, title="Improve awareness", metric="", baseline=None, target=None, due_date=None
    )

    smart = api_as(acme.mia).get(f"{ACME}/goals/{goal.pk}/").json()["smart"]

    assert smart["score"] == 0
    assert "Set a due date." in smart["hints"]
    assert "Give the baseline: where the metric stands today." in smart["hints"]


def test_the_list_is_paginated_newest_period_first_then_by_rank(acme, api_as):
    old = PeriodFactory(workspace=acme.workspace, start_date=dt.date(2026, 1, 1))
    new = PeriodFactory(workspace=acme.workspace, start_date=dt.date(2026, 7, 1))
    second = _goal(acme, period=new, priority=2)
    first = _goal(acme, period=new, priority=1)
    older = _goal(acme, period=old)

    body = api_as(acme.mia).get(f"{ACME}/goals/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [g["id"] for g in body["results"]] == [first.pk, second.pk]
    assert body["next"].endswith("page=2&page_size=2")
    assert body["previous"] is None
    last = api_as(acme.mia).get(body["next"]).json()
    assert [g["id"] for g in last["results"]] == [older.pk]


def test_an_empty_workspace_lists_no_goals(acme, api_as):
    body = api_as(acme.mia).get(f"{ACME}/goals/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_goals_filter_by_department_status_period_and_search(acme, api_as):
    period = PeriodFactory(workspace=acme.workspace)
    product = _goal(acme, title="Ship the mobile app by December", period=period)
    sales = _goal(
        acme,
        owner_departments=[acme.sales],
        title="Close 20 enterprise deals",
        status=Goal.Status.AT_RISK,
    )
    achieved = _goal(acme, owner_departments=[acme.sales], status=Goal.Status.ACHIEVED)
    client = api_as(acme.mia)

    def ids(**query) -> list[int]:
        response = client.get(f"{ACME}/goals/", query)
        assert response.status_code == 200, response.content
        return sorted(g["id"] for g in response.json()["results"])

    assert ids(department=acme.sales.pk) == sorted([sales.pk, achieved.pk])
    assert ids(status="at_risk") == [sales.pk]
    assert ids(status="open") == sorted([product.pk, sales.pk])
    assert ids(period=period.pk) == [product.pk]
    assert ids(search="MOBILE") == [product.pk]
    assert ids(search="enterprise", department=acme.sales.pk) == [sales.pk]
    assert ids(department=999_999) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"department": "sales"}, "department"),
        ({"department": 0}, "department"),
        ({"status": "late"}, "status"),
        ({"period": "Q4"}, "period"),
        ({"search": "x" * 101}, "search"),
        ({"page_size": 10, "period": "-1"}, "period"),
        ({"period": 2**64}, "period"),
        ({"department": 2**70}, "department"),
    ],
)
def test_a_bad_goal_filter_gets_400_naming_it(acme, api_as, query, field):
    response = api_as(acme.mia).get(f"{ACME}/goals/", query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_goal_of_another_workspace_is_404(acme, globex, api_as):
    foreign = GoalFactory(workspace=globex)
    assert api_as(acme.ada).get(f"{ACME}/goals/{foreign.pk}/").status_code == 404
    assert api_as(acme.ada).get(f"{ACME}/goals/999999/").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def _grow(acme, count: int) -> None:
    """Goals like real ones: shared owners, a contributor, a KPI with history, a parent."""
    period = PeriodFactory(workspace=acme.workspace)
    parent = _goal(acme, owner_departments=[acme.product, acme.marketing], period=period)
    for _ in range(count - 1):
        kpi = KPIFactory(workspace=acme.workspace)
        MeasurementFactory.create_batch(3, kpi=kpi)
        _goal(
            acme,
            owner_departments=[acme.product, acme.sales],
            contributing_departments=[acme.operations],
            parent=parent,
            period=period,
            kpi=kpi,
        )


def test_the_goal_list_makes_the_same_few_queries_for_10_or_60_goals(acme, api_as, count_queries):
    client = api_as(acme.mia)
    url = f"{ACME}/goals/?page_size=100"
    _grow(acme, 10)
    few = count_queries(client, url)
    _grow(acme, 50)
    many = count_queries(client, url)

    assert len(client.get(url).json()["results"]) == 60
    assert few == many
    # token, membership, count, the page, its departments, its KPI histories
    assert many.count == 6, many


def test_a_goal_and_a_patch_make_few_queries(acme, api_as, count_queries):
    _grow(acme, 3)
    goal = Goal.objects.filter(kpi__isnull=False).first()
    client = api_as(acme.claire)

    detail = count_queries(client, f"{ACME}/goals/{goal.pk}/")
    patch = count_queries(
        client, f"{ACME}/goals/{goal.pk}/", method="patch", data={"unit": "leads"}
    )

    # token, membership, the goal, its departments, its KPI's history
    assert detail.count == 5, detail
    # token, membership, the goal with its departments; in a savepoint: the goal locked, its
    # departments read again, the update (the same patch again: no audit row); the answer's KPI
    # history (its departments come with the goal)
    assert patch.count == 10, patch


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


# --- ETag and If-Match -------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["exact", "list", "any"])
def test_a_write_with_the_current_etag_succeeds(acme, api_as, form):
    goal = _goal(acme)
    etag = _etag(goal)
    header = {
        "exact": etag,
        "list": f'"goal-{goal.pk}-v0", {etag}',
        "any": "*",
    }[form]

    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=header
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'


def test_a_weak_etag_never_matches_if_match(acme, api_as):
    """If-Match compares strongly (RFC 9110): the current version marked weak is refused."""
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=f"W/{_etag(goal)}"
    )
    assert response.status_code == 412
    assert Goal.objects.get().unit != "users"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_a_write_with_a_stale_etag_gets_412_and_saves_nothing(acme, api_as, method):
    goal = _goal(acme)
    client = api_as(acme.leo)
    stale = client.get(f"{ACME}/goals/{goal.pk}/")["ETag"]
    client.patch(f"{ACME}/goals/{goal.pk}/", {"unit": "users"})  # someone else saves

    response = getattr(client, method)(
        f"{ACME}/goals/{goal.pk}/",
        {"title": "Mine", "owner_departments": [acme.product.pk]},
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'
    assert "changed since you read it" in response.json()["detail"]
    assert Goal.objects.get().title != "Mine"


@pytest.mark.parametrize("header", ['"nonsense"', "goal-1-v1", '"goal-0-v1"'])
def test_an_if_match_that_names_no_version_of_the_goal_gets_412(acme, api_as, header):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=header
    )
    assert response.status_code == 412


@pytest.fixture
def save_meanwhile(monkeypatch):
    """Someone saves the goal between the request's read and its write."""
    real = goal_services.goal_update

    def update(*, goal, **kwargs):
        Goal.objects.filter(pk=goal.pk).update(version=F("version") + 1)
        return real(goal=goal, **kwargs)

    monkeypatch.setattr(goals_api, "goal_update", update)


def test_a_save_landing_during_a_conditional_write_gets_412(acme, api_as, save_meanwhile):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(
        f"{ACME}/goals/{goal.pk}/", {"unit": "users"}, HTTP_IF_MATCH=_etag(goal)
    )
    assert response.status_code == 412
    assert response["ETag"] == f'"goal-{goal.pk}-v2"'
    assert Goal.objects.get().unit == "leads"


def test_a_save_landing_during_an_unconditional_write_gets_409(acme, api_as, save_meanwhile):
    goal = _goal(acme)
    response = api_as(acme.leo).patch(f"{ACME}/goals/{goal.pk}/", {"unit": "users"})
    assert response.status_code == 409
    assert "nothing was saved" in response.json()["detail"]
    assert Goal.objects.get().unit == "leads"


def test_a_stale_close_gets_412(acme, api_as):
    goal = _goal(acme)
    stale = _etag(goal)
    Goal.objects.filter(pk=goal.pk).update(version=5)

    response = api_as(acme.leo).post(
        f"{ACME}/goals/{goal.pk}/close/",
        {"status": "achieved", "what_worked": "a", "what_to_change": "b"},
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert not Retrospective.objects.exists()


def test_a_guest_turned_member_reads_goals_but_a_guest_does_not(acme, api_as):
    _goal(acme)
    assert api_as(acme.gus).get(f"{ACME}/goals/").status_code == 403
    member = MembershipFactory(workspace=acme.workspace, role=Role.MEMBER).user
    assert api_as(member).get(f"{ACME}/goals/").json()["count"] == 1


def test_a_lead_of_a_new_department_sets_goals_for_it(acme, api_as):
    finance = DepartmentFactory(workspace=acme.workspace, name="Finance")
    lead = MembershipFactory(workspace=acme.workspace, role=Role.LEAD, departments=[finance]).user

    response = api_as(lead).post(
        f"{ACME}/goals/", {"title": "Close the books in 5 days", "owner_departments": [finance.pk]}
    )

    assert response.status_code == 201, response.content


def test_the_schema_documents_if_match_412_and_the_etag_on_goal_writes_only(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    goal = paths["/api/v1/workspaces/{slug}/goals/{id}/"]
    department = paths["/api/v1/workspaces/{slug}/departments/{id}/"]

    for method in ("put", "patch"):
        assert "If-Match" in [p["name"] for p in goal[method]["parameters"]]
        assert "412" in goal[method]["responses"]
        assert "ETag" in goal[method]["responses"]["200"]["headers"]
        assert "412" not in department[method]["responses"]
    assert "ETag" in goal["get"]["responses"]["200"]["headers"]
    assert "412" in paths["/api/v1/workspaces/{slug}/goals/{id}/close/"]["post"]["responses"]


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
