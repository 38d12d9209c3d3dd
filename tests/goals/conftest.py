"""Goal data that grows, for the pages' query-count tests (bulk inserts, so 500 goals are quick)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

import pytest

from checkins.models import CheckIn, Cycle
from core.models import AuditEvent
from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from tests.factories import GoalFactory, KPIFactory, PeriodFactory

OwnerLink = Goal.owner_departments.through
ContributorLink = Goal.contributing_departments.through


@dataclass
class Portfolio:
    period: Period
    kpi: KPI
    top: Goal
    step: Goal
    goals: list[Goal]


@pytest.fixture
def portfolio(acme):
    """``portfolio(n)`` adds n goals to acme's current period and returns all of them.

    Half are shared goals, half department steps of ``top`` (a shared goal with a KPI); some are
    at risk, off track or overdue. Each goal adds a KPI measurement, a check-in, an activity row
    on ``top``, a check-in of ``top`` and, every fourth one, an achieved goal with its lesson
    and win. ``step`` is top's product step with the KPI, which leo (the product lead) may edit.
    """
    serial = count()
    today = dt.date.today()
    period = PeriodFactory(
        workspace=acme.workspace,
        name="This quarter",
        start_date=today - dt.timedelta(days=45),
        end_date=today + dt.timedelta(days=45),
    )
    kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.marketing])
    top = GoalFactory(
        workspace=acme.workspace,
        title="Top goal",
        period=period,
        kpi=kpi,
        accountable=acme.claire,
        start_date=period.start_date,
        due_date=period.end_date,
        owner_departments=[acme.marketing, acme.product],
        contributing_departments=[acme.sales],
    )
    step = GoalFactory(
        workspace=acme.workspace,
        title="Product step",
        period=period,
        parent=top,
        kpi=kpi,
        accountable=acme.leo,
        owner_departments=[acme.product],
    )
    departments = [acme.marketing, acme.product, acme.sales, acme.operations]
    statuses = [Goal.Status.ON_TRACK, Goal.Status.AT_RISK, Goal.Status.OFF_TRACK]
    everything: list[Goal] = []

    def build(n: int) -> Portfolio:
        numbers = [next(serial) for _ in range(n)]
        goals = Goal.objects.bulk_create(
            Goal(
                workspace=acme.workspace,
                title=f"Increase qualified leads by {k + 10}% through campaigns",
                period=period,
                period_start=period.start_date,
                status=statuses[k % 3],
                parent=None if k % 2 == 0 else top,
                accountable=acme.leo if k % 2 else None,
                start_date=period.start_date,
                due_date=today - dt.timedelta(days=1) if k % 5 == 0 else period.end_date,
                metric="Qualified leads",
                baseline=Decimal(100),
                target=Decimal(130),
                priority=k if k % 2 == 0 else None,
                progress=k % 100,
            )
            for k in numbers
        )
        OwnerLink.objects.bulk_create(
            OwnerLink(goal=goal, department=departments[(k + shift) % 4])
            for k, goal in zip(numbers, goals, strict=True)
            for shift in range(2 if k % 2 == 0 else 1)
        )
        ContributorLink.objects.bulk_create(
            ContributorLink(goal=goal, department=departments[(k + 2) % 4])
            for k, goal in zip(numbers, goals, strict=True)
        )
        Measurement.objects.bulk_create(
            Measurement(kpi=kpi, date=today - dt.timedelta(days=k), value=Decimal(100 + k))
            for k in numbers
        )
        cycles = Cycle.objects.bulk_create(
            Cycle(
                workspace=acme.workspace,
                starts_on=today - dt.timedelta(days=14 * (k + 1)),
                due_on=today - dt.timedelta(days=14 * k + 1),
            )
            for k in numbers
        )
        CheckIn.objects.bulk_create(
            CheckIn(cycle=cycle, goal=goal, confidence=1 + k % 10, value=Decimal(110))
            for k, goal, cycle in zip(numbers, goals, cycles, strict=True)
        )
        CheckIn.objects.bulk_create(
            CheckIn(cycle=cycle, goal=top, confidence=7, moved=f"Moved {k}")
            for k, cycle in zip(numbers, cycles, strict=True)
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                workspace=acme.workspace,
                actor=acme.claire,
                verb="updated",
                target_type="goal",
                target_id=top.pk,
                summary=f"Claire changed title {k}",
                changes={"title": [f"old {k}", f"new {k}"]},
            )
            for k in numbers
        )
        closed = Goal.objects.bulk_create(
            Goal(
                workspace=acme.workspace,
                title=f"Launch the partner portal {k}",
                period=period,
                period_start=period.start_date,
                status=Goal.Status.ACHIEVED,
            )
            for k in numbers[::4]
        )
        OwnerLink.objects.bulk_create(
            OwnerLink(goal=goal, department=department)
            for goal in closed
            for department in departments[:2]
        )
        Retrospective.objects.bulk_create(
            Retrospective(
                workspace=acme.workspace,
                goal=goal,
                outcome="achieved",
                author=acme.claire,
                what_worked="Weekly syncs",
                what_to_change="Start sooner",
            )
            for goal in closed
        )
        Win.objects.bulk_create(
            Win(workspace=acme.workspace, goal=goal, text=f"Marketing and Product achieved {goal}")
            for goal in closed
        )
        everything.extend(goals)
        return Portfolio(period=period, kpi=kpi, top=top, step=step, goals=everything)

    return build
