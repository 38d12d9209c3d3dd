"""The check-in endpoints of a goal: reading, logging and correcting with the check-in page's
rules, asks, bad input, and query counts."""

import datetime as dt
from decimal import Decimal

import pytest

from checkins.cycles import current_bounds
from checkins.models import Ask, CheckIn, Cycle
from goals.models import Goal
from tests.factories import CheckInFactory, GoalFactory

pytestmark = pytest.mark.django_db

ACME = "/api/v1/workspaces/acme"


@pytest.fixture
def goal(acme) -> Goal:
    """Product's goal (leo leads product, claire sponsors it): 100 → 130 leads."""
    return GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])


def _url(goal: Goal) -> str:
    return f"{ACME}/goals/{goal.pk}/checkins/"


def _later(acme, days: int = 7) -> str:
    """A date ``days`` after acme's today, as the API writes it."""
    return str(acme.workspace.today() + dt.timedelta(days=days))


def _past_checkin(acme, goal: Goal, weeks_ago: int, **fields) -> CheckIn:
    starts = current_bounds(acme.workspace).starts_on - dt.timedelta(weeks=2 * weeks_ago)
    cycle, _ = Cycle.objects.get_or_create(
        workspace=acme.workspace, starts_on=starts, defaults={"due_on": starts + dt.timedelta(9)}
    )
    return CheckInFactory(cycle=cycle, goal=goal, author=acme.leo, **fields)


# --- Logging -----------------------------------------------------------------------------------


def test_a_lead_logs_a_checkin_and_the_goal_follows(acme, goal, api_as):
    response = api_as(acme.leo).post(
        _url(goal),
        {
            "value": "115",
            "confidence": 5,
            "moved": "Two webinars ran.",
            "blockers": "Design review is late.",
            "next_steps": "Ship the landing page.",
            "asks": [
                {"to_department": acme.sales.pk, "text": "Two quotes", "due_on": _later(acme)}
            ],
        },
    )

    assert response.status_code == 201, response.content
    checkin = CheckIn.objects.get()
    body = response.json()
    assert body.pop("created_at")
    ask = Ask.objects.get()
    bounds = current_bounds(acme.workspace)
    assert body == {
        "id": checkin.pk,
        "goal": goal.pk,
        "cycle": {"starts_on": str(bounds.starts_on), "due_on": str(bounds.due_on)},
        "author": acme.leo.pk,
        "value": "115.0000",
        "confidence": 5,
        "status": "at_risk",
        "moved": "Two webinars ran.",
        "blockers": "Design review is late.",
        "next_steps": "Ship the landing page.",
        "asks": [
            {
                "id": ask.pk,
                "from_department": acme.product.pk,
                "to_department": acme.sales.pk,
                "text": "Two quotes",
                "due_on": _later(acme),
                "status": "open",
            }
        ],
    }
    goal.refresh_from_db()
    assert (goal.status, goal.current_value, goal.progress) == ("at_risk", Decimal("115"), 50)


def test_a_second_checkin_in_the_cycle_corrects_the_first(acme, goal, api_as):
    client = api_as(acme.leo)
    first = client.post(_url(goal), {"value": "110", "confidence": 8})

    second = client.post(_url(goal), {"value": "120", "confidence": 8, "moved": "More leads."})

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert CheckIn.objects.get().value == Decimal("120")


def test_set_status_false_leaves_the_goals_status(acme, goal, api_as):
    response = api_as(acme.leo).post(
        _url(goal), {"value": "101", "confidence": 2, "set_status": False}
    )
    assert response.status_code == 201
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ON_TRACK


def test_a_goal_without_a_target_takes_a_checkin_without_a_value(acme, api_as):
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], baseline=None, target=None
    )
    response = api_as(acme.leo).post(_url(goal), {"confidence": 9})
    assert response.status_code == 201, response.content
    assert response.json()["value"] is None


def test_the_executive_sponsoring_an_owner_department_logs_checkins(acme, goal, api_as):
    response = api_as(acme.claire).post(_url(goal), {"value": "120", "confidence": 9})
    assert response.status_code == 201


def test_a_member_who_answers_for_no_owner_department_gets_403(acme, goal, api_as):
    response = api_as(acme.mia).post(_url(goal), {"value": "120", "confidence": 9})
    assert response.status_code == 403
    assert "leads of the goal's owner departments" in response.json()["detail"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"),
    [(Goal.Status.DRAFT, "still a draft"), (Goal.Status.ACHIEVED, "closed goals take no more")],
)
def test_a_draft_or_closed_goal_takes_no_checkin(acme, api_as, status, words):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product], status=status)

    response = api_as(acme.leo).post(_url(goal), {"value": "120", "confidence": 9})

    assert response.status_code == 400
    assert words in response.json()["non_field_errors"][0]


def test_a_goal_that_does_not_exist_or_is_elsewhere_is_404(acme, globex, api_as):
    foreign = GoalFactory(workspace=globex)
    client = api_as(acme.ada)
    for goal_id in (foreign.pk, 999_999, 2**70):
        url = f"{ACME}/goals/{goal_id}/checkins/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"value": "1", "confidence": 5}).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "120"}, "confidence"),
        ({"value": "120", "confidence": 0}, "confidence"),
        ({"value": "120", "confidence": 11}, "confidence"),
        ({"value": "120", "confidence": "high"}, "confidence"),
        ({"value": "lots", "confidence": 5}, "value"),
        ({"value": "1e30", "confidence": 5}, "value"),
        ({"confidence": 5}, "value"),
        ({"value": None, "confidence": 5}, "value"),
        ({"value": "120", "confidence": 5, "moved": "x" * 5001}, "moved"),
        ({"value": "120", "confidence": 5, "set_status": "maybe"}, "set_status"),
        ({"value": "120", "confidence": 5, "asks": "quotes"}, "asks"),
        ({"value": "120", "confidence": 5, "asks": [{"text": "Quotes"}]}, "asks"),
        ({"value": "120", "confidence": 5, "asks": ["own"]}, "asks"),
        ({"value": "120", "confidence": 5, "asks": ["past"]}, "asks"),
        ({"value": "120", "confidence": 5, "asks": ["unknown"]}, "asks"),
        ({"value": "120", "confidence": 5, "asks": ["sales"] * 11}, "asks"),
    ],
)
def test_a_bad_checkin_gets_400_naming_the_field(acme, goal, api_as, data, field):
    to = {"own": acme.product.pk, "past": acme.sales.pk, "unknown": 999_999, "sales": acme.sales.pk}
    if isinstance(data.get("asks"), list):
        data["asks"] = [
            ask
            if isinstance(ask, dict)
            else {
                "to_department": to[ask],
                "text": "Quotes",
                "due_on": _later(acme, -1 if ask == "past" else 7),
            }
            for ask in data["asks"]
        ]

    response = api_as(acme.leo).post(_url(goal), data)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not CheckIn.objects.exists()
    assert not Ask.objects.exists()


# --- Reading -----------------------------------------------------------------------------------


def test_a_goals_checkins_list_newest_first_and_only_its_own(acme, goal, api_as):
    old = _past_checkin(acme, goal, 2, confidence=3)
    recent = _past_checkin(acme, goal, 1, confidence=8)
    other = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    _past_checkin(acme, other, 1)

    body = api_as(acme.mia).get(_url(goal)).json()

    assert body["count"] == 2
    assert [(c["id"], c["status"]) for c in body["results"]] == [
        (recent.pk, "on_track"),
        (old.pk, "off_track"),
    ]


def test_a_goal_without_checkins_lists_none(acme, goal, api_as):
    body = api_as(acme.mia).get(_url(goal)).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_one_checkin_reads_under_its_own_goal_only(acme, goal, api_as):
    checkin = _past_checkin(acme, goal, 1)
    other = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    client = api_as(acme.mia)

    assert client.get(f"{_url(goal)}{checkin.pk}/").json()["id"] == checkin.pk
    assert client.get(f"{_url(other)}{checkin.pk}/").status_code == 404
    assert client.get(f"{ACME}/goals/{2**70}/checkins/{checkin.pk}/").status_code == 404
    assert client.get(f"{_url(goal)}{2**70}/").status_code == 404


def test_a_guest_reads_no_checkins(acme, goal, api_as):
    assert api_as(acme.gus).get(_url(goal)).status_code == 404


def _grow(acme, goal, count: int) -> None:
    done = CheckIn.objects.filter(goal=goal).count()
    for weeks_ago in range(done + 1, done + count + 1):
        checkin = _past_checkin(acme, goal, weeks_ago)
        Ask.objects.create(
            workspace=acme.workspace,
            goal=goal,
            checkin=checkin,
            from_department=acme.product,
            to_department=acme.sales,
            text="Quotes",
            due_on=dt.date(2027, 1, 1),
            created_by=acme.leo,
        )


def test_the_checkin_list_makes_the_same_few_queries_for_5_or_40_checkins(
    acme, goal, api_as, count_queries
):
    client = api_as(acme.mia)
    url = f"{_url(goal)}?page_size=100"
    _grow(acme, goal, 5)
    few = count_queries(client, url)
    _grow(acme, goal, 35)
    many = count_queries(client, url)

    assert len(client.get(url).json()["results"]) == 40
    assert few == many
    # token, membership, the goal, count, the page with cycles, their asks
    assert many.count == 6, many


def test_logging_a_checkin_makes_the_same_queries_as_history_grows(
    acme, goal, api_as, count_queries
):
    client = api_as(acme.leo)
    data = {"value": "120", "confidence": 5}
    _grow(acme, goal, 3)
    few = count_queries(client, _url(goal), method="post", data=data)
    _grow(acme, goal, 30)
    many = count_queries(client, _url(goal), method="post", data=data)

    assert few == many
    # the check-in service's own (locks, cycle, audit, reminders, status, progress, webhooks)
    # and the answer's: token, membership, goal and departments, cycle check, the check-in
    assert many.count <= 25, many


def _with_asks(acme, *departments) -> dict:
    asks = [{"to_department": d.pk, "text": "Quotes", "due_on": _later(acme)} for d in departments]
    return {"value": "120", "confidence": 5, "asks": asks}


def test_each_more_ask_costs_only_its_own_two_rows(acme, goal, api_as, count_queries):
    """The asks' departments are read in one query, their leads' memberships in another, and
    their reminders written together: an ask more is its row and its audit row."""
    client = api_as(acme.leo)
    one = count_queries(client, _url(goal), method="post", data=_with_asks(acme, acme.sales))
    three = count_queries(
        client,
        _url(goal),
        method="post",
        data=_with_asks(acme, acme.sales, acme.marketing, acme.operations),
    )

    assert three.count - one.count == 2 * 2, three


def test_an_unknown_department_is_named_on_its_own_ask(acme, goal, api_as):
    data = _with_asks(acme, acme.sales, acme.marketing)
    data["asks"][1]["to_department"] = 999_999

    response = api_as(acme.leo).post(_url(goal), data)

    assert response.status_code == 400
    assert response.json()["asks"] == {
        "1": {"to_department": ["Nothing with id 999999 exists in this workspace."]}
    }
