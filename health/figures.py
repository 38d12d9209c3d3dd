"""Alignment health: figures for every department and every pair of departments, and the score
that sums them up, computed in Python from the rows :func:`health.sources.sources_read` reads
in a fixed number of queries.

**Who works with whom.** Two departments *share* a goal when both own or contribute to the
same active goal (on track, at risk or off track). They *work together* when they share a goal,
have asked something of each other lately, have ever had a conflict, or answered the pulse
about each other lately; a pair that does none of these has no score ("no data").

**The figures** of a pair, at the end of a cycle (today for the current one), looking back
over the last :data:`WINDOW` cycles:

* ``shared_goals``: the active goals both own or contribute to; ``on_track_share``: the share
  of them on track. Goals keep no history of their status, so every point of the trend uses
  today's statuses.
* ``checkin_rate``: check-ins logged for the shared goals in the last :data:`WINDOW` cycles
  whose due date has passed, out of those owed: one per goal per cycle, for the cycles due on
  or after the day the goal was created (a goal created last week owes nothing for the cycles
  before it). For a department, over the active goals it owns.
* ``open_asks`` between them (either way; for a department, those it received) and
  ``ask_age_days``, their median age in days; ``asks_on_time``: of the asks whose date (the
  committed date, else the date needed) fell in the window, the share delivered by that date
  (declined asks do not count; one still open past its date is late, one due today and still
  open not yet counted).
* ``open_conflicts`` involving both and ``conflict_age_days``, their median age;
  ``decision_days``: the median days from raising a conflict to its decision, over every
  conflict of theirs decided so far.
* ``divergence``: on each shared goal, each department's confidence is the mean of the
  latest check-in confidence (1 to 10) of its own steps (the goal's child goals it owns); the
  divergence is the mean gap between the two departments over the shared goals where both have
  one. For a department, the mean over its pairs.
* ``pulse``: the mean of the pulse answers (1 to 5) both departments gave about each other in
  the latest cycle of the window that has any. For a department, the answers about it.

**The score** (0 to 100) is the mean of the figures available, each first made a share from
0 (bad) to 1 (good): the on-track share, the check-in rate and the on-time share as they are;
open conflicts as 1 / (1 + their number); divergence as 1 - gap / 9; the pulse as
(pulse - 1) / 4. Ages and the decision latency are shown beside it but not scored, as they
have no natural scale. A figure without data is left out, never counted as zero. Open
conflicts are always known (none is a number), so they are scored only beside at least one
other figure: a pair related only by an old conflict, or by asks not yet due, has no score
("no data"), like one with no figure at all. Bands: :data:`BANDS`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from statistics import mean, median

from checkins.cycles import CycleBounds
from core import freshness
from goals.models import Goal
from health.sources import Sources, sources_read
from teams.models import Department, Workspace

WINDOW = 3  # cycles looked back over by the check-in rate, asks on time, divergence, pulse
TREND = 6  # cycles in the trend
MAX_GAP = 9  # the widest possible gap between two confidences of 1 to 10
# (lowest score, key, label): the first band whose lowest score the score reaches.
BANDS = [
    (80, "strong", "Strong"),
    (60, "fair", "Fair"),
    (40, "strained", "Strained"),
    (0, "weak", "Weak"),
]
Pair = tuple[int, int]


@dataclass
class Figures:
    """One department's or one pair's figures (see the module docstring)."""

    shared_goals: int = 0
    on_track_share: float | None = None
    checkin_rate: float | None = None
    checkins_done: int = 0
    checkins_owed: int = 0
    # Asks between them (for a department: received) open or due lately.
    asks_lately: int = 0
    open_asks: int = 0
    ask_age_days: float | None = None
    asks_on_time: float | None = None
    open_conflicts: int = 0
    conflict_age_days: float | None = None
    decision_days: float | None = None
    divergence: float | None = None
    pulse: float | None = None
    related: bool = False
    goal_ids: list[int] = field(default_factory=list)

    def parts(self) -> dict[str, float]:
        """The figures available, each as a share from 0 (bad) to 1 (good)."""
        if not self.related:
            return {}
        parts = {}
        if self.on_track_share is not None:
            parts["on track"] = self.on_track_share
        if self.checkin_rate is not None:
            parts["check-ins"] = self.checkin_rate
        if self.asks_on_time is not None:
            parts["asks on time"] = self.asks_on_time
        if self.divergence is not None:
            parts["confidence gap"] = 1 - self.divergence / MAX_GAP
        if self.pulse is not None:
            parts["pulse"] = (self.pulse - 1) / 4
        if parts:
            parts["open conflicts"] = 1 / (1 + self.open_conflicts)
        return parts

    @property
    def score(self) -> int | None:
        parts = self.parts()
        return round(100 * mean(parts.values())) if parts else None

    @property
    def band(self) -> tuple[str, str]:
        """(key, label) of the score's band; ("none", "No data") without a score."""
        return band_of(self.score)


def band_of(score: int | None) -> tuple[str, str]:
    if score is None:
        return "none", "No data"
    return next((key, label) for low, key, label in BANDS if score >= low)


@dataclass
class Point:
    """The overall score at the end of one cycle: the mean of the pairs' scores."""

    cycle: CycleBounds
    score: int | None


@dataclass
class Health:
    departments: list[Department]
    by_department: dict[int, Figures]
    pairs: dict[Pair, Figures]
    trend: list[Point]
    # The cycles the current figures look back over, the current one first.
    window: list[CycleBounds]

    def pair(self, a: int, b: int) -> Figures:
        return self.pairs[(a, b) if a < b else (b, a)]

    @property
    def overall(self) -> int | None:
        return self.trend[-1].score if self.trend else None

    def weakest(self) -> tuple[Department, Department, Figures] | None:
        """The pair with the lowest score, if any pair has one."""
        return next(iter(self.weakest_pairs(1)), None)

    def weakest_pairs(self, count: int) -> list[tuple[Department, Department, Figures]]:
        """Up to ``count`` scored pairs, the lowest score first (ties in department order)."""
        scored = sorted((f.score, pair) for pair, f in self.pairs.items() if f.score is not None)
        names = {d.pk: d for d in self.departments}
        return [(names[a], names[b], self.pairs[(a, b)]) for _, (a, b) in scored[:count]]


def health_figures(*, workspace: Workspace, today: date | None = None) -> Health:
    """Every department's and pair's figures now, and the overall score of the last
    :data:`TREND` cycles: seven queries, whatever the size of the workspace; kept under the
    workspace's data version (:func:`core.freshness.remember`), so computed once per change."""
    today = today or workspace.today()
    return freshness.remember(
        workspace.pk, f"health:{today.isoformat()}", lambda: _computed(workspace, today)
    )


def _computed(workspace: Workspace, today: date) -> Health:
    sources = sources_read(workspace=workspace, today=today, cycle_count=TREND + WINDOW)
    now = _at(sources, 0)
    trend = [Point(sources.cycles[0], _overall(now[1]))]
    for index in range(1, TREND):
        trend.append(Point(sources.cycles[index], _overall(_at(sources, index)[1])))
    by_department, pairs = now
    return Health(
        departments=sources.departments,
        by_department=by_department,
        pairs=pairs,
        trend=trend[::-1],
        window=sources.cycles[:WINDOW],
    )


def _overall(pairs: dict[Pair, Figures]) -> int | None:
    scores = [f.score for f in pairs.values() if f.score is not None]
    return round(mean(scores)) if scores else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _median(values: list[int]) -> float | None:
    return float(median(values)) if values else None


def _at(sources: Sources, index: int) -> tuple[dict[int, Figures], dict[Pair, Figures]]:
    """The figures at the end of cycle ``index`` (0: the current one, as of today)."""
    cycles = sources.cycles
    as_of = sources.today if index == 0 else cycles[index].ends_on
    window = cycles[index : index + WINDOW]
    due = [bounds for bounds in cycles[index:] if bounds.due_on < as_of][:WINDOW]
    since = window[-1].starts_on
    ids = [d.pk for d in sources.departments]
    departments = {pk: Figures() for pk in ids}
    pairs = {pair: Figures() for pair in combinations(sorted(ids), 2)}

    _goals(sources, departments, pairs, due, [b.starts_on for b in window])
    _asks(sources, departments, pairs, as_of, since)
    _conflicts(sources, departments, pairs, as_of)
    _pulse(sources, departments, pairs, [b.starts_on for b in window])
    _department_divergence(departments, pairs)
    return departments, pairs


def _goals(sources, departments, pairs, due: list[CycleBounds], window: list[date]) -> None:
    """Shared goals, on-track shares, check-in rates and confidence gaps."""
    on_track = Goal.Status.ON_TRACK
    per_pair: dict[Pair, list[int]] = defaultdict(list)
    per_department: dict[int, list[int]] = defaultdict(list)
    for goal, involved in sources.involved.items():
        if len(involved) >= 2:
            for pair in combinations(sorted(involved), 2):
                per_pair[pair].append(goal)
            for pk in involved:
                per_department[pk].append(goal)
    for pair, goals in per_pair.items():
        figures = pairs[pair]
        figures.related = True
        _goal_figures(sources, figures, goals, due)
        figures.divergence = _divergence(sources, pair, goals, window)
    owned: dict[int, list[int]] = defaultdict(list)
    for goal, owners in sources.owners.items():
        for pk in owners:
            owned[pk].append(goal)
    for pk, figures in departments.items():
        shared = per_department.get(pk, [])
        if shared:
            figures.related = True
            figures.shared_goals = len(shared)
            figures.goal_ids = sorted(shared)
            figures.on_track_share = _share(
                sum(sources.status[g] == on_track for g in shared), len(shared)
            )
        figures.checkins_done, figures.checkins_owed = _checkins(sources, owned.get(pk, []), due)
        figures.checkin_rate = _share(figures.checkins_done, figures.checkins_owed)


def _checkins(sources: Sources, goals: list[int], due: list[CycleBounds]) -> tuple[int, int]:
    """(logged, owed): a check-in is owed per goal and due cycle, once the goal was created by
    the cycle's due date."""
    owed = [
        (goal, bounds.starts_on)
        for goal in goals
        for bounds in due
        if sources.created[goal] <= bounds.due_on
    ]
    return sum(key in sources.confidence for key in owed), len(owed)


def _goal_figures(
    sources: Sources, figures: Figures, goals: list[int], due: list[CycleBounds]
) -> None:
    figures.goal_ids = sorted(goals)
    figures.shared_goals = len(goals)
    figures.on_track_share = _share(
        sum(sources.status[g] == Goal.Status.ON_TRACK for g in goals), len(goals)
    )
    figures.checkins_done, figures.checkins_owed = _checkins(sources, goals, due)
    figures.checkin_rate = _share(figures.checkins_done, figures.checkins_owed)


def _latest(sources: Sources, goal: int, window: list[date]) -> int | None:
    return next(
        (
            sources.confidence[(goal, start)]
            for start in window
            if (goal, start) in sources.confidence
        ),
        None,
    )


def _divergence(sources: Sources, pair: Pair, goals: list[int], window: list[date]) -> float | None:
    gaps = []
    for goal in goals:
        sides = []
        for pk in pair:
            own = [
                _latest(sources, step, window)
                for step in sources.children.get(goal, [])
                if pk in sources.owners[step]
            ]
            own = [value for value in own if value is not None]
            sides.append(mean(own) if own else None)
        if None not in sides:
            gaps.append(abs(sides[0] - sides[1]))
    return round(mean(gaps), 2) if gaps else None


def _department_divergence(departments, pairs) -> None:
    for pk, figures in departments.items():
        gaps = [
            f.divergence for (a, b), f in pairs.items() if pk in (a, b) and f.divergence is not None
        ]
        figures.divergence = round(mean(gaps), 2) if gaps else None


def _asks(sources, departments, pairs, as_of: date, since: date) -> None:
    """Open asks and their age, and asks delivered on time."""
    open_ages: dict[object, list[int]] = defaultdict(list)
    due: dict[object, list[bool]] = defaultdict(list)
    lately: dict[object, int] = defaultdict(int)
    for ask in sources.asks:
        if ask.created_on > as_of:
            continue
        pair = tuple(sorted((ask.from_department, ask.to_department)))
        keys = [("pair", pair), ("department", ask.to_department)]
        still_open = ask.open_on(as_of)
        if still_open:
            for key in keys:
                open_ages[key].append((as_of - ask.created_on).days)
        if still_open or ask.expected_on >= since:
            for key in keys:
                lately[key] += 1
        delivered = ask.status == "delivered" and ask.responded_on <= as_of
        if (
            since <= ask.expected_on <= as_of
            and ask.status != "declined"
            and (delivered or ask.expected_on < as_of)
        ):
            on_time = delivered and ask.responded_on <= ask.expected_on
            for key in keys:
                due[key].append(on_time)
    for kind, target in (("pair", pairs), ("department", departments)):
        for key, figures in target.items():
            ages = open_ages.get((kind, key), [])
            figures.open_asks = len(ages)
            figures.ask_age_days = _median(ages)
            answered = due.get((kind, key), [])
            figures.asks_on_time = _share(sum(answered), len(answered))
            figures.asks_lately = lately.get((kind, key), 0)
            if figures.asks_lately:
                figures.related = True


def _conflicts(sources, departments, pairs, as_of: date) -> None:
    """Open conflicts and their age, and the days from raising a conflict to its decision."""
    ages: dict[object, list[int]] = defaultdict(list)
    latency: dict[object, list[int]] = defaultdict(list)
    seen: set[object] = set()
    for conflict in sources.conflicts:
        if conflict.raised_on > as_of:
            continue
        keys = [("pair", pair) for pair in combinations(sorted(conflict.departments), 2)]
        keys += [("department", pk) for pk in conflict.departments]
        seen.update(keys)
        if conflict.open_on(as_of):
            for key in keys:
                ages[key].append((as_of - conflict.raised_on).days)
        if conflict.decided_on is not None and conflict.decided_on <= as_of:
            for key in keys:
                latency[key].append((conflict.decided_on - conflict.raised_on).days)
    for kind, target in (("pair", pairs), ("department", departments)):
        for key, figures in target.items():
            open_ages = ages.get((kind, key), [])
            figures.open_conflicts = len(open_ages)
            figures.conflict_age_days = _median(open_ages)
            figures.decision_days = _median(latency.get((kind, key), []))
            if (kind, key) in seen:
                figures.related = True


def _pulse(sources, departments, pairs, window: list[date]) -> None:
    """The pulse of the latest cycle of the window with answers, for each pair and
    department."""
    by_cycle: dict[date, dict[object, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (giver, about, start), score in sources.pulse.items():
        by_cycle[start][("pair", tuple(sorted((giver, about))))].append(score)
        by_cycle[start][("department", about)].append(score)
    for kind, target in (("pair", pairs), ("department", departments)):
        for key, figures in target.items():
            answers = next(
                (
                    by_cycle[start][(kind, key)]
                    for start in window
                    if by_cycle[start].get((kind, key))
                ),
                [],
            )
            if answers:
                figures.pulse = round(mean(answers), 2)
                figures.related = True
