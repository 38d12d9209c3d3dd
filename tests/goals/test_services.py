"""The goal services: the one place every write path checks workspace links."""

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from goals.services.goals import StaleGoalError, goal_create, goal_update
from goals.services.kpis import kpi_create
from tests.factories import GoalFactory, KPIFactory, PeriodFactory, member

pytestmark = pytest.mark.django_db


def test_goal_create_records_owners_contributors_and_an_audit_row(acme):
    goal = goal_create(
        membership=member(acme.claire),
        title="Increase product awareness by 30% this quarter",
        owner_departments=[acme.marketing, acme.product],
        contributing_departments=[acme.sales],
    )
    assert set(goal.owner_departments.all()) == {acme.marketing, acme.product}
    assert list(goal.contributing_departments.all()) == [acme.sales]
    event = AuditEvent.objects.get(target_type="goal", target_id=goal.pk)
    assert event.actor == acme.claire
    assert event.verb == "created"


def test_goal_cannot_be_owned_by_a_department_of_another_workspace(acme, globex):
    with pytest.raises(ValidationError) as error:
        goal_create(
            membership=member(acme.claire),
            title="Steal a department",
            owner_departments=[acme.marketing, globex.departments.first()],
        )
    assert "owner_departments" in error.value.message_dict


@pytest.mark.parametrize("link", ["parent", "period", "kpi"])
def test_goal_cannot_link_to_objects_of_another_workspace(acme, globex, link):
    foreign = {
        "parent": lambda: GoalFactory(workspace=globex),
        "period": lambda: PeriodFactory(workspace=globex),
        "kpi": lambda: KPIFactory(workspace=globex),
    }[link]()
    with pytest.raises(ValidationError) as error:
        goal_create(
            membership=member(acme.claire),
            title="Cross the line",
            owner_departments=[acme.marketing],
            **{link: foreign},
        )
    assert link in error.value.message_dict


def test_goal_needs_an_owner_department(acme):
    with pytest.raises(ValidationError) as error:
        goal_create(membership=member(acme.claire), title="Orphan", owner_departments=[])
    assert "owner_departments" in error.value.message_dict


def test_accountable_person_must_be_a_member(acme, oscar):
    with pytest.raises(ValidationError) as error:
        goal_create(
            membership=member(acme.claire),
            title="Outsourced",
            owner_departments=[acme.marketing],
            accountable=oscar,
        )
    assert "accountable" in error.value.message_dict


def test_goal_update_refuses_a_cycle_in_the_parent_chain(acme):
    top = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    step = GoalFactory(workspace=acme.workspace, parent=top, owner_departments=[acme.marketing])
    with pytest.raises(ValidationError) as error:
        goal_update(goal=top, membership=member(acme.claire), parent=step)
    assert "parent" in error.value.message_dict


def test_goal_update_with_a_stale_version_is_refused_and_changes_nothing(acme):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    goal_update(goal=goal, membership=member(acme.claire), version=1, title="First editor wins")
    with pytest.raises(StaleGoalError) as error:
        goal_update(goal=goal, membership=member(acme.leo), version=1, title="Second editor")
    goal.refresh_from_db()
    assert goal.title == "First editor wins"
    assert error.value.current.title == "First editor wins"
    assert goal.version == 2


def test_goal_update_audits_what_changed(acme):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing], title="Old")
    goal_update(
        goal=goal, membership=member(acme.claire), title="New", owner_departments=[acme.product]
    )
    event = AuditEvent.objects.filter(target_type="goal", verb="updated").get()
    assert event.changes["title"] == ["Old", "New"]
    assert event.changes["owner_departments"] == [["Marketing"], ["Product"]]


def test_kpi_owners_must_be_of_the_workspace(acme, globex):
    with pytest.raises(ValidationError):
        kpi_create(
            workspace=acme.workspace,
            actor=acme.claire,
            name="Customer acquisition cost",
            owner_departments=[globex.departments.first()],
        )


def test_changing_a_steps_parent_rolls_up_both_parents(acme):
    from decimal import Decimal

    old = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    new = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    step = goal_create(
        membership=member(acme.claire),
        title="Ship the pricing page",
        owner_departments=[acme.marketing],
        parent=old,
        baseline=Decimal(0),
        target=Decimal(10),
        current_value=Decimal(10),
    )
    old.refresh_from_db()
    assert (step.progress, old.progress) == (100, 100)
    goal_update(goal=step, membership=member(acme.claire), parent=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.progress, new.progress) == (0, 100)


def test_goal_update_writes_only_the_fields_it_was_given(acme):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.marketing], priority=4)
    stale = type(goal).objects.get(pk=goal.pk)
    type(goal).objects.filter(pk=goal.pk).update(priority=1)
    goal_update(goal=stale, membership=member(acme.claire), title="Renamed")
    goal.refresh_from_db()
    assert (goal.title, goal.priority) == ("Renamed", 1)
