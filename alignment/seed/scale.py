"""The benchmark workspace "Scale Test Co": bulk inserts, one batch in memory at a time.

Row counts are exact and the random numbers come from a fixed seed. The number of queries
depends on the number of batches, never on the number of rows. This module makes the people,
KPIs, goals and check-ins; scale_conflicts, scale_forums and scale_pulse what grows from them
(conflicts, forums and their meetings, the decision log, the pulse and asks). Once the rows are
committed, the tables loaded are analyzed, so the planner knows their size from the start.
"""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import chain
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from alignment.seed.common import (
    BATCH_SIZE,
    CENT,
    PASSWORD,
    TIMEZONE,
    cycles_create,
    insert_rows,
    inserted_ids,
    periods_create,
    quarters_around,
    tables_analyze,
    users_delete,
    workspace_delete,
)
from alignment.seed.demo_goals import (
    AWARENESS_NOTES,
    CAC_NOTES,
    LIFETIME_VALUE_NOTES,
    TIME_TO_MARKET_NOTES,
)
from alignment.seed.scale_conflicts import TABLES as CONFLICT_TABLES
from alignment.seed.scale_conflicts import conflicts_decided, conflicts_seed
from alignment.seed.scale_forums import TABLES as FORUM_TABLES
from alignment.seed.scale_forums import forums_seed
from alignment.seed.scale_org import Lap, Org, PlannedGoal
from alignment.seed.scale_pulse import TABLES as PULSE_TABLES
from alignment.seed.scale_pulse import asks_seed, pulse_seed
from checkins.models import CheckIn, Cycle
from forums.models import Decision
from goals import progress
from goals.models import KPI, Direction, Goal, Measurement, Period
from teams.models import Department, Membership, Role, User, Workspace
from teams.services import DEFAULT_DEPARTMENTS, workspace_create

SCALE_SLUG = "scale"
SCALE_NAME = "Scale Test Co"
SCALE_DOMAIN = "scale.example"
SCALE_USERNAME_PREFIX = "scale."
SCALE_USERNAME = SCALE_USERNAME_PREFIX + "user{:04d}"
SCALE_MISSION = "Every department works towards the same customers: the benchmark workspace."
# Option: (default, minimum). Four departments come with every workspace.
SCALE_OPTIONS = {
    "departments": (40, len(DEFAULT_DEPARTMENTS)),
    "goals": (5_000, 1),
    "kpis": (1_000, 1),
    "measurements": (1_000_000, 0),
    "checkins": (100_000, 0),
    "members": (200, 3),
    "forums": (20, 1),
    "meetings": (500, 0),
    "decisions": (2_000, 0),
    "conflicts": (200, 0),
    "asks": (10_000, 0),
}
SCALE_MIN_CYCLES = 26  # a year of bi-weekly cycles
EXTRA_DEPARTMENTS = (
    "Customer Success",
    "Finance",
    "Engineering",
    "Design",
    "Data",
    "Legal",
    "People",
    "Partnerships",
    "Support",
    "Security",
)
FIRST_NAMES = ("Alex", "Bea", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jonas")
LAST_NAMES = ("Adler", "Brandt", "Costa", "Dahl", "Eriksen", "Fischer", "Garcia", "Horvat")
METRICS = (
    ("Customer acquisition cost", "EUR", Direction.DECREASE),
    ("Customer lifetime value", "EUR", Direction.INCREASE),
    ("Lead generation", "leads/week", Direction.INCREASE),
    ("Time to market", "weeks", Direction.DECREASE),
    ("Net revenue retention", "%", Direction.INCREASE),
    ("Churn rate", "%", Direction.DECREASE),
    ("Pipeline coverage", "x", Direction.INCREASE),
    ("Support first response time", "hours", Direction.DECREASE),
)
ALL_NOTES = (AWARENESS_NOTES, CAC_NOTES, TIME_TO_MARKET_NOTES, LIFETIME_VALUE_NOTES)
MOVED = tuple(chain.from_iterable(n.moved for n in ALL_NOTES))
BLOCKERS = tuple(chain.from_iterable(n.blockers for n in ALL_NOTES))
NEXT_STEPS = tuple(chain.from_iterable(n.next_steps for n in ALL_NOTES))

GoalOwner = Goal.owner_departments.through
GoalContributor = Goal.contributing_departments.through
KpiOwner = KPI.owner_departments.through
MembershipDepartment = Membership.departments.through
GOAL_LINK = ("goal_id", "department_id")
KPI_LINK = ("kpi_id", "department_id")
MEMBERSHIP_LINK = ("membership_id", "department_id")
# Every table the seed loads, for ANALYZE.
SCALE_TABLES = (
    User,
    Department,
    Membership,
    MembershipDepartment,
    Period,
    KPI,
    KpiOwner,
    Measurement,
    Goal,
    GoalOwner,
    GoalContributor,
    Cycle,
    CheckIn,
    Decision,
    Decision.departments.through,
    *CONFLICT_TABLES,
    *FORUM_TABLES,
    *PULSE_TABLES,
)
MANUAL = Measurement.Source.MANUAL
MEASUREMENT_COLUMNS = ("kpi_id", "date", "value", "source", "created_at")
CHECKIN_COLUMNS = (
    "cycle_id",
    "goal_id",
    "author_id",
    "value",
    "confidence",
    "moved",
    "blockers",
    "next_steps",
    "created_at",
)


@dataclass(frozen=True)
class ScaleSize:
    departments: int
    goals: int
    kpis: int
    measurements: int
    checkins: int
    members: int
    forums: int
    meetings: int
    decisions: int
    conflicts: int
    asks: int


@dataclass
class Scale:
    workspace: Workspace
    departments: list[Department]
    periods: list[Period]
    kpis: list[KPI]
    today: date
    rng: random.Random
    priorities: Counter[int] = field(default_factory=Counter)  # period id: last rank given

    def period(self) -> Period:
        """A random period; the current quarter three times as likely as any other."""
        weights = [3 if p.start_date <= self.today <= p.end_date else 1 for p in self.periods]
        return self.rng.choices(self.periods, weights=weights)[0]


def scale_size(given: dict[str, int | None]) -> ScaleSize:
    """The sizes given on the command line, the defaults for the others."""
    sizes = {}
    for name, (default, minimum) in SCALE_OPTIONS.items():
        value = given[name]
        if value is None:
            value = default
        if value < minimum:
            raise CommandError(f"--{name} must be at least {minimum}.")
        sizes[name] = value
    if sizes["asks"] > sizes["checkins"]:
        raise CommandError("--asks must be at most --checkins: each ask goes with a check-in.")
    decided = conflicts_decided(sizes["conflicts"])
    if sizes["decisions"] < decided:
        raise CommandError(
            f"--decisions must be at least {decided}: the decided ones of {sizes['conflicts']} "
            "conflicts have one each."
        )
    return ScaleSize(**sizes)


def scale_seed(size: ScaleSize, today: date, lap: Lap) -> Workspace:
    """The scale workspace, replacing the one there is and its people, in one transaction."""
    with transaction.atomic():
        workspace = _scale_rows(size, today, lap)
    # PostgreSQL checks the (deferred) foreign keys of every inserted row here.
    lap("commit", None)
    lap(f"analyze ({tables_analyze(SCALE_TABLES)} tables)", None)
    return workspace


def _scale_rows(size: ScaleSize, today: date, lap: Lap) -> Workspace:
    deleted = workspace_delete(SCALE_SLUG)
    deleted += users_delete(SCALE_DOMAIN, username__startswith=SCALE_USERNAME_PREFIX)
    if deleted:
        lap("deleted (reset)", deleted)
    rng = random.Random(42)  # noqa: S311 -- benchmark data, the same on every run
    users = _scale_users(size.members)
    lap("users", len(users))
    workspace = workspace_create(
        creator=users[0],
        name=SCALE_NAME,
        slug=SCALE_SLUG,
        mission=SCALE_MISSION,
        timezone_name=TIMEZONE,
    )
    departments = _scale_departments(workspace, users, size.departments)
    lap("departments", len(departments))
    memberships = _scale_memberships(workspace, users, len(departments))
    lap("memberships", len(memberships) + 1)
    homes = list(_membership_departments(memberships, departments))
    lap("membership departments", insert_rows(MembershipDepartment, MEMBERSHIP_LINK, homes))
    creator = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user=users[0]
    )
    periods = periods_create(creator, quarters_around(today, past=4, future=1))
    lap("periods", len(periods))
    kpis = _scale_kpis(workspace, size.kpis, rng)
    lap("kpis", len(kpis))
    lap(
        "kpi owner departments",
        insert_rows(KpiOwner, KPI_LINK, _kpi_owners(kpis, departments, rng)),
    )
    measurements = _measurements(kpis, size.measurements, today, rng)
    lap("measurements", insert_rows(Measurement, MEASUREMENT_COLUMNS, measurements))
    planned = _scale_goals(Scale(workspace, departments, periods, kpis, today, rng), size.goals)
    lap("goals", len(planned))
    owners = ((p.goal.pk, d.pk) for p in planned for d in p.owners)
    lap("goal owner departments", insert_rows(GoalOwner, GOAL_LINK, owners))
    contributors = ((p.goal.pk, d.pk) for p in planned for d in p.contributors)
    lap("goal contributing departments", insert_rows(GoalContributor, GOAL_LINK, contributors))
    cycles = cycles_create(
        workspace, today, max(SCALE_MIN_CYCLES, -(-size.checkins // len(planned)))
    )
    lap("cycles", len(cycles))
    users_of = {m.pk: m.user_id for m in memberships}
    members = defaultdict(list)
    for membership, department in homes:
        members[department].append(users_of[membership])
    org = Org(
        workspace, departments, members, users[0].pk, planned, cycles, today, timezone.now(), rng
    )
    _history(org, size, lap)
    return workspace


def _history(org: Org, size: ScaleSize, lap: Lap) -> None:
    """What the organisation did over the past year: check-ins and their asks, conflicts,
    forum meetings and their decisions, the pulse."""
    lap("check-ins", insert_rows(CheckIn, CHECKIN_COLUMNS, _checkins(org, size.checkins)))
    asks_seed(org, _asked(org, size.checkins, size.asks), lap)
    conflicts = conflicts_seed(org, size.conflicts, lap)
    forums_seed(
        org,
        forums=size.forums,
        meetings=size.meetings,
        decisions=size.decisions - sum(c.decided for c in conflicts),
        conflicts=conflicts,
        lap=lap,
    )
    pulse_seed(org, lap)


def _scale_users(count: int) -> list[User]:
    """``count`` people; the first is the workspace's admin."""
    password = make_password(PASSWORD)
    return User.objects.bulk_create(
        (
            User(
                username=SCALE_USERNAME.format(i),
                first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
                last_name=LAST_NAMES[i // len(FIRST_NAMES) % len(LAST_NAMES)],
                email=f"{SCALE_USERNAME.format(i)}@{SCALE_DOMAIN}",
                password=password,
            )
            for i in range(count)
        ),
        batch_size=BATCH_SIZE,
    )


def _staff_counts(members: int, departments: int) -> tuple[int, int]:
    """How many executives and leads: people 1.. are executives, then leads, then members."""
    executives = max(1, members // 20)
    return executives, min(departments, members - 1 - executives)


def _home_department(index: int, departments: int) -> int:
    """The department person ``index`` belongs to: person 1 to the first, and on round robin."""
    return (index - 1) % departments


def _scale_role(index: int, executives: int, leads: int) -> Role:
    if index == 0:
        return Role.ADMIN
    if index <= executives:
        return Role.EXECUTIVE
    if index <= executives + leads:
        return Role.LEAD
    return Role.GUEST if index % 25 == 0 else Role.MEMBER


def _scale_departments(workspace: Workspace, users: list[User], count: int) -> list[Department]:
    """The defaults plus named extras. Executive ``e`` sponsors departments ``e``, ``e +
    executives``...; each lead leads their home department and, when leads are fewer than
    departments, others round robin."""
    executives, leads = _staff_counts(len(users), count)
    defaults = list(workspace.departments.order_by("pk"))
    extras = [
        Department(
            workspace=workspace,
            name=EXTRA_DEPARTMENTS[j % len(EXTRA_DEPARTMENTS)]
            + (f" {j // len(EXTRA_DEPARTMENTS) + 1}" if j >= len(EXTRA_DEPARTMENTS) else ""),
        )
        for j in range(count - len(defaults))
    ]
    departments = defaults + extras
    for d, department in enumerate(departments):
        department.executive = users[1 + d % executives]
        department.lead = users[1 + executives + (d - executives) % count % leads]
    Department.objects.bulk_update(defaults, ["lead", "executive"])
    Department.objects.bulk_create(extras, batch_size=BATCH_SIZE)
    return departments


def _scale_memberships(
    workspace: Workspace, users: list[User], departments: int
) -> list[Membership]:
    """Everyone's but the admin's: ``workspace_create`` made hers."""
    executives, leads = _staff_counts(len(users), departments)
    return Membership.objects.bulk_create(
        (
            Membership(workspace=workspace, user=user, role=_scale_role(i, executives, leads))
            for i, user in enumerate(users)
            if i > 0
        ),
        batch_size=BATCH_SIZE,
    )


def _membership_departments(
    memberships: list[Membership], departments: list[Department]
) -> Iterator[tuple[int, int]]:
    """Each member but the guests in their home department."""
    for i, membership in enumerate(memberships, start=1):
        if membership.role != Role.GUEST:
            yield membership.pk, departments[_home_department(i, len(departments))].pk


def _scale_kpis(workspace: Workspace, count: int, rng: random.Random) -> list[KPI]:
    """KPIs named after the metrics per region, with thresholds around a random level."""
    kpis = []
    for i in range(count):
        name, unit, direction = METRICS[i % len(METRICS)]
        level = rng.uniform(10, 2000)
        better, worse = (1.1, 0.8) if direction == Direction.INCREASE else (0.9, 1.2)
        kpis.append(
            KPI(
                workspace=workspace,
                name=f"{name} – region {i // len(METRICS) + 1}",
                unit=unit,
                direction=direction,
                green_threshold=Decimal(level * better).quantize(CENT),
                red_threshold=Decimal(level * worse).quantize(CENT),
            )
        )
    return KPI.objects.bulk_create(kpis, batch_size=BATCH_SIZE)


def _kpi_owners(
    kpis: list[KPI], departments: list[Department], rng: random.Random
) -> Iterator[tuple[int, int]]:
    """One or two owner departments per KPI."""
    for kpi in kpis:
        for department in rng.sample(departments, rng.choice((1, 2))):
            yield kpi.pk, department.pk


def _measurements(
    kpis: list[KPI], count: int, today: date, rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """``count`` daily manual values, newest first: row ``i`` is KPI ``i % len(kpis)``, ``i //
    len(kpis)`` days back, so no KPI has two on one date. Values move from the red threshold
    towards the green one over time, with noise."""
    now = timezone.now()
    bands = [
        (k.pk, float(k.red_threshold), float(k.green_threshold - k.red_threshold)) for k in kpis
    ]
    days = -(-count // len(kpis))
    dates = [today - timedelta(days=back) for back in range(days)]
    for i in range(count):
        kpi_id, red, span = bands[i % len(bands)]
        back = i // len(bands)
        share = 1 - back / days + rng.uniform(-0.15, 0.15)
        yield kpi_id, dates[back], Decimal(f"{red + span * share:.2f}"), MANUAL, now


def _scale_goals(scale: Scale, count: int) -> list[PlannedGoal]:
    """A fifth are shared goals (two or three owners); then department goals, the first half of
    all goals as steps under a shared goal, in its period and owned by one of its owners."""
    rng = scale.rng
    shared = []
    for i in range(count // 5):
        owners = rng.sample(scale.departments, rng.choice((2, 3)))
        planned = _planned_goal(scale, scale.period(), owners)
        if i % 2 == 0:
            planned.contributors = [
                next(d for d in rng.sample(scale.departments, 4) if d not in owners)
            ]
        shared.append(planned)
    steps = min(count - len(shared), count // 2) if shared else 0
    rest = []
    for i in range(count - len(shared)):
        if i < steps:
            parent = rng.choice(shared)
            planned = _planned_goal(scale, parent.period, [rng.choice(parent.owners)])
            planned.parent = parent
        else:
            owner = rng.choice(scale.departments)
            planned = _planned_goal(scale, scale.period(), [owner])
        rest.append(planned)
    _roll_up(rest)
    Goal.objects.bulk_create([p.goal for p in shared], batch_size=BATCH_SIZE)
    for planned in rest:
        planned.goal.parent = planned.parent.goal if planned.parent else None
    Goal.objects.bulk_create([p.goal for p in rest], batch_size=BATCH_SIZE)
    return shared + rest


def _roll_up(steps: list[PlannedGoal]) -> None:
    """Give each goal with steps the progress rolled up from them, as the services would."""
    children: dict[PlannedGoal, list[tuple[int, int]]] = defaultdict(list)
    for step in steps:
        if step.parent is not None and step.goal.status != Goal.Status.DROPPED:
            children[step.parent].append((step.goal.progress, step.goal.weight))
    for parent, pairs in children.items():
        parent.goal.progress = progress.rollup(pairs)


def _planned_goal(scale: Scale, period: Period, owners: list[Department]) -> PlannedGoal:
    """A SMART goal on a random metric; shared goals are ranked in their period's priorities."""
    rng = scale.rng
    metric, unit, direction = rng.choice(METRICS)
    verb, sign = ("Increase", 1) if direction == Direction.INCREASE else ("Reduce", -1)
    change = rng.randint(5, 40)
    baseline = Decimal(rng.randint(20, 2000))
    target = (baseline * (100 + sign * change) / 100).quantize(CENT)
    current = (baseline + (target - baseline) * Decimal(rng.random())).quantize(CENT)
    shared = len(owners) > 1
    if shared:
        scale.priorities[period.pk] += 1
    goal = Goal(
        workspace=scale.workspace,
        title=f"{verb} {metric.lower()} by {change}% in {period.name}",
        accountable_id=owners[0].executive_id if shared else owners[0].lead_id,
        created_by_id=owners[0].executive_id,
        period=period,
        period_start=period.start_date,
        start_date=period.start_date,
        due_date=period.end_date,
        status=_scale_status(period, scale.today, rng),
        priority=scale.priorities[period.pk] if shared else None,
        metric=metric,
        unit=unit,
        baseline=baseline,
        target=target,
        current_value=current,
        progress=progress.value_progress(
            baseline=baseline, target=target, current=current, direction=direction
        )
        or 0,
        direction=direction,
        kpi=rng.choice(scale.kpis) if rng.random() < 0.3 else None,
    )
    return PlannedGoal(goal, period, owners)


def _scale_status(period: Period, today: date, rng: random.Random) -> str:
    if period.end_date < today:
        closed = (Goal.Status.ACHIEVED, Goal.Status.MISSED, Goal.Status.DROPPED)
        return rng.choices(closed, weights=(5, 3, 1))[0]
    if period.start_date > today:
        return rng.choice((Goal.Status.DRAFT, Goal.Status.ON_TRACK))
    statuses = (Goal.Status.ON_TRACK, Goal.Status.AT_RISK, Goal.Status.OFF_TRACK, Goal.Status.DRAFT)
    return rng.choices(statuses, weights=(5, 3, 1, 1))[0]


def _checkin_slot(org: Org, index: int, count: int) -> tuple[Cycle, PlannedGoal]:
    """The cycle and goal of check-in ``index`` of ``count``: they are spread evenly over the
    (cycle, goal) slots, at most one per slot; there are at least as many slots as
    check-ins."""
    goals = len(org.goals)
    slot = index * len(org.cycles) * goals // count
    return org.cycles[slot // goals], org.goals[slot % goals]


def _checkins(org: Org, count: int) -> Iterator[tuple[Any, ...]]:
    """``count`` check-ins, each written by the lead of the goal's first owner department a
    week into its cycle."""
    rng = org.rng
    for i in range(count):
        cycle, item = _checkin_slot(org, i, count)
        yield (
            cycle.pk,
            item.goal.pk,
            item.owners[0].lead_id,
            item.goal.current_value,
            rng.randint(1, 10),
            rng.choice(MOVED),
            rng.choice(BLOCKERS),
            rng.choice(NEXT_STEPS),
            org.at(cycle.starts_on + timedelta(days=7), 10),
        )


def _asked(org: Org, checkins: int, asks: int) -> list[tuple[int, Cycle, PlannedGoal]]:
    """The ``asks`` check-ins (id, cycle, goal) that raise an ask, spread evenly over all."""
    if not asks:
        return []
    ids = inserted_ids(CheckIn.objects.filter(cycle__workspace=org.workspace), checkins)
    chosen = (k * checkins // asks for k in range(asks))
    return [(ids[i], *_checkin_slot(org, i, checkins)) for i in chosen]


class Stopwatch:
    """Writes each step's rows and the seconds since the step before."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write
        self.started = self.last = time.perf_counter()

    def __call__(self, table: str, rows: int | None) -> None:
        """A table's rows, or with ``None`` a step that writes none."""
        now = time.perf_counter()
        count = f"{rows:>11,} rows" if rows is not None else " " * 16
        self.write(f"  {table:<30}{count} {now - self.last:>8.2f} s")
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started
