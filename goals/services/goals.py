"""Writes for goals and periods, and the one home of every goal rule.

Pages, the API, workshops, imports and the demo all come through here: :func:`goal_check`
authorizes the acting membership (``PermissionDenied``) and applies the rules (a
``ValidationError`` keyed by field) before anything is written, so no path can create a goal
that another path would refuse. Forms and serializers only parse, and show these errors on
their fields. Closing goals is in :mod:`goals.services.closing`, ranking them in
:mod:`goals.services.ranking`, creating thousands at once in :mod:`goals.services.bulk`.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from zeal import zeal_ignore

from core.audit import audit_record, update_audited
from goals import progress
from goals.models import KPI, Goal, Measurement, Period
from goals.permissions import NO_GOALS, can_create_goals, can_edit_goal, ensure_can_edit_goal
from integrations.models import Event
from integrations.services import webhook_emit
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import ensure_in_workspace, ensure_members, require_role

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
# The values goal_rules() checks, besides the departments.
RULED_FIELDS = ("start_date", "due_date", "baseline", "target", "status")
# Reaching these needs a retrospective: see goals.services.closing.goal_close().
CLOSING_STATUSES = (Goal.Status.ACHIEVED, Goal.Status.MISSED)
# Checked by goal_validate_links() (or set by the service), so full_clean() need not query them.
GOAL_LINKS = ["workspace", "parent", "period", "kpi", "accountable", "created_by"]

SHARED_GOAL_REFUSED = (
    "Only executives and admins set shared goals (two or more owners); as a team lead, "
    "choose one of your own departments."
)
# code="closing": the API's message adds where closing goes (its close/ endpoint).
CLOSING_REFUSED = "Close the goal as achieved or missed with its retrospective."


# --- The rules ---------------------------------------------------------------------------------


def goal_owners(goal: Goal) -> list[Department]:
    """The goal's owner departments: those attached by the selectors (ids and names only),
    else read."""
    owners = getattr(goal, "owners", None)
    return list(goal.owner_departments.all()) if owners is None else owners


def goal_contributors(goal: Goal) -> list[Department]:
    """The goal's contributing departments: those attached by the selectors, else read."""
    contributors = getattr(goal, "contributors", None)
    return list(goal.contributing_departments.all()) if contributors is None else contributors


def goal_authorize(
    *, membership: Membership, goal: Goal | None = None, owners: Iterable[Department] | None = None
) -> None:
    """May ``membership`` change ``goal`` (when given) and give it ``owners`` (when given)?

    Someone who may set no such goal gets ``PermissionDenied``; a lead who chose owners they
    may not (a shared goal, another department) gets a ``ValidationError`` on those owners.
    """
    if not can_create_goals(membership):
        raise PermissionDenied(NO_GOALS)
    if goal is not None and goal.workspace_id != membership.workspace_id:
        raise PermissionDenied("This goal belongs to another workspace.")
    if goal is not None:
        ensure_can_edit_goal(membership, goal_owners(goal))
    if owners is not None and not can_edit_goal(membership, owners):
        raise ValidationError({"owner_departments": SHARED_GOAL_REFUSED})


def goal_rules(
    *,
    owners: Iterable[Department],
    contributors: Iterable[Department],
    start_date: date | None,
    due_date: date | None,
    baseline: Decimal | None,
    target: Decimal | None,
    status: str,
    was: str | None = None,
) -> None:
    """The rules on a goal's values, each broken one named on its field (no query)."""
    errors: dict[str, ValidationError] = {}
    if start_date and due_date and due_date < start_date:
        errors["due_date"] = ValidationError("The due date cannot be before the start date.")
    if baseline is not None and target is not None and baseline == target:
        errors["target"] = ValidationError("The target must differ from the baseline.")
    if {d.pk for d in owners} & {d.pk for d in contributors}:
        errors["contributing_departments"] = ValidationError(
            "A department either owns a goal or contributes to it."
        )
    if status in CLOSING_STATUSES and status != was:
        errors["status"] = ValidationError(CLOSING_REFUSED, code="closing")
    if errors:
        raise ValidationError(errors)


def goal_check(
    *,
    membership: Membership,
    owner_departments: Iterable[Department],
    **fields: Any,
) -> None:
    """Would :func:`goal_create` accept this goal? The right, then the rules, saving nothing
    (the goal import's preview asks it of every row)."""
    owners = list(owner_departments)
    goal_authorize(membership=membership, owners=owners)
    goal_rules_of({**fields, "owner_departments": owners})


def goal_rules_of(fields: dict[str, Any]) -> None:
    """:func:`goal_rules` on goal_create's keyword arguments, or on those of them that could
    be read (a form with errors elsewhere still has the rules of its readable values named)."""
    goal_rules(
        owners=fields.get("owner_departments", ()),
        contributors=fields.get("contributing_departments", ()),
        start_date=fields.get("start_date"),
        due_date=fields.get("due_date"),
        baseline=fields.get("baseline"),
        target=fields.get("target"),
        status=fields.get("status") or Goal.Status.DRAFT,
    )


def goal_clean(goal: Goal) -> None:
    """``goal.full_clean()`` without a query: the links are checked by goal_validate_links(),
    and the rules by goal_rules() (the database enforces its check constraints too)."""
    goal.full_clean(exclude=GOAL_LINKS, validate_constraints=False)
    if goal.weight < 1:
        raise ValidationError({"weight": "The weight is a whole number from 1 to 100."})


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
    ensure_members(workspace, [accountable], field="accountable", guests=False)
    if goal is not None and parent is not None:
        ancestor: Goal | None = parent
        while ancestor is not None:
            if ancestor.pk == goal.pk:
                raise ValidationError(
                    {"parent": "A goal cannot sit under itself or its own steps."}
                )
            ancestor = ancestor.parent


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    membership: Membership,
    title: str,
    owner_departments: Iterable[Department],
    contributing_departments: Iterable[Department] = (),
    agreed_in_workshop: bool = False,
    **fields: Any,
) -> Goal:
    """A new goal set by ``membership`` (see :func:`goal_check` for what is refused).

    ``agreed_in_workshop``: the departments agreed on it in a workshop, which its facilitator
    commits (:func:`workshops.commit.workshop_commit` checks that right); every rule still
    applies, but the facilitator needs no right of their own to set goals.
    """
    workspace, actor = membership.workspace, membership.user
    owners = list(owner_departments)
    contributors = list(contributing_departments)
    if agreed_in_workshop:
        goal_rules_of(
            {**fields, "owner_departments": owners, "contributing_departments": contributors}
        )
    else:
        goal_check(
            membership=membership,
            owner_departments=owners,
            contributing_departments=contributors,
            **fields,
        )
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
    goal_clean(goal)
    goal.save()
    goal.owner_departments.add(*owners)
    goal.contributing_departments.add(*contributors)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=goal,
        summary=f"{actor} created the goal “{goal.title}”",
    )
    goal_refresh_progress(goal=goal)
    return goal


@transaction.atomic
def goal_update(
    *,
    membership: Membership,
    goal: Goal,
    version: int | None = None,
    owner_departments: Iterable[Department] | None = None,
    contributing_departments: Iterable[Department] | None = None,
    **fields: Any,
) -> Goal:
    """Change a goal; with ``version`` given, refuse when someone else saved in between.

    Only the given fields are written. Achieving or missing a goal goes through
    :func:`goals.services.closing.goal_close`, which asks for the retrospective.
    """
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_update() got unknown fields {sorted(unknown)}")
    owners = list(owner_departments) if owner_departments is not None else None
    goal_authorize(membership=membership, goal=goal, owners=owners)
    return _goal_write(
        goal=goal,
        actor=membership.user,
        version=version,
        owners=owners,
        contributors=list(contributing_departments)
        if contributing_departments is not None
        else None,
        fields=fields,
    )


@transaction.atomic
def goal_status_set(*, goal: Goal, actor: User, status: str) -> Goal:
    """Move a goal to the status a check-in reports (on track, at risk, off track).

    Only :func:`checkins.services.checkins.checkin_save` calls it, which has authorized its
    author (the lead of an owner department, who may check in on a shared goal without being
    allowed to edit it).
    """
    if status in CLOSING_STATUSES:
        raise ValidationError({"status": ValidationError(CLOSING_REFUSED, code="closing")})
    return _goal_write(
        goal=goal,
        actor=actor,
        version=None,
        owners=None,
        contributors=None,
        fields={"status": status},
    )


def _goal_write(
    *,
    goal: Goal,
    actor: User,
    version: int | None,
    owners: list[Department] | None,
    contributors: list[Department] | None,
    fields: dict[str, Any],
) -> Goal:
    """Write ``fields`` onto the locked row (the caller's copy may be stale), then onto
    ``goal``, so the caller sees the goal as saved."""
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if version is not None and locked.version != version:
        raise StaleGoalError(locked)
    old_parent = locked.parent if "parent" in fields else None
    before_status = locked.status
    _update_check(goal, locked, owners, contributors, fields)
    related = {}
    if owners is not None:
        related["owner_departments"] = (
            [d.name for d in locked.owner_departments.all()],
            [d.name for d in owners],
        )
    if contributors is not None:
        related["contributing_departments"] = (
            [d.name for d in locked.contributing_departments.all()],
            [d.name for d in contributors],
        )

    def save(row: Goal) -> None:
        row.version += 1
        goal_clean(row)
        row.save(update_fields=[*fields, "version", "updated_at"])
        if owners is not None:
            row.owner_departments.set(owners)
        if contributors is not None:
            row.contributing_departments.set(contributors)

    changes = update_audited(
        locked,
        fields,
        workspace=goal.workspace,
        actor=actor,
        summary=lambda changed: f"{actor} changed {', '.join(changed)}",
        save=save,
        related=related,
    )
    for key in [*fields, "version", "updated_at"]:
        setattr(goal, key, getattr(locked, key))
    if PROGRESS_FIELDS & set(changes):
        goal_refresh_progress(goal=goal)
        if old_parent is not None and old_parent.pk != goal.parent_id:
            goal_refresh_progress(goal=old_parent)
    if "status" in changes:
        goal_status_changed_emit(goal=goal, actor=actor, before=before_status)
    return goal


def _update_check(
    goal: Goal,
    locked: Goal,
    owners: list[Department] | None,
    contributors: list[Department] | None,
    fields: dict[str, Any],
) -> None:
    """The rules and links of the goal as it would be after the update (``None``: unchanged)."""
    owners_after = goal_owners(goal) if owners is None else owners
    if owners is None and contributors is None:
        contributors_after: list[Department] = []  # unchanged: no new overlap
    elif contributors is None:
        contributors_after = goal_contributors(goal)
    else:
        contributors_after = contributors
    after = {key: fields.get(key, getattr(locked, key)) for key in RULED_FIELDS}
    goal_rules(owners=owners_after, contributors=contributors_after, was=locked.status, **after)
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


class StaleGoalError(Exception):
    """Someone else saved the goal since the editor loaded it; ``current`` is their version."""

    def __init__(self, current: Goal) -> None:
        super().__init__("This goal was changed by someone else while you were editing it.")
        self.current = current


@transaction.atomic
def period_create(*, membership: Membership, name: str, start_date: date, end_date: date) -> Period:
    """A planning period (executives and admins); it must end after it starts."""
    require_role(membership, Role.EXECUTIVE)
    workspace = membership.workspace
    if start_date and end_date and end_date <= start_date:
        raise ValidationError({"end_date": "The period must end after it starts."})
    period = Period(workspace=workspace, name=name, start_date=start_date, end_date=end_date)
    period.full_clean()
    period.save()
    audit_record(
        workspace=workspace,
        actor=membership.user,
        verb="created",
        target=period,
        summary=f"{membership.user} created the period {period}",
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


# The walk from one goal to the top reads each ancestor's steps and latest check-in once. A
# workshop commit creates a goal's steps one by one through goal_create, each walking the same
# parent again: bounded by the steps the caller creates, not by the workspace's goals
# (docs/architecture.md, "The N+1 guard").
ANCESTOR_READS = [
    {"model": "goals.Goal", "field": "children"},
    {"model": "goals.Goal", "field": "checkins"},
]


def goal_refresh_progress(*, goal: Goal) -> None:
    """Recompute a goal's value and progress, then its parents' roll-ups up to the top."""
    seen: set[int] = set()
    node: Goal | None = goal
    with zeal_ignore(ANCESTOR_READS):
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            children = list(
                node.children.exclude(status=Goal.Status.DROPPED).values_list("progress", "weight")
            )
            node.current_value = goal_latest_value(node)
            node.progress = progress.rollup(children) if children else goal_own_progress(node)
            Goal.objects.filter(pk=node.pk).update(
                current_value=node.current_value, progress=node.progress
            )
            node = node.parent


def goal_own_progress(goal: Goal) -> int:
    """The progress of a goal without steps: from its own numbers, 0 without them."""
    return (
        progress.value_progress(
            baseline=goal.baseline,
            target=goal.target,
            current=goal.current_value,
            direction=goal.direction,
        )
        or 0
    )


def goal_status_changed_emit(*, goal: Goal, actor: User, before: str) -> None:
    """Send the ``goal.status_changed`` webhook event (on commit, see webhook_emit).

    Its ``data`` is ``{"goal": {"id", "title"}, "from": <status>, "to": <status>, "actor":
    {"id", "name"}}``, statuses being :class:`goals.models.Goal.Status` values.
    """
    webhook_emit(
        workspace=goal.workspace,
        event=Event.GOAL_STATUS_CHANGED,
        payload={
            "goal": {"id": goal.pk, "title": goal.title},
            "from": str(before),
            "to": str(goal.status),
            "actor": {"id": actor.pk, "name": actor.get_full_name() or actor.username},
        },
    )
