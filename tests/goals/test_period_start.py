"""``Goal.period_start``, the goal list's copy of its period's start date: every write path
keeps it equal to the period's, so the list can read the goal_list_order index in order."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from alignment.portability import workspace_export, workspace_import
from goals.models import Goal, Period
from goals.selectors.goals import GoalFilters, goal_search
from goals.services.closing import goal_carry_over
from goals.services.goals import goal_create, goal_update
from tests.factories import GoalFactory, PeriodFactory, member
from tests.goals.test_seed_demo import seed
from tests.goals.test_seed_scale import SMALL_SCALE, scale_args

pytestmark = pytest.mark.django_db

Q3 = dt.date(2026, 7, 1)
Q4 = dt.date(2026, 10, 1)


@pytest.fixture
def q3(acme) -> Period:
    return PeriodFactory(workspace=acme.workspace, name="Q3", start_date=Q3, end_date=Q4)


@pytest.fixture
def q4(acme) -> Period:
    return PeriodFactory(
        workspace=acme.workspace, name="Q4", start_date=Q4, end_date=dt.date(2026, 12, 31)
    )


def period_starts(**scope) -> dict[str, tuple]:
    """Each goal's (copy, its period's start date) by title; the two must be equal."""
    return {
        title: (copy, start)
        for title, copy, start in Goal.objects.filter(**scope).values_list(
            "title", "period_start", "period__start_date"
        )
    }


def assert_copies_right(**scope) -> None:
    rows = period_starts(**scope)
    assert rows, "no goal to check"
    assert {title: copy for title, (copy, _) in rows.items()} == {
        title: start for title, (_, start) in rows.items()
    }


def test_a_new_goal_copies_its_periods_start_and_one_without_a_period_has_none(acme, q3):
    with_period = goal_create(
        membership=member(acme.claire),
        title="With a period",
        owner_departments=[acme.product],
        period=q3,
    )
    without = goal_create(
        membership=member(acme.claire), title="Without", owner_departments=[acme.product]
    )

    assert (with_period.period_start, without.period_start) == (Q3, None)
    assert_copies_right()


def test_moving_a_goal_to_another_period_or_to_none_moves_its_copy(acme, q3, q4):
    goal = GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.product])

    goal_update(membership=member(acme.claire), goal=goal, period=q4)
    assert period_starts()[goal.title] == (Q4, Q4)

    goal_update(membership=member(acme.claire), goal=goal, period=None)
    assert period_starts()[goal.title] == (None, None)


def test_carrying_goals_over_moves_their_copies(acme, q3, q4):
    goals = [
        GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.product])
        for _ in range(2)
    ]

    goal_carry_over(membership=member(acme.claire), goals=goals, period=q4)

    assert {copy for copy, _ in period_starts().values()} == {Q4}
    assert_copies_right()


def test_a_period_given_a_new_start_date_moves_its_goals_copies(acme, q3, q4):
    GoalFactory(workspace=acme.workspace, period=q3, title="In Q3", owner_departments=[acme.sales])
    GoalFactory(workspace=acme.workspace, period=q4, title="In Q4", owner_departments=[acme.sales])

    q3.start_date = dt.date(2026, 6, 15)
    q3.save()

    assert period_starts() == {
        "In Q3": (dt.date(2026, 6, 15), dt.date(2026, 6, 15)),
        "In Q4": (Q4, Q4),
    }


def test_saving_other_fields_of_a_goal_reads_no_period(acme, q3, django_assert_num_queries):
    goal = Goal.objects.get(
        pk=GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.sales]).pk
    )
    goal.title = "Renamed"

    with django_assert_num_queries(1):  # the UPDATE, without reading the period
        goal.save(update_fields=["title"])
    assert period_starts()["Renamed"] == (Q3, Q3)


def test_a_goal_saved_whole_with_another_period_copies_its_start(acme, q3, q4):
    """The way the admin saves a goal."""
    goal = GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.sales])
    goal.period = q4
    goal.save()
    assert period_starts()[goal.title] == (Q4, Q4)


def test_an_imported_workspace_sets_the_copies_from_its_own_periods(acme, q3, q4):
    GoalFactory(workspace=acme.workspace, period=q3, owner_departments=[acme.sales])
    GoalFactory(workspace=acme.workspace, period=q4, owner_departments=[acme.sales])
    GoalFactory(workspace=acme.workspace, period=None, owner_departments=[acme.sales])
    document = workspace_export(workspace=acme.workspace)
    assert all("period_start" not in goal for goal in document["goals"])  # derived: left out

    copy_ = workspace_import(document=document, actor=acme.ada, slug="acme-copy")

    assert sorted(map(str, period_starts(workspace=copy_).values())) == sorted(
        map(str, period_starts(workspace=acme.workspace).values())
    )
    assert_copies_right(workspace=copy_)


def test_the_scale_seed_sets_the_copies_of_its_bulk_inserted_goals(db):
    seed(*scale_args(**SMALL_SCALE))

    assert Goal.objects.filter(workspace__slug="scale", period_start__isnull=True).count() == 0
    assert_copies_right(workspace__slug="scale")


def test_the_migration_copies_the_start_date_of_existing_goals(acme, q3):
    GoalFactory(workspace=acme.workspace, period=q3, title="Old", owner_departments=[acme.sales])
    GoalFactory(workspace=acme.workspace, title="No period", owner_departments=[acme.sales])
    Goal.objects.update(period_start=None)  # as the rows stood before the field existed
    migration = importlib.import_module("goals.migrations.0003_goal_period_start")

    migration.copy_period_starts(apps, None)

    assert period_starts() == {"Old": (Q3, Q3), "No period": (None, None)}


def test_the_list_puts_the_newest_period_first_and_goals_without_one_last(acme, q3, q4):
    def goal(title: str, period: Period | None, priority: int | None = None) -> Goal:
        return GoalFactory(
            workspace=acme.workspace,
            title=title,
            period=period,
            priority=priority,
            owner_departments=[acme.sales],
        )

    goal("No period", None)
    goal("Q3 first", q3, 1)
    goal("Q4 unranked", q4)
    goal("Q4 first", q4, 1)

    titles = [g.title for g in goal_search(workspace=acme.workspace, filters=GoalFilters())]
    assert titles == ["Q4 first", "Q4 unranked", "Q3 first", "No period"]

    q3.start_date = dt.date(2027, 1, 1)  # Q3 moved after Q4: its goals follow
    q3.end_date = dt.date(2027, 3, 31)
    q3.save()
    titles = [g.title for g in goal_search(workspace=acme.workspace, filters=GoalFilters())]
    assert titles == ["Q3 first", "Q4 first", "Q4 unranked", "No period"]
