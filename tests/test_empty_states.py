"""An empty list says what to do next, with a link where the person may act (issue 14, 4)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import Goal
from tests.factories import GoalFactory, KPIFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def test_no_wins_yet_points_at_the_shared_goals_on_track(acme, as_user):
    GoalFactory(
        workspace=acme.workspace,
        owner_departments=[acme.product, acme.sales],
        status=Goal.Status.ON_TRACK,
    )
    html = as_user(acme.mia).get(url("dashboard")).content.decode()
    assert "No wins yet." in html
    assert f'href="{url("goal_list")}?shared=on&amp;status=on_track">See the shared goals' in html


def test_a_goal_without_check_ins_offers_its_lead_the_first_one(acme, as_user):
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], status=Goal.Status.ON_TRACK
    )
    first = f'href="{url("checkin_form", goal=goal.pk)}">Log the first check-in</a>'
    assert first in as_user(acme.leo).get(url("goal_detail", pk=goal.pk)).content.decode()
    member_page = as_user(acme.mia).get(url("goal_detail", pk=goal.pk)).content.decode()
    assert "No check-ins yet." in member_page
    assert first not in member_page


def test_a_draft_goal_offers_no_check_in(acme, as_user):
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], status=Goal.Status.DRAFT
    )
    html = as_user(acme.leo).get(url("goal_detail", pk=goal.pk)).content.decode()
    assert "Log the first check-in" not in html


def test_a_goal_whose_kpi_has_no_values_points_at_the_kpi(acme, as_user):
    kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.product])
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], kpi=kpi, target=Decimal(90)
    )
    html = as_user(acme.leo).get(url("goal_detail", pk=goal.pk)).content.decode()
    assert f'<a href="{url("kpi_detail", pk=kpi.pk)}">record them on the KPI' in html


def test_no_meetings_coming_up_tells_each_role_what_next(acme, as_user):
    executive = as_user(acme.claire).get(url("forum_panel"), **HTMX).content.decode()
    assert f'<a href="{url("forum_create")}">Set up a forum</a>' in executive
    member = as_user(acme.mia).get(url("forum_panel"), **HTMX).content.decode()
    assert "When a forum of your departments schedules a meeting, it shows here." in member
    assert url("forum_create") not in member


def test_no_action_items_points_at_the_forums(acme, as_user):
    html = as_user(acme.mia).get(url("my_work")).content.decode()
    assert "No open action items." in html
    assert f'<a href="{url("forum_list")}">see the forums' in html


def test_no_asks_sent_points_a_lead_at_their_check_ins(acme, as_user):
    lead = as_user(acme.leo).get(url("ask_inbox") + "?box=sent").content.decode()
    assert f'<a href="{url("my_checkins")}">open your check-ins</a>' in lead
    member = as_user(acme.mia).get(url("ask_inbox") + "?box=sent").content.decode()
    assert "open your check-ins" not in member


def test_a_kpi_without_values_says_how_to_record_them(acme, cac, as_user):
    html = as_user(acme.leo).get(url("kpi_detail", pk=cac.pk)).content.decode()
    assert "No values recorded yet. Record one with the form above" in html
    html = as_user(acme.mia).get(url("kpi_detail", pk=cac.pk)).content.decode()
    assert "No values recorded yet. Leads and executives of its departments record them." in html
