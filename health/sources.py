"""What the health figures are computed from, read in seven queries whatever the size of the
workspace: its departments, the links of its active goals, the check-ins and pulse answers of
its latest cycles, the asks that matter to those cycles, and its conflicts.

Each query returns plain rows (``values_list``); :mod:`health.figures` does the arithmetic in
Python, so no figure costs a query per department or per pair.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q

from checkins.cycles import CycleBounds, cycle_bounds
from checkins.models import Ask, CheckIn
from conflicts.models import Conflict
from goals.models import Goal
from health.models import PulseAnswer
from teams.models import Department, Workspace

ACTIVE = (Goal.Status.ON_TRACK, Goal.Status.AT_RISK, Goal.Status.OFF_TRACK)
OwnerLink = Goal.owner_departments.through
ContributorLink = Goal.contributing_departments.through
ConflictLink = Conflict.departments.through


@dataclass(frozen=True)
class AskRow:
    from_department: int
    to_department: int
    status: str
    created_on: date
    responded_on: date | None
    expected_on: date

    def open_on(self, day: date) -> bool:
        """Still unanswered at the end of ``day``: raised by then and not delivered or
        declined by then (a commitment is a promise, not an answer)."""
        if self.created_on > day:
            return False
        if self.status in Ask.UNRESOLVED:
            return True
        return self.responded_on is None or self.responded_on > day


@dataclass(frozen=True)
class ConflictRow:
    departments: frozenset[int]
    raised_on: date
    decided_on: date | None
    withdrawn_on: date | None

    def open_on(self, day: date) -> bool:
        ended = self.decided_on or self.withdrawn_on
        return self.raised_on <= day and (ended is None or ended > day)


@dataclass
class Sources:
    today: date
    # The workspace's cycles by date arithmetic, the current one first (see checkins.cycles).
    cycles: list[CycleBounds]
    departments: list[Department]
    # Active goals: their owner departments, owners and contributors, status, parent and the
    # workspace's day they were created on.
    owners: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    involved: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    status: dict[int, str] = field(default_factory=dict)
    created: dict[int, date] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # (goal, cycle start) -> the check-in's confidence.
    confidence: dict[tuple[int, date], int] = field(default_factory=dict)
    asks: list[AskRow] = field(default_factory=list)
    conflicts: list[ConflictRow] = field(default_factory=list)
    # (from department, about department, cycle start) -> score.
    pulse: dict[tuple[int, int, date], int] = field(default_factory=dict)


def cycles_back(workspace: Workspace, today: date, count: int) -> list[CycleBounds]:
    """The ``count`` cycles up to the one holding ``today``, newest first (no query)."""
    cycles, day = [], today
    for _ in range(count):
        bounds = cycle_bounds(workspace.checkin_cadence, day)
        cycles.append(bounds)
        day = bounds.starts_on - timedelta(days=1)
    return cycles


def sources_read(*, workspace: Workspace, today: date, cycle_count: int) -> Sources:
    """Everything the figures of the last ``cycle_count`` cycles need, in seven queries."""
    cycles = cycles_back(workspace, today, cycle_count)
    starts = [bounds.starts_on for bounds in cycles]
    since = cycles[-1].starts_on
    found = Sources(today=today, cycles=cycles, departments=list(workspace.departments.all()))
    active = {"goal__workspace": workspace, "goal__status__in": ACTIVE}
    for goal, department, status, parent, created in OwnerLink.objects.filter(**active).values_list(
        "goal_id", "department_id", "goal__status", "goal__parent_id", "goal__created_at"
    ):
        found.owners[goal].add(department)
        found.involved[goal].add(department)
        if goal not in found.status:
            found.status[goal] = status
            found.created[goal] = _day(workspace, created)
            if parent is not None:
                found.children[parent].append(goal)
    for goal, department in ContributorLink.objects.filter(**active).values_list(
        "goal_id", "department_id"
    ):
        found.involved[goal].add(department)
    found.confidence = {
        (goal, start): confidence
        for goal, start, confidence in CheckIn.objects.filter(
            cycle__workspace=workspace, cycle__starts_on__in=starts, goal__status__in=ACTIVE
        )
        .order_by()  # read into a dict: no sort (the default, newest first, sorted them all)
        .values_list("goal_id", "cycle__starts_on", "confidence")
    }
    found.asks = _asks(workspace, since)
    found.conflicts = _conflicts(workspace)
    found.pulse = {
        (giver, about, start): score
        for giver, about, start, score in PulseAnswer.objects.filter(
            workspace=workspace, cycle__starts_on__in=starts
        )
        .order_by()  # into a dict: the default order joined both departments to sort by name
        .values_list("from_department_id", "about_department_id", "cycle__starts_on", "score")
    }
    return found


def _day(workspace: Workspace, moment: datetime | None) -> date | None:
    return None if moment is None else workspace.today(moment)


def _asks(workspace: Workspace, since: date) -> list[AskRow]:
    """Asks still unanswered, and those answered or due since ``since``."""
    recent = (
        Q(status__in=Ask.UNRESOLVED)
        | Q(responded_at__gte=workspace.midnight(since))
        | Q(due_on__gte=since)
        | Q(committed_on__gte=since)
    )
    rows = (
        Ask.objects.filter(recent, workspace=workspace)
        .order_by()
        .values_list(
            "from_department_id",
            "to_department_id",
            "status",
            "created_at",
            "responded_at",
            "due_on",
            "committed_on",
        )
    )
    return [
        AskRow(
            from_department=giver,
            to_department=taker,
            status=status,
            created_on=_day(workspace, created),
            responded_on=_day(workspace, responded),
            expected_on=committed or due,
        )
        for giver, taker, status, created, responded, due, committed in rows
    ]


def _conflicts(workspace: Workspace) -> list[ConflictRow]:
    """Every conflict of the workspace with its departments: the decision latency reads the
    whole history."""
    departments: dict[int, set[int]] = defaultdict(set)
    dates: dict[int, tuple] = {}
    for conflict, department, created, decided, withdrawn in ConflictLink.objects.filter(
        conflict__workspace=workspace
    ).values_list(
        "conflict_id",
        "department_id",
        "conflict__created_at",
        "conflict__decided_at",
        "conflict__withdrawn_at",
    ):
        departments[conflict].add(department)
        dates[conflict] = (created, decided, withdrawn)
    return [
        ConflictRow(
            departments=frozenset(departments[conflict]),
            raised_on=_day(workspace, created),
            decided_on=_day(workspace, decided),
            withdrawn_on=_day(workspace, withdrawn),
        )
        for conflict, (created, decided, withdrawn) in dates.items()
    ]
