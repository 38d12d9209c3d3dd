"""Many new goals at once, as :func:`goals.services.goals.goal_create` makes each one: the
goal import writes thousands in a few queries per batch instead of a dozen per goal.

The rules stay in :mod:`goals.services.goals`; this module only batches the writes (and
applies the one rule that queries, on the accountable person, to all goals at once).
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from core.models import AuditEvent
from goals.models import KPI, Goal, Measurement
from goals.services.goals import (
    goal_check,
    goal_clean,
    goal_own_progress,
    goal_refresh_progress,
    goal_validate_links,
)
from teams.models import Department, Membership, Workspace
from teams.tenancy import ensure_members

OwnerLink = Goal.owner_departments.through
ContributorLink = Goal.contributing_departments.through


class GoalsRefused(Exception):
    """The goal at ``index`` of a :func:`goals_create` batch is refused (``error``); nothing
    was saved."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(f"Goal {index + 1} is refused: {error}")
        self.index, self.error = index, error


@transaction.atomic
def goals_create(
    *,
    membership: Membership,
    goals: Sequence[dict[str, Any]],
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> list[Goal]:
    """Many new goals set by ``membership``, all or none, each as :func:`goal_create` makes
    one: the same checks, its links, its audit row, its progress and its parent's roll-up.

    ``goals`` are goal_create's keyword arguments, one dict per goal. Every goal is checked
    before anything is written; the first refused raises :class:`GoalsRefused`. Then they are
    written ``batch`` at a time, in a fixed number of queries per batch (the goals, their
    owners, their contributors, their audit rows), calling ``progress(written)`` after each;
    the parents' roll-ups take a few queries per distinct parent.
    """
    workspace, actor = membership.workspace, membership.user
    new: list[tuple[Goal, list[Department], list[Department]]] = []
    for index, given in enumerate(goals):
        fields = dict(given)
        owners = list(fields.pop("owner_departments"))
        contributors = list(fields.pop("contributing_departments", ()))
        try:
            goal_check(
                membership=membership,
                owner_departments=owners,
                contributing_departments=contributors,
                **fields,
            )
            links = {name: fields.get(name) for name in ("parent", "period", "kpi")}
            goal_validate_links(
                workspace=workspace,
                owner_departments=owners,
                contributing_departments=contributors,
                **links,
            )
            goal = Goal(workspace=workspace, created_by=actor, **fields)
            goal_clean(goal)
        except ValidationError as error:
            raise GoalsRefused(index, error) from None
        new.append((goal, owners, contributors))
    _ensure_accountable_members(workspace, [goal for goal, _, _ in new])
    latest = _kpi_latest_values({goal.kpi_id for goal, _, _ in new if goal.kpi_id})
    for goal, _, _ in new:
        # A new goal has no check-in and no step: its value is its KPI's, else the one given.
        goal.current_value = latest.get(goal.kpi_id, goal.current_value)
        goal.progress = goal_own_progress(goal)
        # bulk_create skips Goal.save, which copies the goal list's sort key.
        goal.period_start = goal.period.start_date if goal.period_id else None
    for start in range(0, len(new), batch):
        chunk = new[start : start + batch]
        Goal.objects.bulk_create([goal for goal, _, _ in chunk])
        OwnerLink.objects.bulk_create(
            OwnerLink(goal_id=goal.pk, department_id=department.pk)
            for goal, owners, _ in chunk
            for department in owners
        )
        ContributorLink.objects.bulk_create(
            ContributorLink(goal_id=goal.pk, department_id=department.pk)
            for goal, _, contributors in chunk
            for department in contributors
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                workspace=workspace,
                actor=actor,
                verb="created",
                target_type=Goal._meta.model_name,
                target_id=goal.pk,
                summary=f"{actor} created the goal “{goal.title}”"[:300],
            )
            for goal, _, _ in chunk
        )
        if progress is not None:
            progress(start + len(chunk))
    parents = Goal.objects.in_bulk({goal.parent_id for goal, _, _ in new if goal.parent_id})
    for parent in parents.values():
        goal_refresh_progress(goal=parent)
    return [goal for goal, _, _ in new]


def _ensure_accountable_members(workspace: Workspace, goals: Sequence[Goal]) -> None:
    """goal_validate_links' rule on the accountable person, for many goals in one query; when
    it is broken, the people are checked one by one to name the first goal that breaks it."""
    try:
        ensure_members(
            workspace, [goal.accountable for goal in goals], field="accountable", guests=False
        )
    except ValidationError:
        checked = set()
        for index, goal in enumerate(goals):
            if goal.accountable_id is None or goal.accountable_id in checked:
                continue
            checked.add(goal.accountable_id)
            try:
                ensure_members(workspace, [goal.accountable], field="accountable", guests=False)
            except ValidationError as error:
                raise GoalsRefused(index, error) from None
        raise


def _kpi_latest_values(kpi_ids: set[int]) -> dict[int, Decimal]:
    """Each KPI's latest measurement (as :func:`goal_latest_value` reads it), in one query."""
    if not kpi_ids:
        return {}
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-date", "-id")
    rows = KPI.objects.filter(pk__in=kpi_ids).annotate(latest=Subquery(latest.values("value")[:1]))
    return {pk: value for pk, value in rows.values_list("pk", "latest") if value is not None}
