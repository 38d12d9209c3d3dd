"""Reads for the check-in CSV exports: rows of plain values streamed from one query, so that an
export's queries do not depend on its size and its memory stays flat."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from checkins.models import CheckIn
from goals.models import Goal
from goals.selectors.goals import GoalFilters, goal_search
from teams.models import Workspace

# Rows fetched from the database at a time while streaming.
CHUNK = 2_000

CHECKIN_HEADER = (
    "date",
    "goal_id",
    "goal",
    "cycle_start",
    "cycle_due",
    "author",
    "value",
    "confidence",
    "confidence_band",
    "what_moved",
    "blockers",
    "next_steps",
)


def checkin_rows(checkins: QuerySet[CheckIn], *, workspace: Workspace) -> Iterator[tuple[Any, ...]]:
    """The check-ins as rows of :data:`CHECKIN_HEADER`, oldest first, dated in the workspace's
    time zone. One query (streamed)."""
    zone = workspace.zone
    bands = dict(Goal.Status.choices)
    checkins = checkins.select_related("goal", "cycle", "author").order_by("created_at", "pk")
    for checkin in checkins.iterator(chunk_size=CHUNK):
        yield (
            checkin.created_at.astimezone(zone).date(),
            checkin.goal_id,
            checkin.goal.title,
            checkin.cycle.starts_on,
            checkin.cycle.due_on,
            str(checkin.author) if checkin.author else None,
            checkin.value,
            checkin.confidence,
            bands[checkin.confidence_band],
            checkin.moved,
            checkin.blockers,
            checkin.next_steps,
        )


def workspace_checkins(*, workspace: Workspace, filters: GoalFilters) -> QuerySet[CheckIn]:
    """The check-ins of the goals the goal list shows for ``filters`` (e.g. a period's)."""
    goals = goal_search(workspace=workspace, filters=filters).order_by().values("pk")
    return CheckIn.objects.filter(goal__workspace=workspace, goal__in=goals)


def goal_checkins(goal: Goal) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(goal=goal)
