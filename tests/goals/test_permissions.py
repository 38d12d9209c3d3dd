"""Who may set and change goals: goals.permissions.can_edit_goal, the one rule."""

import pytest

from goals.permissions import can_create_goals, can_edit_goal
from teams.models import Membership

pytestmark = pytest.mark.django_db


def _membership(acme, user) -> Membership:
    return Membership.objects.get(workspace=acme.workspace, user=user)


def test_executive_and_admin_may_set_shared_goals(acme):
    for user in (acme.claire, acme.ada):
        assert can_edit_goal(_membership(acme, user), [acme.marketing, acme.product])


def test_lead_may_set_a_goal_of_their_own_department(acme):
    assert can_edit_goal(_membership(acme, acme.leo), [acme.product])


def test_lead_may_not_set_a_goal_of_another_department(acme):
    assert not can_edit_goal(_membership(acme, acme.leo), [acme.sales])


def test_lead_may_not_set_a_shared_goal_even_with_their_department(acme):
    membership = _membership(acme, acme.leo)
    membership.departments.add(acme.sales)
    assert not can_edit_goal(membership, [acme.product, acme.sales])


def test_lead_departments_given_by_the_caller_are_used_without_a_query(
    acme, django_assert_num_queries
):
    membership = _membership(acme, acme.leo)
    with django_assert_num_queries(0):
        assert can_edit_goal(membership, [acme.sales], own_departments=[acme.sales])


def test_members_and_guests_set_no_goals(acme):
    for user in (acme.mia, acme.gus):
        membership = _membership(acme, user)
        assert not can_create_goals(membership)
        assert not can_edit_goal(membership, [acme.sales])
