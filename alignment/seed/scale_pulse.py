"""The scale workspace's relationship pulse and asks.

Each department's lead answered the pulse about every department it shares an active goal with
(:func:`health.selectors.pulse_partners`), for the cycles the health trend reads; in the current
cycle a third of the departments have not answered yet. Most pairs work well together, one in
fifteen does not and gets worse.

Asks go out with check-ins, spread evenly over them: from the goal's first owner to another
department on the goal (any other, for a goal of one department); those needed long ago are
mostly delivered, the recent ones open or committed.
"""

from collections.abc import Iterator, Sequence
from datetime import timedelta
from itertools import permutations
from typing import Any

from alignment.seed import scale_text as text
from alignment.seed.common import insert_rows
from alignment.seed.scale_org import Lap, Org, PlannedGoal, answerer
from checkins.models import Ask, Cycle
from health.figures import TREND, WINDOW
from health.models import PulseAnswer
from health.sources import ACTIVE

TABLES = (PulseAnswer, Ask)
# The trend's oldest point looks back over a window of cycles of its own.
PULSE_CYCLES = TREND + WINDOW - 1
WEAK_PAIRS = 15  # one pair in this many works badly together
PULSE_COLUMNS = (
    "workspace_id",
    "cycle_id",
    "from_department_id",
    "about_department_id",
    "score",
    "comment",
    "answered_by_id",
    "created_at",
    "updated_at",
)
ASK_COLUMNS = (
    "workspace_id",
    "goal_id",
    "checkin_id",
    "from_department_id",
    "to_department_id",
    "text",
    "due_on",
    "status",
    "committed_on",
    "decline_reason",
    "created_by_id",
    "created_at",
    "responded_by_id",
    "responded_at",
)
Status = Ask.Status
# The status of an ask needed more than two weeks ago, and of a more recent one.
PAST_STATUSES = {Status.DELIVERED: 75, Status.DECLINED: 10, Status.COMMITTED: 5, Status.OPEN: 10}
RECENT_STATUSES = {Status.OPEN: 50, Status.COMMITTED: 40, Status.DELIVERED: 8, Status.DECLINED: 2}


def pulse_pairs(goals: Sequence[PlannedGoal]) -> list[tuple[int, int]]:
    """(giver, about) for every two departments on one active goal, each way."""
    pairs = {
        (a.pk, b.pk)
        for planned in goals
        if planned.goal.status in ACTIVE
        for a, b in permutations(planned.departments, 2)
    }
    return sorted(pairs)


def pulse_seed(org: Org, lap: Lap) -> None:
    lap("pulse answers", insert_rows(PulseAnswer, PULSE_COLUMNS, _answers(org)))


def _answers(org: Org) -> Iterator[tuple[Any, ...]]:
    rng = org.rng
    departments = {d.pk: d for d in org.departments}
    waiting = {d.pk for n, d in enumerate(org.departments) if n % 3 == 0}
    pairs = pulse_pairs(org.goals)
    levels = {}
    for pair in pairs:
        key = tuple(sorted(pair))
        if key not in levels:
            levels[key] = 2.2 if rng.randrange(WEAK_PAIRS) == 0 else rng.uniform(3.2, 4.9)
    cycles = org.cycles[:PULSE_CYCLES]
    for age, cycle in enumerate(cycles):
        for giver, about in pairs:
            if age == 0 and giver in waiting:
                continue
            level = levels[tuple(sorted((giver, about)))]
            if level < 3:
                level -= 0.15 * (len(cycles) - age)  # worse with every newer cycle
            score = max(1, min(5, round(level + 0.6 + rng.gauss(0, 0.6))))
            band = "low" if score <= 2 else "mid" if score == 3 else "high"
            comment = rng.choice(text.PULSE_COMMENTS[band]) if rng.random() < 0.25 else ""
            answered = org.at(cycle.starts_on + timedelta(days=rng.randint(2, 9)), 11)
            yield (
                org.workspace.pk,
                cycle.pk,
                giver,
                about,
                score,
                comment,
                answerer(departments[giver]),
                answered,
                answered,
            )


def asks_seed(org: Org, checkins: Sequence[tuple[int, Cycle, PlannedGoal]], lap: Lap) -> None:
    """An ask on each of ``checkins`` (its id, cycle and goal)."""
    lap("asks", insert_rows(Ask, ASK_COLUMNS, (_ask(org, *checkin) for checkin in checkins)))


def _ask(org: Org, checkin: int, cycle: Cycle, planned: PlannedGoal) -> tuple[Any, ...]:
    rng = org.rng
    sender = planned.owners[0]
    others = [d for d in planned.departments if d.pk != sender.pk]
    receiver = rng.choice(others or [d for d in org.departments if d.pk != sender.pk])
    raised = org.at(cycle.starts_on + timedelta(days=7), 10)  # with its check-in
    due = raised.date() + timedelta(days=rng.randint(7, 21))
    weights = PAST_STATUSES if due < org.today - timedelta(days=14) else RECENT_STATUSES
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    committed = due + timedelta(days=rng.randint(0, 7)) if status == Status.COMMITTED else None
    reason = rng.choice(text.ASK_DECLINED) if status == Status.DECLINED else ""
    responded = None
    if status != Status.OPEN:
        responded = min(raised + timedelta(days=rng.uniform(0.2, 4)), org.now)
    return (
        org.workspace.pk,
        planned.goal.pk,
        checkin,
        sender.pk,
        receiver.pk,
        rng.choice(text.ASKS),
        due,
        status,
        committed,
        reason,
        sender.lead_id,
        raised,
        answerer(receiver) if responded else None,
        responded,
    )
