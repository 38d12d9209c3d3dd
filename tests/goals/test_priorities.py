"""Priorities: one ranked list of open shared goals per period, the same for everyone;
executives reorder it with the buttons or by dragging (the whole order at once)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from goals.services.ranking import priorities_set
from tests.factories import GoalFactory, PeriodFactory, member

pytestmark = pytest.mark.django_db

PAGE = reverse("priorities", kwargs={"ws": "acme"})
MOVE = reverse("priority_move", kwargs={"ws": "acme"})


@pytest.fixture
def period(acme):
    return PeriodFactory(workspace=acme.workspace)


@pytest.fixture
def ranked(acme, period):
    """Three shared goals ranked A, B, C; plus goals that are not on the list."""
    goals = [
        GoalFactory(
            workspace=acme.workspace,
            period=period,
            title=title,
            priority=rank,
            owner_departments=[acme.marketing, acme.product],
        )
        for rank, title in enumerate("ABC", start=1)
    ]
    GoalFactory(
        workspace=acme.workspace, period=period, title="Single", owner_departments=[acme.sales]
    )
    GoalFactory(
        workspace=acme.workspace,
        period=period,
        title="Done",
        status="achieved",
        owner_departments=[acme.marketing, acme.sales],
    )
    return goals


def _order(client, period) -> list[str]:
    return [goal.title for goal in client.get(PAGE, {"period": period.pk}).context["goals"]]


def test_everyone_sees_the_same_ranked_list_of_open_shared_goals(acme, as_user, period, ranked):
    assert _order(as_user(acme.mia), period) == ["A", "B", "C"]
    assert _order(as_user(acme.claire), period) == ["A", "B", "C"]


def test_members_see_it_read_only(acme, as_user, period, ranked):
    html = as_user(acme.mia).get(PAGE, {"period": period.pk}).content.decode()
    assert "Move up" not in html
    assert "priorities.js" not in html


def test_executive_moves_a_goal_up_with_the_button(acme, as_user, period, ranked):
    client = as_user(acme.claire)
    response = client.post(MOVE, {"goal": ranked[2].pk, "direction": "up"})
    assert response.status_code == 302
    assert _order(as_user(acme.mia), period) == ["A", "C", "B"]
    event = AuditEvent.objects.get(verb="reordered")
    assert event.changes == {"priorities": [["A", "B", "C"], ["A", "C", "B"]]}


def test_htmx_move_answers_with_the_list_and_a_trigger(acme, as_user, period, ranked):
    response = as_user(acme.claire).post(
        MOVE, {"goal": ranked[0].pk, "direction": "down"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "priorities-changed"
    html = response.content.decode()
    assert "<html" not in html
    assert html.index(">B<") < html.index(">A<") < html.index(">C<")


def test_moving_the_first_goal_up_keeps_the_order(acme, as_user, period, ranked):
    as_user(acme.claire).post(MOVE, {"goal": ranked[0].pk, "direction": "up"})
    assert _order(as_user(acme.mia), period) == ["A", "B", "C"]
    assert not AuditEvent.objects.filter(verb="reordered").exists()


def test_dragging_saves_the_whole_order(acme, as_user, period, ranked):
    order = [ranked[2].pk, ranked[0].pk, ranked[1].pk]
    response = as_user(acme.claire).post(
        PAGE, {"period": period.pk, "order": order}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert _order(as_user(acme.mia), period) == ["C", "A", "B"]
    for goal, rank in zip(ranked, (2, 3, 1), strict=True):
        goal.refresh_from_db()
        assert goal.priority == rank


def test_unranked_shared_goals_join_the_end_and_get_a_rank(acme, as_user, period, ranked):
    late = GoalFactory(
        workspace=acme.workspace,
        period=period,
        title="D",
        owner_departments=[acme.sales, acme.operations],
    )
    assert _order(as_user(acme.mia), period) == ["A", "B", "C", "D"]
    as_user(acme.claire).post(MOVE, {"goal": late.pk, "direction": "up"})
    late.refresh_from_db()
    assert late.priority == 3


@pytest.mark.parametrize(
    "order",
    [
        lambda goals: [goals[0].pk, goals[1].pk],
        lambda goals: [goals[0].pk, goals[0].pk, goals[1].pk, goals[2].pk],
        lambda goals: [goals[0].pk, goals[1].pk, goals[2].pk, 999_999],
    ],
    ids=["missing", "duplicate", "unknown"],
)
def test_an_order_that_does_not_match_the_list_changes_nothing(
    acme, as_user, period, ranked, order
):
    response = as_user(acme.claire).post(
        PAGE, {"period": period.pk, "order": order(ranked)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert _order(as_user(acme.mia), period) == ["A", "B", "C"]
    assert not AuditEvent.objects.filter(verb="reordered").exists()


def test_garbled_order_or_move_is_a_400(acme, as_user, period, ranked):
    client = as_user(acme.claire)
    assert client.post(PAGE, {"period": period.pk, "order": ["x"]}).status_code == 400
    assert client.post(MOVE, {"goal": ranked[0].pk, "direction": "sideways"}).status_code == 400


def test_moving_a_goal_that_is_not_ranked_shows_the_list_and_why(acme, as_user, period, ranked):
    single = GoalFactory(workspace=acme.workspace, period=period, owner_departments=[acme.sales])
    response = as_user(acme.claire).post(MOVE, {"goal": single.pk, "direction": "up"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Only open shared goals of a period are ranked. Nothing was saved." in html
    assert [goal.title for goal in response.context["goals"]] == ["A", "B", "C"]


def test_goal_or_period_of_another_workspace_is_404(acme, globex, as_user, period, ranked):
    foreign = GoalFactory(workspace=globex, priority=1)
    foreign_period = PeriodFactory(workspace=globex)
    client = as_user(acme.ada)
    assert client.post(MOVE, {"goal": foreign.pk, "direction": "up"}).status_code == 404
    assert client.post(PAGE, {"period": foreign_period.pk, "order": [1]}).status_code == 404


def test_lead_and_member_cannot_reorder(acme, as_user, period, ranked):
    for user in (acme.leo, acme.mia):
        client = as_user(user)
        assert client.post(MOVE, {"goal": ranked[2].pk, "direction": "up"}).status_code == 403
        order = [g.pk for g in reversed(ranked)]
        assert client.post(PAGE, {"period": period.pk, "order": order}).status_code == 403
    assert _order(as_user(acme.mia), period) == ["A", "B", "C"]


def test_the_service_refuses_a_period_of_another_workspace(acme, globex):
    with pytest.raises(ValidationError):
        priorities_set(
            membership=member(acme.claire),
            period=PeriodFactory(workspace=globex),
            ordered_ids=[],
        )


def test_no_period_yet_says_so(acme, as_user):
    html = as_user(acme.mia).get(PAGE).content.decode()
    assert "No periods yet" in html
