"""The scale workspace's conflicts: each between two or three departments, a position per
side, and for those decided their decision in the log (recorded directly, as
:func:`conflicts.decisions.conflict_decide` does outside a meeting) with each side's trade-off
and acknowledgement.

The newest tenth are still undecided (open or in discussion, a few past their decide-by date);
the rest were raised over the past year and are mostly closed, some decided and waiting for an
acknowledgement, a few withdrawn.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from alignment.seed import scale_text as text
from alignment.seed.common import insert_rows, inserted_ids, quarter_of
from alignment.seed.scale_org import Lap, Org, answerer
from conflicts.models import Acknowledgement, Conflict, Position
from forums.models import Decision
from teams.models import Department

Status = Conflict.Status
DecisionDepartment = Decision.departments.through
ConflictDepartment = Conflict.departments.through
ConflictGoal = Conflict.goals.through
TABLES = (Conflict, ConflictDepartment, ConflictGoal, Position, Acknowledgement)
DECISION_COLUMNS = (
    "workspace_id",
    "title",
    "rationale",
    "decided_by_id",
    "review_on",
    "created_by_id",
    "created_at",
)
CONFLICT_COLUMNS = (
    "workspace_id",
    "title",
    "kind",
    "at_stake",
    "raised_by_id",
    "raised_by_department_id",
    "decide_by",
    "facilitator_id",
    "status",
    "decision_id",
    "created_at",
    "discussed_at",
    "decided_at",
    "closed_at",
    "withdrawn_at",
    "updated_at",
)
POSITION_COLUMNS = ("conflict_id", "department_id", "wants", "why", "would_trade", "author_id")
POSITION_COLUMNS += ("updated_at",)
ACK_COLUMNS = ("conflict_id", "department_id", "trade_off", "acknowledged_by_id")
ACK_COLUMNS += ("acknowledged_at",)
UNDECIDED_SHARE = 0.1
RECENT_DAYS = 40  # the undecided ones were raised within these days, the others before


@dataclass(eq=False)
class PlannedConflict:
    kind: str
    subject: str  # what it is about; its title adds the sides
    sides: list[Department]  # the raiser's department first
    status: str
    created_at: datetime
    decide_by: date
    facilitator: int | None = None
    discussed_at: datetime | None = None
    decided_at: datetime | None = None
    closed_at: datetime | None = None
    withdrawn_at: datetime | None = None
    decision: int | None = None
    pk: int = 0

    @property
    def title(self) -> str:
        return f"{self.subject}: {' and '.join(d.name for d in self.sides)}"

    @property
    def settled_at(self) -> datetime | None:
        """When it left the forums' agendas: decided or withdrawn."""
        return self.decided_at or self.withdrawn_at

    @property
    def decided(self) -> bool:
        return self.status in (Status.DECIDED, Status.CLOSED)


def conflict_statuses(count: int) -> list[str]:
    """The statuses of ``count`` conflicts, newest first: a tenth undecided (open and in
    discussion in turn), then one in seventeen withdrawn, an eighth of all decided and
    waiting for acknowledgements, and the rest closed."""
    undecided = round(count * UNDECIDED_SHARE)
    statuses = []
    for i in range(count):
        rest = i - undecided
        if rest < 0:
            statuses.append(Status.OPEN if i % 2 == 0 else Status.IN_DISCUSSION)
        elif rest % 17 == 16:
            statuses.append(Status.WITHDRAWN)
        else:
            statuses.append(Status.DECIDED if rest < count // 8 else Status.CLOSED)
    return statuses


def conflicts_decided(count: int) -> int:
    """How many of ``count`` conflicts have a decision in the log."""
    return sum(s in (Status.DECIDED, Status.CLOSED) for s in conflict_statuses(count))


def conflicts_seed(org: Org, count: int, lap: Lap) -> list[PlannedConflict]:
    """The conflicts and all that hangs off them; their decisions go in first, since a
    decided conflict cannot be without its decision."""
    planned = [_plan(org, i, status, count) for i, status in enumerate(conflict_statuses(count))]
    decided = [c for c in planned if c.decided]
    lap(
        "decisions (of conflicts)",
        insert_rows(Decision, DECISION_COLUMNS, (_decision(org, c) for c in decided)),
    )
    ids = inserted_ids(Decision.objects.filter(workspace=org.workspace), len(decided))
    for conflict, pk in zip(decided, ids, strict=True):
        conflict.decision = pk
    links = ((pk, d.pk) for c, pk in zip(decided, ids, strict=True) for d in c.sides)
    lap(
        "decision departments",
        insert_rows(DecisionDepartment, ("decision_id", "department_id"), links),
    )
    rows = (_conflict_row(org, c) for c in planned)
    lap("conflicts", insert_rows(Conflict, CONFLICT_COLUMNS, rows))
    ids = inserted_ids(Conflict.objects.filter(workspace=org.workspace), len(planned))
    for conflict, pk in zip(planned, ids, strict=True):
        conflict.pk = pk
    sides = ((c.pk, d.pk) for c in planned for d in c.sides)
    lap(
        "conflict departments",
        insert_rows(ConflictDepartment, ("conflict_id", "department_id"), sides),
    )
    lap(
        "conflict goals",
        insert_rows(ConflictGoal, ("conflict_id", "goal_id"), _goals(org, planned)),
    )
    lap("positions", insert_rows(Position, POSITION_COLUMNS, _positions(org, planned)))
    lap(
        "acknowledgements",
        insert_rows(Acknowledgement, ACK_COLUMNS, _acknowledgements(org, decided)),
    )
    return planned


def _plan(org: Org, index: int, status: str, count: int) -> PlannedConflict:
    rng = org.rng
    undecided = round(count * UNDECIDED_SHARE)
    if index < undecided:
        created = org.days_ago(1, RECENT_DAYS)
    else:
        spread = (index - undecided) / max(1, count - undecided)
        created = org.now - timedelta(days=RECENT_DAYS + 5 + 320 * spread + rng.uniform(0, 3))
    raiser = rng.choice(org.departments)
    others = [d for d in org.departments if d.pk != raiser.pk]
    sides = [raiser, *rng.sample(others, min(len(others), rng.choice((1, 1, 2))))]
    kind = rng.choice(Conflict.Kind.values)
    titles = text.CONFLICTS[kind][0]
    subject = rng.choice(titles).format(
        quarter=quarter_of(created.date() + timedelta(days=90)).name
    )
    decide_by = created.date() + timedelta(days=rng.randint(14, 28))
    conflict = PlannedConflict(kind, subject, sides, status, created, decide_by)
    if status != Status.OPEN or index % 4 == 0:
        conflict.facilitator = org.neutral(sides)
    if status != Status.OPEN:
        conflict.discussed_at = min(created + timedelta(days=rng.uniform(1, 5)), org.now)
    if conflict.decided:
        conflict.decided_at = created + timedelta(days=rng.uniform(7, 21))
    if status == Status.CLOSED:
        conflict.closed_at = conflict.decided_at + timedelta(days=rng.uniform(2, 12))
    if status == Status.WITHDRAWN:
        conflict.withdrawn_at = created + timedelta(days=rng.uniform(5, 10))
    return conflict


def _decision(org: Org, conflict: PlannedConflict) -> tuple[Any, ...]:
    rng = org.rng
    winner = rng.choice(conflict.sides)
    outcome = rng.choice(text.CONFLICT_OUTCOMES).format(side=winner.name)
    whys = text.CONFLICTS[conflict.kind][3]
    rationale = f"{rng.choice(whys)} {rng.choice(text.TRADE_OFFS)}"
    decided_by = conflict.facilitator or conflict.sides[0].executive_id
    review = None
    if rng.random() < 0.2:
        review = conflict.decided_at.date() + timedelta(days=rng.randint(60, 120))
    return (
        org.workspace.pk,
        f"{conflict.subject}: {outcome}",
        rationale,
        decided_by,
        review,
        decided_by,
        conflict.decided_at,
    )


def _conflict_row(org: Org, conflict: PlannedConflict) -> tuple[Any, ...]:
    raiser = conflict.sides[0]
    others = " and ".join(d.name for d in conflict.sides[1:])
    at_stake = text.CONFLICTS[conflict.kind][1].format(raiser=raiser.name, other=others)
    moments = [conflict.created_at, conflict.discussed_at, conflict.decided_at]
    moments += [conflict.closed_at, conflict.withdrawn_at]
    return (
        org.workspace.pk,
        conflict.title,
        conflict.kind,
        at_stake,
        answerer(raiser),
        raiser.pk,
        conflict.decide_by,
        conflict.facilitator,
        conflict.status,
        conflict.decision,
        conflict.created_at,
        conflict.discussed_at,
        conflict.decided_at,
        conflict.closed_at,
        conflict.withdrawn_at,
        max(m for m in moments if m is not None),
    )


def _goals(org: Org, planned: list[PlannedConflict]):
    """Each conflict names a goal of its raiser's, when the raiser owns one."""
    owned: dict[int, list[int]] = {}
    for goal in org.goals:
        for owner in goal.owners:
            owned.setdefault(owner.pk, []).append(goal.goal.pk)
    for conflict in planned:
        goals = owned.get(conflict.sides[0].pk)
        if goals:
            yield conflict.pk, org.rng.choice(goals)


def _positions(org: Org, planned: list[PlannedConflict]):
    """Each side's position, stated within days of the conflict being raised."""
    rng = org.rng
    for conflict in planned:
        _, _, wants, whys, trades = text.CONFLICTS[conflict.kind]
        for side in conflict.sides:
            stated = min(conflict.created_at + timedelta(hours=rng.uniform(2, 72)), org.now)
            yield (
                conflict.pk,
                side.pk,
                rng.choice(wants),
                rng.choice(whys),
                rng.choice(trades),
                answerer(side),
                stated,
            )


def _acknowledgements(org: Org, decided: list[PlannedConflict]):
    """A closed conflict's sides have all acknowledged; a decided one waits for all but its
    raiser's."""
    rng = org.rng
    for conflict in decided:
        for n, side in enumerate(conflict.sides):
            done = conflict.status == Status.CLOSED or n == 0
            when = None
            if done:
                latest = conflict.closed_at or org.now
                when = conflict.decided_at + (latest - conflict.decided_at) * rng.uniform(0.2, 1)
            yield (
                conflict.pk,
                side.pk,
                rng.choice(text.TRADE_OFFS),
                answerer(side) if done else None,
                when,
            )
