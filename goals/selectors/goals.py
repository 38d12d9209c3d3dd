"""Reads for goals and KPIs, with their joins already made."""

from django.db.models import Count, Prefetch, Q, QuerySet

from goals.models import Goal
from teams.models import Department, Workspace


def goal_list(*, workspace: Workspace) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(workspace=workspace)
        .select_related("period", "accountable", "kpi")
        .prefetch_related(
            Prefetch("owner_departments", queryset=Department.objects.order_by("name")),
            Prefetch("contributing_departments", queryset=Department.objects.order_by("name")),
        )
    )


def department_goal_counts(*, workspace: Workspace) -> QuerySet[Department]:
    """Each department with how many open goals it owns and how many of those are at risk."""
    open_goals = ~Q(owned_goals__status__in=Goal.CLOSED_STATUSES)
    return workspace.departments.annotate(
        open_goals=Count("owned_goals", filter=open_goals, distinct=True),
        goals_at_risk=Count(
            "owned_goals",
            filter=open_goals
            & Q(owned_goals__status__in=[Goal.Status.AT_RISK, Goal.Status.OFF_TRACK]),
            distinct=True,
        ),
    ).order_by("name")
