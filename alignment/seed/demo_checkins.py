"""The demo's check-in history: cycles back twelve weeks, a check-in per open goal and cycle."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from alignment.seed.common import CENT, checkins_backdate, cycles_create
from alignment.seed.demo_goals import Demo
from checkins.models import CheckIn, Cycle
from goals.models import Goal

DEMO_CYCLES = 7
CONFIDENCE = {
    Goal.Status.ON_TRACK: (7, 9),
    Goal.Status.AT_RISK: (4, 6),
    Goal.Status.OFF_TRACK: (2, 4),
}


def _demo_checkins(demo: Demo, today: date, rng: random.Random) -> None:
    """Cycles back twelve weeks; every open goal has a check-in for each cycle already due,
    its value moving from the baseline to the current value."""
    cycles = cycles_create(demo.workspace, today, DEMO_CYCLES)
    past = sorted((c for c in cycles if c.due_on < today), key=lambda c: c.starts_on)
    checkins = [
        CheckIn(
            cycle=cycle,
            goal=goal,
            author=author,
            value=_towards(goal.baseline, goal.current_value, Decimal(step) / len(past)),
            confidence=rng.randint(*CONFIDENCE[goal.status]),
            moved=rng.choice(notes.moved),
            blockers=rng.choice(notes.blockers),
            next_steps=rng.choice(notes.next_steps),
        )
        for goal, author, notes in demo.checkin_goals
        if not goal.is_closed
        for step, cycle in enumerate(past, start=1)
    ]
    CheckIn.objects.bulk_create(checkins)
    checkins_backdate(past, demo.workspace.zone)
    _goals_backdate(demo, past[0])


def _goals_backdate(demo: Demo, first: Cycle) -> None:
    """Date the goals the day before the first cycle, keeping their order: they have
    check-ins from then on, and the health figures owe a goal check-ins only from its
    creation."""
    written = datetime.combine(first.starts_on - timedelta(days=1), time(9), demo.workspace.zone)
    shift = timezone.now() - written
    Goal.objects.filter(workspace=demo.workspace).update(created_at=F("created_at") - shift)


def _towards(start: Decimal | None, end: Decimal | None, share: Decimal) -> Decimal | None:
    if start is None or end is None:
        return end
    return (start + (end - start) * share).quantize(CENT)
