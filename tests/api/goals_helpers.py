"""Helpers of the goals endpoint tests: the base URL, a goal of acme and its current ETag."""

from goals.models import Goal
from tests.factories import GoalFactory

ACME = "/api/v1/workspaces/acme"


def _goal(acme, **fields) -> Goal:
    fields.setdefault("owner_departments", [acme.product])
    return GoalFactory(workspace=acme.workspace, **fields)


def _etag(goal: Goal) -> str:
    goal.refresh_from_db()
    return f'"goal-{goal.pk}-v{goal.version}"'
