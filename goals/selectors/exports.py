"""Reads for the CSV exports: rows as tuples of plain values, streamed from one query each, so
that an export's queries do not depend on its size and its memory stays flat.

The columns of the goal export are the goal import's (goals.services.imports.GOAL_COLUMNS) plus
``id``, ``priority`` and ``progress``, so an exported file imports again.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Aggregate, CharField, OuterRef, Subquery

from goals.models import KPI, Goal
from goals.selectors.goals import GoalFilters, goal_search
from goals.services.imports import (
    GOAL_COLUMNS,
    GOAL_EXPORT_ONLY,
    MEASUREMENT_COLUMNS,
    MEASUREMENT_EXPORT_ONLY,
)
from teams.models import Workspace

# Rows fetched from the database at a time while streaming.
CHUNK = 2_000
# How a list of departments is written in one cell (the import also reads "|").
LIST_JOIN = "; "

OwnerLink = Goal.owner_departments.through
ContributorLink = Goal.contributing_departments.through


class IdList(Aggregate):
    """The ids of a group as one text, comma-separated (SQLite and PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra,
        )


def _department_ids(link: Any) -> Subquery:
    """The goal's department ids through ``link`` (owners or contributors), as one text."""
    return Subquery(
        link.objects.filter(goal_id=OuterRef("pk"))
        .values("goal_id")
        .annotate(ids=IdList("department_id"))
        .values("ids")
    )


GOAL_HEADER = (*GOAL_COLUMNS, *GOAL_EXPORT_ONLY)


def goal_rows(*, workspace: Workspace, filters: GoalFilters) -> Iterator[tuple[Any, ...]]:
    """The goals the goal list shows for ``filters``, in its order, as rows of
    :data:`GOAL_HEADER`. Two queries: the departments, then the goals (streamed)."""
    names = dict(workspace.departments.values_list("pk", "name"))

    def departments(ids: str | None) -> str:
        return LIST_JOIN.join(sorted(names[int(pk)] for pk in (ids or "").split(",") if pk))

    goals = (
        goal_search(workspace=workspace, filters=filters)
        .select_related("parent")
        .annotate(
            owner_ids=_department_ids(OwnerLink), contributor_ids=_department_ids(ContributorLink)
        )
    )
    for goal in goals.iterator(chunk_size=CHUNK):
        person = goal.accountable
        yield (
            goal.title,
            goal.description,
            departments(goal.owner_ids),
            departments(goal.contributor_ids),
            (person.email or person.username) if person else None,
            goal.parent.title if goal.parent else None,
            goal.period.name if goal.period else None,
            goal.start_date,
            goal.due_date,
            goal.status,
            goal.metric,
            goal.unit,
            goal.baseline,
            goal.target,
            goal.direction,
            goal.current_value,
            goal.kpi.name if goal.kpi else None,
            goal.weight,
            goal.pk,
            goal.priority,
            goal.progress,
        )


MEASUREMENT_HEADER = (*MEASUREMENT_COLUMNS, *MEASUREMENT_EXPORT_ONLY)


def measurement_rows(kpi: KPI, *, workspace: Workspace) -> Iterator[tuple[Any, ...]]:
    """The KPI's values as rows of :data:`MEASUREMENT_HEADER`, oldest first, with when they
    were recorded in the workspace's time zone. One query (streamed)."""
    zone = workspace.zone
    measurements = kpi.measurements.select_related("created_by").order_by("date", "source", "pk")
    for measurement in measurements.iterator(chunk_size=CHUNK):
        yield (
            measurement.date,
            measurement.value,
            measurement.source,
            str(measurement.created_by) if measurement.created_by else None,
            measurement.created_at.astimezone(zone),
        )
