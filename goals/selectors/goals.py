"""Reads for goals, with their joins already made, so templates never query in a loop.

Goals get their ``owners`` and ``contributors`` from one query for a whole page
(:func:`attach_departments`); pages that list the departments anyway share that list with the
navigation (:func:`workspace_departments`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from core.models import AuditEvent
from goals.models import (
    KPI,
    Goal,
    GoalImport,
    Measurement,
    Period,
    Retrospective,
    Win,
    period_start_key,
)
from goals.permissions import ensure_can_edit_goal
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import get_scoped

OwnerLink = Goal.owner_departments.through
ContributorLink = Goal.contributing_departments.through
OPEN = ~Q(status__in=Goal.CLOSED_STATUSES)
PARENT_CHAIN = "parent__parent__parent"


def workspace_departments(
    workspace: Workspace, *, goal: Goal | None = None, membership: Membership | None = None
) -> list[Department]:
    """The workspace's departments by name, in one query.

    With ``goal``, each is marked ``owns``/``contributes``; with ``membership``, ``mine`` (the
    person's own departments, what a lead may set goals for). Pages pass the list on as
    ``nav_departments`` so the navigation needs no query of its own.
    """
    departments = workspace.departments.order_by("name")
    if goal is not None:
        departments = departments.annotate(
            owns=Exists(OwnerLink.objects.filter(goal=goal, department=OuterRef("pk"))),
            contributes=Exists(
                ContributorLink.objects.filter(goal=goal, department=OuterRef("pk"))
            ),
        )
    if membership is not None:
        departments = departments.annotate(
            mine=Exists(
                Membership.departments.through.objects.filter(
                    membership=membership, department=OuterRef("pk")
                )
            )
        )
    return list(departments)


def attach_departments(goals: Iterable[Goal]) -> None:
    """Set ``goal.owners`` and ``goal.contributors`` (departments by name) in one query."""
    by_id = {goal.pk: goal for goal in goals}
    for goal in by_id.values():
        goal.owners, goal.contributors = [], []
    if not by_id:
        return
    columns = ("goal_id", "department_id", "department__name", "department__kind")
    owner_links = (
        OwnerLink.objects.filter(goal_id__in=by_id)
        .annotate(owner=Value(True), color=F("department__color"))
        .values_list(*columns, "color", "owner")
    )
    contributor_links = (
        ContributorLink.objects.filter(goal_id__in=by_id)
        .annotate(owner=Value(False), color=F("department__color"))
        .values_list(*columns, "color", "owner")
    )
    for goal_id, pk, name, kind, color, owner in sorted(
        owner_links.union(contributor_links, all=True), key=lambda link: link[2]
    ):
        department = Department(pk=pk, name=name, kind=kind, color=color)
        (by_id[goal_id].owners if owner else by_id[goal_id].contributors).append(department)


def shared_goal_ids(*, workspace: Workspace, period: Period | int | None = None) -> QuerySet:
    """A subquery of the ids of the workspace's goals (of ``period``, when given) with two or
    more owner departments. Scoped, so it reads one workspace's links, not every workspace's."""
    links = OwnerLink.objects.filter(goal__workspace=workspace)
    if period is not None:
        links = links.filter(goal__period=period)
    return (
        links.values("goal_id")
        .annotate(owners=Count("department_id"))
        .filter(owners__gte=2)
        .values("goal_id")
    )


def goal_list(*, workspace: Workspace) -> QuerySet[Goal]:
    return Goal.objects.filter(workspace=workspace).select_related("period", "accountable", "kpi")


@dataclass
class GoalFilters:
    department: int | None = None
    status: str = ""
    period: int | None = None
    owner: int | None = None
    shared: bool = False
    q: str = ""


def goal_search(*, workspace: Workspace, filters: GoalFilters) -> QuerySet[Goal]:
    """The goal list's results: newest period first, then by rank and due date."""
    goals = goal_list(workspace=workspace)
    if filters.department:
        goals = goals.filter(owner_departments=filters.department)
    if filters.status == "open":
        goals = goals.filter(OPEN)
    elif filters.status:
        goals = goals.filter(status=filters.status)
    if filters.period:
        goals = goals.filter(period_id=filters.period)
    if filters.owner:
        goals = goals.filter(accountable_id=filters.owner)
    if filters.shared:
        goals = goals.filter(pk__in=shared_goal_ids(workspace=workspace))
    if filters.q:
        goals = goals.filter(
            Q(title__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(metric__icontains=filters.q)
        )
    # The order of the goal_list_order index (period_start copies the period's start date):
    # a page is read in order under its LIMIT, never by sorting the workspace's goals.
    return goals.order_by(
        period_start_key().desc(),
        F("priority").asc(nulls_last=True),
        F("due_date").asc(nulls_last=True),
        "pk",
    )


def goal_with_links() -> QuerySet[Goal]:
    """Goals with their period, KPI, accountable person, parent chain, retrospective and win."""
    return Goal.objects.select_related(
        "period",
        "kpi",
        "accountable",
        PARENT_CHAIN,
        "retrospective__author",
        "win",
    )


def goal_get(*, membership: Membership, pk: int, write: bool = False) -> Goal:
    """The goal ``pk`` of the member's workspace (else ``Http404``): pages and the API fetch a
    goal through here. With ``write``, only if the member may change it, else
    ``PermissionDenied``.

    The goal comes with its links (:func:`goal_with_links`), its ``owners`` and
    ``contributors``, and ``departments``: every department of the workspace, marked ``owns``,
    ``contributes`` and ``mine`` (:func:`workspace_departments`), for forms and the navigation.
    Two queries.
    """
    workspace = membership.workspace
    goal = get_scoped(goal_with_links(), workspace, pk=pk)
    goal.workspace = workspace
    goal.departments = workspace_departments(workspace, goal=goal, membership=membership)
    goal.owners = [d for d in goal.departments if d.owns]
    goal.contributors = [d for d in goal.departments if d.contributes]
    if write:
        own = [d for d in goal.departments if d.mine]
        ensure_can_edit_goal(membership, goal.owners, own_departments=own)
    return goal


def goal_import_get(*, membership: Membership, pk: int) -> GoalImport:
    """The goal import ``pk`` this person started in their workspace (else ``Http404``), with
    the period its goals share; its file is not read (its page polls every second)."""
    imports = GoalImport.objects.filter(created_by=membership.user).select_related("period")
    return get_scoped(imports.defer("text"), membership.workspace, pk=pk)


def goal_parent_chain(goal: Goal) -> list[Goal]:
    """The goal's ancestors, top first (read from :data:`PARENT_CHAIN` when selected)."""
    chain, node, seen = [], goal.parent, {goal.pk}
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node)
        node = node.parent
    return chain[::-1]


def goal_children(goal: Goal) -> list[Goal]:
    return list(
        goal.children.select_related("accountable").order_by(
            F("priority").asc(nulls_last=True), "due_date", "pk"
        )
    )


def goal_checkins(goal: Goal, *, limit: int = 10) -> list[models.Model]:
    """The goal's latest check-ins, through the reverse relation the checkins app declares
    (goals reads them that way and never imports checkins)."""
    return list(goal.checkins.select_related("author", "cycle").order_by("-created_at")[:limit])


def goal_activity(goal: Goal, *, limit: int = 20) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            workspace_id=goal.workspace_id, target_type="goal", target_id=goal.pk
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def kpi_measurements(kpi: KPI | None, *, limit: int = 52) -> list[Measurement]:
    """The KPI's latest measurements, oldest first (for the chart and the SMART check)."""
    if kpi is None:
        return []
    return list(kpi.measurements.order_by("-date", "-id")[:limit])[::-1]


def workspace_people(workspace: Workspace) -> list[User]:
    """Who can be accountable for a goal: every member of the workspace but its guests."""
    return list(
        User.objects.filter(
            memberships__workspace=workspace,
            memberships__role__in=[role for role in Role if role != Role.GUEST],
        ).order_by("first_name", "last_name", "username")
    )


def workspace_periods(workspace: Workspace) -> list[Period]:
    return list(workspace.periods.order_by("-start_date"))


def current_period(periods: Sequence[Period], today: date) -> Period | None:
    """The period that contains ``today``, else the one that starts next, else the latest."""
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    upcoming = [period for period in periods if period.start_date > today]
    if upcoming:
        return min(upcoming, key=lambda period: period.start_date)
    return periods[0] if periods else None


@dataclass
class GoalChoices:
    """What the goal form offers, each loaded in one query."""

    departments: list[Department]
    people: list[User]
    parents: list[Goal]
    periods: list[Period]
    kpis: list[KPI]


def goal_form_choices(
    *, workspace: Workspace, departments: list[Department], goal: Goal | None = None
) -> GoalChoices:
    """Parents are the open top-level goals (and the goal's own parent), never the goal."""
    parents = Goal.objects.filter(workspace=workspace).filter(
        (OPEN & Q(parent__isnull=True)) | Q(pk=goal.parent_id if goal else None)
    )
    if goal is not None:
        parents = parents.exclude(pk=goal.pk)
    # With their workspace: the services check every link's (ensure_in_workspace).
    kpis = KPI.objects.filter(workspace=workspace).order_by("name")
    return GoalChoices(
        departments=departments,
        people=workspace_people(workspace),
        parents=list(parents.order_by("title").only("pk", "title", "workspace")),
        periods=workspace_periods(workspace),
        kpis=list(kpis.only("pk", "name", "workspace")),
    )


def priority_goals(*, workspace: Workspace, period: Period) -> QuerySet[Goal]:
    """The period's ranked list: its open shared goals, by rank (unranked last)."""
    return (
        Goal.objects.filter(
            workspace=workspace,
            period=period,
            pk__in=shared_goal_ids(workspace=workspace, period=period),
        )
        .filter(OPEN)
        .order_by(F("priority").asc(nulls_last=True), "due_date", "pk")
    )


@dataclass
class TreeNode:
    goal: Goal
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """What is missing for the goal to count as aligned."""
        goal, flags = self.goal, []
        if not goal.owners:
            flags.append("No owner department")
        if goal.accountable_id is None:
            flags.append("No accountable person")
        if goal.parent_id is None and len(goal.owners) < 2:
            flags.append("Not aligned: no parent goal")
        return flags


def alignment_tree(*, workspace: Workspace, period: Period | None) -> list[TreeNode]:
    """The period's goals as a forest (two queries): shared top-level goals first.

    A goal whose parent lies outside the period is a root too, so nothing is hidden.
    """
    goals = list(
        Goal.objects.filter(workspace=workspace, period=period)
        .exclude(status=Goal.Status.DROPPED)
        .select_related("accountable")
        .order_by(F("priority").asc(nulls_last=True), "due_date", "pk")
    )
    attach_departments(goals)
    nodes = {goal.pk: TreeNode(goal) for goal in goals}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.goal.parent_id)
        (parent.children if parent else roots).append(node)
    roots.sort(key=lambda node: len(node.goal.owners) < 2)
    return roots


@dataclass
class StatusGrid:
    """Shared goals counted by owner department (rows) and status (columns)."""

    statuses: list[tuple[str, str]]
    rows: list[tuple[Department, list[tuple[str, int]]]]

    @property
    def total(self) -> int:
        return sum(count for _, cells in self.rows for _, count in cells)


def shared_status_grid(
    *, workspace: Workspace, period: Period | None, departments: Sequence[Department]
) -> StatusGrid:
    """One query; all of the workspace's shared goals when there is no period."""
    goals = Q(
        goal__workspace=workspace, goal_id__in=shared_goal_ids(workspace=workspace, period=period)
    )
    if period is not None:
        goals &= Q(goal__period=period)
    counts = {
        (row["department_id"], row["goal__status"]): row["n"]
        for row in OwnerLink.objects.filter(goals)
        .values("department_id", "goal__status")
        .annotate(n=Count("goal_id"))
    }
    statuses = list(Goal.Status.choices)
    return StatusGrid(
        statuses=statuses,
        rows=[
            (
                department,
                [(status, counts.get((department.pk, status), 0)) for status, _ in statuses],
            )
            for department in departments
        ],
    )


def goals_needing_attention(*, workspace: Workspace, today: date, limit: int = 10) -> list[Goal]:
    """Open goals off track, at risk or overdue: the worst (off track or overdue) first, then
    the earliest due.

    Where the database allows LIMIT inside UNION ALL (PostgreSQL), the worst and the other
    at-risk goals are each read in due-date order along an index (goal_open_due,
    goal_workspace_status), up to ``limit`` of each; SQLite sorts every flagged goal.
    """
    severe = Q(status=Goal.Status.OFF_TRACK) | Q(due_date__lt=today)
    goals = (
        goal_list(workspace=workspace)
        .filter(OPEN)
        .annotate(severe=Case(When(severe, then=Value(1)), default=Value(0)))
    )
    by_due = goals.order_by(F("due_date").asc(nulls_last=True), "pk")
    if connection.features.supports_slicing_ordering_in_compound:
        at_risk = by_due.filter(status=Goal.Status.AT_RISK).exclude(severe)
        goals = by_due.filter(severe)[:limit].union(at_risk[:limit], all=True)
    else:
        goals = goals.filter(severe | Q(status=Goal.Status.AT_RISK))
    return list(goals.order_by("-severe", F("due_date").asc(nulls_last=True), "pk")[:limit])


def recent_wins(*, workspace: Workspace, limit: int = 5) -> list[Win]:
    return list(workspace.wins.select_related("goal").order_by("-created_at", "-id")[:limit])


def retrospective_search(*, workspace: Workspace, q: str = "") -> QuerySet[Retrospective]:
    lessons = Retrospective.objects.filter(workspace=workspace).select_related("goal", "author")
    if q:
        lessons = lessons.filter(
            Q(what_worked__icontains=q)
            | Q(what_to_change__icontains=q)
            | Q(goal__title__icontains=q)
        )
    return lessons.order_by("-created_at", "-id")
