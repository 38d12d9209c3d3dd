"""Writes for goals, KPIs, measurements and check-ins. Pages, API, workshops and imports all
come through here, so the rules below hold for every write path."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from alignment.lib.audit import audit_record, diff
from alignment.lib.tenancy import ensure_in_workspace, ensure_members
from goals import progress
from goals.models import KPI, Goal, Measurement, Period
from teams.models import Department, User, Workspace

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
)


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
    goal.full_clean()
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
    """Change a goal; with ``version`` given, refuse when someone else saved in between."""
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_update() got unknown fields {sorted(unknown)}")
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if version is not None and locked.version != version:
        raise StaleGoalError(locked)
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
    goal.full_clean()
    goal.save()
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
