"""A small workspace whose health figures were worked out by hand (tests/health/test_figures.py).

Acme, bi-weekly, on Monday 7 December 2026. The cycles, current first:
C0 30 Nov-13 Dec (due 9 Dec, not yet), C1 16-29 Nov (due 25 Nov), C2 2-15 Nov, C3 19 Oct-1 Nov,
C4 5-18 Oct, C5 21 Sep-4 Oct.

Goals (all active): G1 owned by marketing and product, on track, with its steps S1 (marketing,
on track) and S2 (product, at risk); G2 owned by marketing with operations contributing, at
risk; G3 of sales alone, on track. All were created on 1 Aug, before every cycle the figures
look at, so each owes a check-in in every cycle due.
Check-ins (cycle: confidence): G1 C1 8, C2 7; G2 C1 4; S1 C0 9, C1 6; S2 C1 3.
Asks: A1 product -> marketing, raised 27 Nov, needed 12 Dec, open; A2 operations -> marketing,
raised 17 Nov, needed 1 Dec, open; A3 marketing -> product, raised 22 Nov, needed 29 Nov,
delivered 28 Nov; A4 marketing -> operations, raised 12 Nov, needed 25 Nov, delivered 27 Nov.
Conflicts: K1 marketing/operations raised 7 Nov, open; K2 marketing/operations raised 28 Oct,
decided 9 Nov; K3 marketing/product raised 17 Nov, decided 21 Nov.
Pulse: C1 marketing -> operations 2, operations -> marketing 1, marketing -> product 4;
C0 marketing -> product 5, product -> marketing 4.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from checkins.models import Ask, CheckIn, Cycle
from conflicts.models import Conflict
from forums.models import Decision
from goals.models import Goal
from health.models import PulseAnswer
from tests.api.conftest import api_as  # noqa: F401 (the API tests' token clients)
from tests.factories import GoalFactory

TODAY = dt.date(2026, 12, 7)
BERLIN = ZoneInfo("Europe/Berlin")
CREATED = dt.date(2026, 8, 1)
STARTS = [dt.date(2026, 11, 30), dt.date(2026, 11, 16), dt.date(2026, 11, 2), dt.date(2026, 10, 19)]
DUES = [dt.date(2026, 12, 9), dt.date(2026, 11, 25), dt.date(2026, 11, 11), dt.date(2026, 10, 28)]


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=BERLIN)


def day(month: int, date: int) -> dt.date:
    return dt.date(2026, month, date)


@dataclass
class Handmade:
    acme: object
    cycles: list[Cycle]
    goals: dict[str, Goal]


def _goal(acme, title, owners, status, parent=None, contributors=()):
    goal = GoalFactory(
        workspace=acme.workspace,
        title=title,
        status=status,
        parent=parent,
        owner_departments=owners,
        contributing_departments=list(contributors),
    )
    Goal.objects.filter(pk=goal.pk).update(created_at=noon(CREATED))
    return goal


def _ask(acme, goal, giver, taker, raised, needed, delivered=None):
    ask = Ask.objects.create(
        workspace=acme.workspace,
        goal=goal,
        from_department=giver,
        to_department=taker,
        text="Help",
        due_on=needed,
        status=Ask.Status.DELIVERED if delivered else Ask.Status.OPEN,
        responded_at=noon(delivered) if delivered else None,
    )
    Ask.objects.filter(pk=ask.pk).update(created_at=noon(raised))


def _conflict(acme, departments, raised, decided=None):
    decision = None
    if decided:
        decision = Decision.objects.create(
            workspace=acme.workspace,
            title="Decided",
            rationale="Because",
            decided_by=acme.claire,
            created_by=acme.claire,
        )
    conflict = Conflict.objects.create(
        workspace=acme.workspace,
        title="Budget",
        at_stake="Budget",
        raised_by=acme.claire,
        raised_by_department=departments[0],
        decide_by=day(12, 31),
        status=Conflict.Status.DECIDED if decided else Conflict.Status.OPEN,
        decision=decision,
        decided_at=noon(decided) if decided else None,
    )
    conflict.departments.set(departments)
    Conflict.objects.filter(pk=conflict.pk).update(created_at=noon(raised))


@pytest.fixture
def handmade(acme) -> Handmade:
    marketing, product, sales, operations = (
        acme.marketing,
        acme.product,
        acme.sales,
        acme.operations,
    )
    cycles = [
        Cycle.objects.create(workspace=acme.workspace, starts_on=start, due_on=due)
        for start, due in zip(STARTS, DUES, strict=True)
    ]
    c0, c1, c2, _ = cycles
    g1 = _goal(acme, "G1 shared", [marketing, product], Goal.Status.ON_TRACK)
    s1 = _goal(acme, "S1 step", [marketing], Goal.Status.ON_TRACK, parent=g1)
    s2 = _goal(acme, "S2 step", [product], Goal.Status.AT_RISK, parent=g1)
    g2 = _goal(acme, "G2 shared", [marketing], Goal.Status.AT_RISK, contributors=[operations])
    g3 = _goal(acme, "G3 alone", [sales], Goal.Status.ON_TRACK)
    for cycle, goal, confidence in [
        (c1, g1, 8),
        (c2, g1, 7),
        (c1, g2, 4),
        (c0, s1, 9),
        (c1, s1, 6),
        (c1, s2, 3),
    ]:
        CheckIn.objects.create(cycle=cycle, goal=goal, confidence=confidence)
    _ask(acme, g1, product, marketing, day(11, 27), day(12, 12))
    _ask(acme, g2, operations, marketing, day(11, 17), day(12, 1))
    _ask(acme, g1, marketing, product, day(11, 22), day(11, 29), delivered=day(11, 28))
    _ask(acme, g2, marketing, operations, day(11, 12), day(11, 25), delivered=day(11, 27))
    _conflict(acme, [marketing, operations], day(11, 7))
    _conflict(acme, [marketing, operations], day(10, 28), decided=day(11, 9))
    _conflict(acme, [marketing, product], day(11, 17), decided=day(11, 21))
    for cycle, giver, about, score in [
        (c1, marketing, operations, 2),
        (c1, operations, marketing, 1),
        (c1, marketing, product, 4),
        (c0, marketing, product, 5),
        (c0, product, marketing, 4),
    ]:
        PulseAnswer.objects.create(
            workspace=acme.workspace,
            cycle=cycle,
            from_department=giver,
            about_department=about,
            score=score,
        )
    goals = {"g1": g1, "g2": g2, "g3": g3, "s1": s1, "s2": s2}
    return Handmade(acme=acme, cycles=cycles, goals=goals)
