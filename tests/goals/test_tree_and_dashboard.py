"""The alignment tree (mission → shared goals → department steps) and the dashboard."""

import datetime as dt

import pytest
from django.urls import reverse

from goals.models import Win
from tests.factories import GoalFactory, PeriodFactory

pytestmark = pytest.mark.django_db

TREE = reverse("alignment_tree", kwargs={"ws": "acme"})
HOME = reverse("dashboard", kwargs={"ws": "acme"})


@pytest.fixture
def period(acme):
    today = dt.date.today()
    return PeriodFactory(
        workspace=acme.workspace,
        name="Now",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
    )


def test_tree_nests_steps_under_their_shared_goal_and_flags_gaps(acme, as_user, period):
    acme.workspace.mission = "Win the mid-market together."
    acme.workspace.save()
    shared = GoalFactory(
        workspace=acme.workspace,
        period=period,
        title="Shared",
        accountable=acme.claire,
        owner_departments=[acme.marketing, acme.product],
    )
    step = GoalFactory(
        workspace=acme.workspace,
        period=period,
        parent=shared,
        title="Step",
        accountable=acme.leo,
        owner_departments=[acme.product],
    )
    GoalFactory(
        workspace=acme.workspace,
        period=period,
        title="Loose",
        accountable=acme.mia,
        owner_departments=[acme.sales],
    )
    GoalFactory(workspace=acme.workspace, period=period, parent=shared, title="Orphan step")
    GoalFactory(
        workspace=acme.workspace,
        period=period,
        title="Dropped",
        status="dropped",
        owner_departments=[acme.sales],
    )

    response = as_user(acme.mia).get(TREE)

    roots = response.context["roots"]
    assert [node.goal.title for node in roots] == ["Shared", "Loose"]
    assert [child.goal.title for child in roots[0].children] == ["Step", "Orphan step"]
    assert roots[0].flags == []
    assert roots[0].children[0].flags == []
    assert roots[1].flags == ["Not aligned: no parent goal"]
    assert roots[0].children[1].flags == ["No owner department", "No accountable person"]
    html = response.content.decode()
    assert "Win the mid-market together." in html
    assert html.count("<details") == 1
    assert "Dropped" not in html
    assert step.title in html


def test_tree_shows_the_chosen_period(acme, as_user, period):
    other = PeriodFactory(
        workspace=acme.workspace,
        name="Later",
        start_date=period.end_date + dt.timedelta(days=1),
        end_date=period.end_date + dt.timedelta(days=90),
    )
    GoalFactory(
        workspace=acme.workspace,
        period=other,
        title="Goal of the next quarter",
        owner_departments=[acme.sales, acme.product],
    )
    client = as_user(acme.mia)
    assert "Goal of the next quarter" not in client.get(TREE).content.decode()
    assert "Goal of the next quarter" in client.get(TREE, {"period": other.pk}).content.decode()


def test_a_step_whose_parent_is_in_another_period_is_still_shown(acme, as_user, period):
    old = PeriodFactory(
        workspace=acme.workspace,
        name="Before",
        start_date=period.start_date - dt.timedelta(days=90),
        end_date=period.start_date - dt.timedelta(days=1),
    )
    parent = GoalFactory(workspace=acme.workspace, period=old, owner_departments=[acme.sales])
    GoalFactory(
        workspace=acme.workspace,
        period=period,
        parent=parent,
        title="Carried step",
        owner_departments=[acme.sales],
    )
    roots = as_user(acme.mia).get(TREE).context["roots"]
    assert [node.goal.title for node in roots] == ["Carried step"]
    assert roots[0].flags == ["No accountable person"]


def test_empty_tree_says_what_to_do(acme, as_user):
    assert "No periods yet" in as_user(acme.leo).get(TREE).content.decode()


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_counts_shared_goals_by_department_and_status(acme, as_user, period):
    for status in ("on_track", "on_track", "at_risk"):
        GoalFactory(
            workspace=acme.workspace,
            period=period,
            status=status,
            owner_departments=[acme.marketing, acme.product],
        )
    GoalFactory(workspace=acme.workspace, period=period, owner_departments=[acme.marketing])
    grid = as_user(acme.mia).get(HOME).context["grid"]
    rows = {department.name: dict(cells) for department, cells in grid.rows}
    assert rows["Marketing"]["on_track"] == 2
    assert rows["Product"]["at_risk"] == 1
    assert rows["Sales"]["on_track"] == 0
    assert grid.total == 6


def test_dashboard_puts_off_track_and_overdue_goals_before_at_risk_ones(acme, as_user, period):
    today = dt.date.today()
    GoalFactory(
        workspace=acme.workspace,
        title="At risk",
        status="at_risk",
        due_date=today + dt.timedelta(days=5),
        owner_departments=[acme.sales],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Overdue",
        status="on_track",
        start_date=today - dt.timedelta(days=60),
        due_date=today - dt.timedelta(days=2),
        owner_departments=[acme.sales],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Off track",
        status="off_track",
        due_date=today + dt.timedelta(days=20),
        owner_departments=[acme.sales],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Fine",
        status="on_track",
        due_date=today + dt.timedelta(days=20),
        owner_departments=[acme.sales],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Closed late",
        status="missed",
        due_date=today - dt.timedelta(days=20),
        owner_departments=[acme.sales],
    )
    response = as_user(acme.mia).get(HOME)
    assert [g.title for g in response.context["attention"]] == ["Overdue", "Off track", "At risk"]
    assert "Overdue since" in response.content.decode()


def test_dashboard_shows_recent_wins_and_keeps_the_lazy_panels(acme, as_user, period):
    goal = GoalFactory(
        workspace=acme.workspace,
        status="achieved",
        owner_departments=[acme.marketing, acme.product],
    )
    Win.objects.create(workspace=acme.workspace, goal=goal, text="Marketing and Product won")
    html = as_user(acme.mia).get(HOME).content.decode()
    assert "Marketing and Product won" in html
    assert 'id="kpi-panel"' in html
    assert reverse("kpi_panel", kwargs={"ws": "acme"}) in html
    assert 'id="checkin-panel"' in html
    assert reverse("checkin_panel", kwargs={"ws": "acme"}) in html


def test_empty_dashboard_says_what_to_do_next(acme, as_user):
    html = as_user(acme.leo).get(HOME).content.decode()
    assert "No shared goals" in html
    assert "Set a shared goal" in html
    assert "Nothing is at risk" in html


def test_guest_keeps_the_guest_page(acme, as_user):
    html = as_user(acme.gus).get(HOME).content.decode()
    assert "You are a guest here." in html
    assert "Needs attention" not in html


def test_navigation_links_the_goal_sections(acme, as_user):
    html = as_user(acme.mia).get(HOME).content.decode()
    for name in ("goal_list", "alignment_tree", "priorities", "retrospectives"):
        assert f'href="{reverse(name, kwargs={"ws": "acme"})}"' in html
    guest = as_user(acme.gus).get(HOME).content.decode()
    assert reverse("goal_list", kwargs={"ws": "acme"}) not in guest
