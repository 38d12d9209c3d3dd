"""The goal page: progress, numbers, departments, alignment chain, steps and their weights,
check-ins, the KPI chart, activity and the SMART check."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from goals.services.goals import goal_create, goal_update
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    GoalFactory,
    KPIFactory,
    MeasurementFactory,
    member,
)

pytestmark = pytest.mark.django_db


def _detail(goal) -> str:
    return reverse("goal_detail", kwargs={"ws": "acme", "pk": goal.pk})


@pytest.fixture
def shared(acme):
    kpi = KPIFactory(
        workspace=acme.workspace,
        name="Aided awareness",
        unit="%",
        direction="increase",
        green_threshold=Decimal(25),
        red_threshold=Decimal(18),
    )
    for day, value in enumerate([20, 21, 22], start=1):
        MeasurementFactory(kpi=kpi, date=dt.date(2026, 10, day), value=Decimal(value))
    top = goal_create(
        membership=member(acme.claire),
        title="Increase product awareness by 30% through targeted campaigns",
        owner_departments=[acme.marketing, acme.product],
        contributing_departments=[acme.sales],
        accountable=acme.claire,
        kpi=kpi,
        metric="Aided awareness",
        unit="%",
        baseline=Decimal(20),
        target=Decimal(26),
        start_date=dt.date(2026, 10, 1),
        due_date=dt.date(2026, 12, 31),
    )
    return top


def test_member_sees_progress_numbers_departments_and_both_statuses(acme, as_user, shared):
    response = as_user(acme.mia).get(_detail(shared))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-valuenow="33"' in html
    for text in ("Baseline", "Current", "Target", "Shared goal", "Marketing", "Product", "Sales"):
        assert text in html
    assert "Status set by hand" in html
    assert "By pace against the due date" in html
    assert response.context["pace"] in {"on_track", "at_risk", "off_track"}
    assert "Edit the goal" not in html


def test_chain_runs_from_the_mission_to_the_goal(acme, as_user, shared):
    step = GoalFactory(workspace=acme.workspace, parent=shared, owner_departments=[acme.product])
    sub = GoalFactory(workspace=acme.workspace, parent=step, owner_departments=[acme.product])
    response = as_user(acme.mia).get(_detail(sub))
    assert response.context["chain"] == [shared, step]
    assert "Mission" in response.content.decode()


def test_steps_show_their_share_of_the_parents_progress(acme, as_user, shared):
    GoalFactory(workspace=acme.workspace, parent=shared, weight=3, owner_departments=[acme.product])
    GoalFactory(workspace=acme.workspace, parent=shared, weight=1, owner_departments=[acme.sales])
    children = as_user(acme.mia).get(_detail(shared)).context["children"]
    assert sorted(child.share for child in children) == [25, 75]


def test_check_ins_newest_first_at_most_ten(acme, as_user, shared):
    for week in range(12):
        cycle = CycleFactory(
            workspace=acme.workspace, starts_on=dt.date(2026, 1, 1) + dt.timedelta(weeks=week)
        )
        CheckInFactory(goal=shared, cycle=cycle, moved=f"Week {week}")
    checkins = as_user(acme.mia).get(_detail(shared)).context["checkins"]
    assert len(checkins) == 10
    assert checkins[0].created_at >= checkins[-1].created_at


def test_kpi_chart_data_is_passed_as_json(acme, as_user, shared):
    html = as_user(acme.mia).get(_detail(shared)).content.decode()
    start = html.index('id="goal-chart-data"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    chart = json.loads(payload)
    assert chart["values"] == [20.0, 21.0, 22.0]
    assert (chart["target"], chart["green"], chart["red"]) == (26.0, 25.0, 18.0)
    assert "js/goals.js" in html
    assert "chart.umd.min.js" in html


def test_goal_without_kpi_loads_no_chart_script(acme, as_user):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    assert "chart.umd.min.js" not in as_user(acme.mia).get(_detail(goal)).content.decode()


def test_activity_shows_who_changed_what(acme, as_user, shared):
    goal_update(goal=shared, membership=member(acme.claire), target=Decimal(27))
    html = as_user(acme.mia).get(_detail(shared)).content.decode()
    assert "changed target" in html
    assert "26.0000 → 27" in html


def test_smart_check_of_the_saved_goal_is_shown(acme, as_user, shared):
    response = as_user(acme.mia).get(_detail(shared))
    assert response.context["smart"].relevant is False
    assert "Link it to a parent goal" in response.content.decode()


def test_an_editor_gets_edit_close_and_step_buttons(acme, as_user, shared):
    html = as_user(acme.claire).get(_detail(shared)).content.decode()
    for label in ("Edit the goal", "Close the goal", "Add a step"):
        assert label in html


def test_goal_of_another_workspace_is_404(acme, globex, as_user):
    foreign = GoalFactory(workspace=globex)
    assert as_user(acme.ada).get(_detail(foreign)).status_code == 404


# --- Weights of the steps --------------------------------------------------------------------


def test_editor_adjusts_the_steps_weights_and_the_parent_rolls_up_again(acme, as_user, shared):
    done = GoalFactory(
        workspace=acme.workspace,
        parent=shared,
        owner_departments=[acme.product],
        current_value=Decimal(130),
        progress=100,
    )
    idle = GoalFactory(
        workspace=acme.workspace, parent=shared, owner_departments=[acme.sales], progress=0
    )
    url = reverse("goal_weights", kwargs={"ws": "acme", "pk": shared.pk})
    response = as_user(acme.claire).post(url, {f"weight-{done.pk}": 3, f"weight-{idle.pk}": 1})
    assert response.status_code == 302
    shared.refresh_from_db()
    done.refresh_from_db()
    assert done.weight == 3
    assert shared.progress == 75
    assert AuditEvent.objects.filter(target_id=shared.pk, verb="reweighted").exists()


@pytest.mark.parametrize("weight", ["0", "101", "heavy"])
def test_a_bad_weight_changes_nothing(acme, as_user, shared, weight):
    step = GoalFactory(workspace=acme.workspace, parent=shared, owner_departments=[acme.product])
    url = reverse("goal_weights", kwargs={"ws": "acme", "pk": shared.pk})
    response = as_user(acme.claire).post(url, {f"weight-{step.pk}": weight})
    assert response.status_code == 400
    step.refresh_from_db()
    assert step.weight == 1
    assert not AuditEvent.objects.filter(verb="reweighted").exists()
    assert "whole number from 1 to 100" in response.content.decode()


def test_lead_cannot_reweigh_a_shared_goal(acme, as_user, shared):
    url = reverse("goal_weights", kwargs={"ws": "acme", "pk": shared.pk})
    assert as_user(acme.leo).post(url, {}).status_code == 403
