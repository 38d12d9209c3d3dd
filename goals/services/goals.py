"""Writes for goals, periods, priorities and closing a goal. Pages, API, workshops and imports
all come through here, so the rules below hold for every write path."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Subquery, Value, When

from core.audit import audit_record, diff
from core.notify import notify
from goals import progress, tasks
from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from goals.selectors.goals import priority_goals
from integrations.models import Event
from integrations.services import webhook_emit
from teams.models import Department, User, Workspace
from teams.selectors import department_people
from teams.tenancy import ensure_in_workspace, ensure_members

GOAL_FIELDS = (
    "title",
    "description",
    "accountable",
    "parent",
    "period",
    "start_date",
    "due_date",
    "status",
    "priority",
    "metric",
    "unit",
    "baseline",
    "target",
    "direction",
    "kpi",
    "weight",
    "current_value",
)
# Changing any of these changes the goal's progress or its parent's roll-up.
PROGRESS_FIELDS = {
    "baseline",
    "target",
    "direction",
    "kpi",
    "weight",
    "parent",
    "status",
    "current_value",
}
# Reaching these needs a retrospective: see goal_close().
CLOSING_STATUSES = (Goal.Status.ACHIEVED, Goal.Status.MISSED)
# Checked by goal_validate_links() (or set by the service), so full_clean() need not query them.
GOAL_LINKS = ["workspace", "parent", "period", "kpi", "accountable", "created_by"]


def _goal_clean(goal: Goal) -> None:
    """``goal.full_clean()`` without a query: the links are checked by goal_validate_links(),
    and the check constraints a person can break are checked here with their own messages
    (the database enforces every one of them)."""
    goal.full_clean(exclude=GOAL_LINKS, validate_constraints=False)
    broken = []
    if goal.start_date and goal.due_date and goal.due_date < goal.start_date:
        broken.append("The due date cannot be before the start date.")
    if goal.baseline is not None and goal.target is not None and goal.baseline == goal.target:
        broken.append("The target must differ from the baseline.")
    if goal.weight < 1:
        broken.append("The weight is a whole number from 1 to 100.")
    if broken:
        raise ValidationError(broken)


def goal_status_changed_emit(*, goal: Goal, actor: User | None, before: str) -> None:
    """Send the ``goal.status_changed`` webhook event (on commit, see webhook_emit).

    Its ``data`` is ``{"goal": {"id", "title"}, "from": <status>, "to": <status>, "actor":
    {"id", "name"} or null}``, statuses being :class:`goals.models.Goal.Status` values.
    """
    webhook_emit(
        workspace=goal.workspace,
        event=Event.GOAL_STATUS_CHANGED,
        payload={
            "goal": {"id": goal.pk, "title": goal.title},
            "from": str(before),
            "to": str(goal.status),
            "actor": _actor_payload(actor),
        },
    )


def _actor_payload(actor: User | None) -> dict[str, Any] | None:
    if actor is None or not actor.is_authenticated:
        return None
    return {"id": actor.pk, "name": actor.get_full_name() or actor.username}


def goal_validate_links(
    *,
    workspace: Workspace,
    owner_departments: Iterable[Department],
    contributing_departments: Iterable[Department] = (),
    parent: Goal | None = None,
    period: Period | None = None,
    kpi: KPI | None = None,
    accountable: User | None = None,
    goal: Goal | None = None,
) -> None:
    """Everything a goal points at must be of its own workspace, and the parent chain acyclic."""
    owners = list(owner_departments)
    if not owners:
        raise ValidationError({"owner_departments": "Choose at least one owner department."})
    ensure_in_workspace(workspace, owners, field="owner_departments")
    ensure_in_workspace(workspace, contributing_departments, field="contributing_departments")
    ensure_in_workspace(workspace, [parent], field="parent")
    ensure_in_workspace(workspace, [period], field="period")
    ensure_in_workspace(workspace, [kpi], field="kpi")
    ensure_members(workspace, [accountable], field="accountable")
    if goal is not None and parent is not None:
        ancestor: Goal | None = parent
        while ancestor is not None:
            if ancestor.pk == goal.pk:
                raise ValidationError(
                    {"parent": "A goal cannot sit under itself or its own steps."}
                )
            ancestor = ancestor.parent


@transaction.atomic
def goal_create(
    *,
    workspace: Workspace,
    actor: User | None,
    title: str,
    owner_departments: Iterable[Department],
    contributing_departments: Iterable[Department] = (),
    **fields: Any,
) -> Goal:
    owners = list(owner_departments)
    contributors = list(contributing_departments)
    goal_validate_links(
        workspace=workspace,
        owner_departments=owners,
        contributing_departments=contributors,
        parent=fields.get("parent"),
        period=fields.get("period"),
        kpi=fields.get("kpi"),
        accountable=fields.get("accountable"),
    )
    goal = Goal(workspace=workspace, title=title, created_by=actor, **fields)
    _goal_clean(goal)
    goal.save()
    goal.owner_departments.set(owners)
    goal.contributing_departments.set(contributors)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=goal,
        summary=f"{actor or 'Someone'} created the goal “{goal.title}”",
    )
    goal_refresh_progress(goal=goal)
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    actor: User | None,
    version: int | None = None,
    owner_departments: Iterable[Department] | None = None,
    contributing_departments: Iterable[Department] | None = None,
    **fields: Any,
) -> Goal:
    """Change a goal; with ``version`` given, refuse when someone else saved in between.

    Only the given fields are written. Achieving or missing a goal goes through
    :func:`goal_close`, which asks for the retrospective.
    """
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_update() got unknown fields {sorted(unknown)}")
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if version is not None and locked.version != version:
        raise StaleGoalError(locked)
    new_status = fields.get("status", locked.status)
    if new_status in CLOSING_STATUSES and new_status != locked.status:
        raise ValidationError(
            {"status": "Close the goal as achieved or missed with its retrospective."}
        )
    old_parent = locked.parent if "parent" in fields else None
    owners = list(owner_departments) if owner_departments is not None else None
    contributors = list(contributing_departments) if contributing_departments is not None else None
    goal_validate_links(
        workspace=goal.workspace,
        owner_departments=owners if owners is not None else goal.owner_departments.all(),
        contributing_departments=contributors or (),
        parent=fields.get("parent", goal.parent),
        period=fields.get("period"),
        kpi=fields.get("kpi"),
        accountable=fields.get("accountable"),
        goal=goal,
    )
    before = {key: getattr(locked, key) for key in fields}
    after = dict(fields)
    if owners is not None:
        before["owner_departments"] = [d.name for d in locked.owner_departments.all()]
        after["owner_departments"] = [d.name for d in owners]
    if contributors is not None:
        before["contributing_departments"] = [d.name for d in locked.contributing_departments.all()]
        after["contributing_departments"] = [d.name for d in contributors]
    for key, value in fields.items():
        setattr(goal, key, value)
    goal.version = locked.version + 1
    _goal_clean(goal)
    goal.save(update_fields=[*fields, "version", "updated_at"])
    if owners is not None:
        goal.owner_departments.set(owners)
    if contributors is not None:
        goal.contributing_departments.set(contributors)
    changes = diff(before, after)
    if changes:
        audit_record(
            workspace=goal.workspace,
            actor=actor,
            verb="updated",
            target=goal,
            summary=f"{actor or 'Someone'} changed {', '.join(sorted(changes))}",
            changes=changes,
        )
    if PROGRESS_FIELDS & set(changes):
        goal_refresh_progress(goal=goal)
        if old_parent is not None and old_parent.pk != goal.parent_id:
            goal_refresh_progress(goal=old_parent)
    if "status" in changes:
        goal_status_changed_emit(goal=goal, actor=actor, before=before["status"])
    return goal


class StaleGoalError(Exception):
    """Someone else saved the goal since the editor loaded it; ``current`` is their version."""

    def __init__(self, current: Goal) -> None:
        super().__init__("This goal was changed by someone else while you were editing it.")
        self.current = current


def period_create(
    *, workspace: Workspace, actor: User | None, name: str, start_date: date, end_date: date
) -> Period:
    with transaction.atomic():
        period = Period(workspace=workspace, name=name, start_date=start_date, end_date=end_date)
        period.full_clean()
        period.save()
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="created",
            target=period,
            summary=f"{actor or 'Someone'} created the period {period}",
        )
    return period


def goal_latest_value(goal: Goal) -> Decimal | None:
    """The KPI's latest measurement, else the latest check-in's value, else the hand-set one."""
    if goal.kpi_id:
        latest = Measurement.objects.filter(kpi_id=goal.kpi_id).order_by("-date", "-id").first()
        if latest is not None:
            return latest.value
    checkin = goal.checkins.exclude(value=None).order_by("-created_at").first()
    if checkin is not None:
        return checkin.value
    return goal.current_value


def goal_refresh_progress(*, goal: Goal) -> None:
    """Recompute a goal's value and progress, then its parents' roll-ups up to the top."""
    seen: set[int] = set()
    node: Goal | None = goal
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        children = list(
            node.children.exclude(status=Goal.Status.DROPPED).values_list("progress", "weight")
        )
        node.current_value = goal_latest_value(node)
        if children:
            node.progress = progress.rollup(children)
        else:
            node.progress = (
                progress.value_progress(
                    baseline=node.baseline,
                    target=node.target,
                    current=node.current_value,
                    direction=node.direction,
                )
                or 0
            )
        Goal.objects.filter(pk=node.pk).update(
            current_value=node.current_value, progress=node.progress
        )
        node = node.parent


@transaction.atomic
def goal_close(
    *,
    goal: Goal,
    actor: User | None,
    status: str,
    what_worked: str,
    what_to_change: str,
    version: int | None = None,
) -> Retrospective:
    """End a goal as achieved or missed with its retrospective.

    An achieved shared goal also posts a win to the workspace feed and tells every department
    that owned or contributed to it (in the app, and one email per department lead).
    """
    errors = {}
    if status not in CLOSING_STATUSES:
        errors["status"] = "Close a goal as achieved or missed."
    if not what_worked.strip():
        errors["what_worked"] = "Say what worked, even in one sentence."
    if not what_to_change.strip():
        errors["what_to_change"] = "Say what you would change next time, even in one sentence."
    if errors:
        raise ValidationError(errors)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if version is not None and locked.version != version:
        raise StaleGoalError(locked)
    if locked.status == status:
        raise ValidationError({"status": f"This goal is already {locked.get_status_display()}."})
    before = locked.status
    goal.status = status
    goal.version = locked.version + 1
    _goal_clean(goal)
    goal.save(update_fields=["status", "version", "updated_at"])
    retrospective = Retrospective.objects.filter(goal=goal).first() or Retrospective(goal=goal)
    retrospective.workspace = goal.workspace
    retrospective.outcome = status
    retrospective.author = actor if actor is not None and actor.is_authenticated else None
    retrospective.what_worked = what_worked.strip()
    retrospective.what_to_change = what_to_change.strip()
    retrospective.full_clean()
    retrospective.save()
    audit_record(
        workspace=goal.workspace,
        actor=actor,
        verb="closed",
        target=goal,
        summary=(
            f"{actor or 'Someone'} closed the goal as {goal.get_status_display().lower()} "
            "with a retrospective"
        ),
        changes=diff({"status": before}, {"status": status}),
    )
    goal_status_changed_emit(goal=goal, actor=actor, before=before)
    if status == Goal.Status.ACHIEVED and goal.owner_departments.count() >= 2:
        goal_win_post(goal=goal)
    return retrospective


def goal_win_post(*, goal: Goal) -> Win | None:
    """Celebrate an achieved shared goal once: a win in the feed, notifications and emails."""
    owners = list(goal.owner_departments.order_by("name"))
    contributors = list(goal.contributing_departments.order_by("name"))
    names = [department.name for department in owners]
    who = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else "".join(names)
    text = f"{who} achieved “{goal.title}”"
    win, created = Win.objects.get_or_create(
        goal=goal, defaults={"workspace": goal.workspace, "text": text[:300]}
    )
    if not created:
        return None
    departments = {department.pk: department for department in [*owners, *contributors]}
    notify(
        workspace=goal.workspace,
        recipients=department_people(departments.values()),
        kind="win",
        title=f"Win: {win.text}",
        url=goal.get_absolute_url(),
    )
    for department in departments.values():
        if department.lead_id:
            transaction.on_commit(
                lambda department_id=department.pk: tasks.send_win_email.delay(
                    win.pk, department_id
                )
            )
    return win


@transaction.atomic
def goal_carry_over(
    *, workspace: Workspace, actor: User | None, goals: Iterable[Goal], period: Period
) -> list[Goal]:
    """Move unfinished goals into ``period``, keeping their history (the same goal rows).

    A due date outside the new period moves to its last day; the goals leave the old period's
    priority list and join the new one unranked.
    """
    ensure_in_workspace(workspace, [period], field="period")
    ids = [goal.pk for goal in goals]
    locked = list(
        Goal.objects.select_for_update(of=("self",))
        .filter(workspace=workspace, pk__in=ids)
        .select_related("period")
        .order_by("pk")
    )
    if not locked or len(locked) != len(set(ids)):
        raise ValidationError({"goals": "Choose one or more goals of this workspace."})
    finished = [goal.title for goal in locked if goal.is_closed]
    if finished:
        raise ValidationError(
            {"goals": f"Finished goals stay in their period: {', '.join(finished)}."}
        )
    already = [goal.title for goal in locked if goal.period_id == period.pk]
    if already:
        raise ValidationError({"goals": f"Already in {period}: {', '.join(already)}."})
    for goal in locked:
        before = {"period": str(goal.period or "no period"), "due_date": goal.due_date}
        goal.period = period
        if goal.due_date is None or not period.start_date <= goal.due_date <= period.end_date:
            goal.due_date = period.end_date
        if goal.start_date is not None and goal.start_date > goal.due_date:
            goal.start_date = period.start_date
        goal.priority = None
        goal.version += 1
        _goal_clean(goal)
        goal.save(
            update_fields=["period", "due_date", "start_date", "priority", "version", "updated_at"]
        )
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="carried_over",
            target=goal,
            summary=f"{actor or 'Someone'} carried the goal over from {before['period']} "
            f"to {period}",
            changes=diff(before, {"period": str(period), "due_date": goal.due_date}),
        )
    return locked


@transaction.atomic
def goal_weights_set(*, goal: Goal, actor: User | None, weights: Mapping[int, int]) -> None:
    """Set how much each child step carries of ``goal``'s progress, then roll it up again."""
    children = {child.pk: child for child in goal.children.select_for_update().order_by("pk")}
    if set(weights) - set(children):
        raise ValidationError({"weights": "Those steps are no longer under this goal."})
    if any(not 1 <= weight <= 100 for weight in weights.values()):
        raise ValidationError({"weights": "Each weight is a whole number from 1 to 100."})
    changed = [children[pk] for pk, weight in weights.items() if children[pk].weight != weight]
    if not changed:
        return
    changes = {child.title: [child.weight, weights[child.pk]] for child in changed}
    for child in changed:
        child.weight = weights[child.pk]
        child.version += 1
    Goal.objects.bulk_update(changed, ["weight", "version"])
    audit_record(
        workspace=goal.workspace,
        actor=actor,
        verb="reweighted",
        target=goal,
        summary=f"{actor or 'Someone'} changed the weights of {len(changed)} step(s)",
        changes=changes,
    )
    goal_refresh_progress(goal=goal)


def _ranked_for_update(*, workspace: Workspace, period: Period | int) -> list[Goal]:
    """Lock and read a period's ranked list (one query), with what the list page shows."""
    return list(
        priority_goals(workspace=workspace, period=period)
        .select_for_update(of=("self",))
        .select_related("period", "accountable")
    )


def _rank(
    *, workspace: Workspace, actor: User | None, ranked: list[Goal], ordered: list[Goal]
) -> list[Goal]:
    """Number ``ordered`` 1..n (one UPDATE) and audit the change on the period."""
    if not ordered:
        return ordered
    # The rank is not on the goal form, so ranking does not make open edit forms stale.
    Goal.objects.filter(pk__in=[goal.pk for goal in ordered]).update(
        priority=Case(*(When(pk=goal.pk, then=Value(rank)) for rank, goal in enumerate(ordered, 1)))
    )
    for rank, goal in enumerate(ordered, 1):
        goal.priority = rank
    if ordered != ranked:
        period = ordered[0].period
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="reordered",
            target=period,
            summary=f"{actor or 'Someone'} reordered the priorities of {period}",
            changes={
                "priorities": [[goal.title for goal in ranked], [goal.title for goal in ordered]]
            },
        )
    return ordered


@transaction.atomic
def priorities_set(
    *, workspace: Workspace, actor: User | None, period: Period, ordered_ids: Sequence[int]
) -> list[Goal]:
    """Rank the period's open shared goals 1..n in the order given (every one of them)."""
    ensure_in_workspace(workspace, [period], field="period")
    ranked = _ranked_for_update(workspace=workspace, period=period)
    by_id = {goal.pk: goal for goal in ranked}
    ids = list(ordered_ids)
    if len(set(ids)) != len(ids) or set(ids) != set(by_id):
        raise ValidationError(
            {"order": "The list of shared goals changed meanwhile. Reload the page and try again."}
        )
    return _rank(workspace=workspace, actor=actor, ranked=ranked, ordered=[by_id[pk] for pk in ids])


@transaction.atomic
def priority_move(
    *, workspace: Workspace, actor: User | None, goal_id: int, offset: int
) -> list[Goal]:
    """Move one shared goal ``offset`` places up (negative) or down its period's list.

    Takes the goal's id: the lock, the scoping to ``workspace`` and the read of the list are one
    query. Returns the list in its new order.
    """
    period = Goal.objects.filter(workspace=workspace, pk=goal_id).values("period_id")[:1]
    ranked = _ranked_for_update(workspace=workspace, period=Subquery(period))
    ordered = list(ranked)
    index = next((i for i, goal in enumerate(ordered) if goal.pk == goal_id), None)
    if index is None:
        raise ValidationError({"goal": "Only open shared goals of a period are ranked."})
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    return _rank(workspace=workspace, actor=actor, ranked=ranked, ordered=ordered)
