"""Reads of the health pages besides the figures (:mod:`health.figures`): who answers a
department's pulse and about whom, a pair's underlying goals, asks, conflicts and answers, and
the overlaps and gaps between the departments' goals."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.http import Http404
from django.shortcuts import get_object_or_404

from checkins.models import Ask, Cycle
from conflicts.models import Conflict
from goals.models import KPI, Goal
from health.models import PulseAnswer
from health.sources import ACTIVE, OwnerLink
from teams.models import Department, Membership, Workspace

# How many cycles of pulse answers a pair's page lists.
PULSE_CYCLES = 3
# The health page lists this many overlaps and idle KPIs, and says when there are more.
OVERLAPS_SHOWN = 25
IDLE_KPIS_SHOWN = 25


def answerer(department: Department) -> int | None:
    """Who answers a department's pulse: its lead, else its executive."""
    return department.lead_id or department.executive_id


def _goals_of(department_ids) -> QuerySet[Goal]:
    return Goal.objects.filter(
        Q(owner_departments__in=department_ids) | Q(contributing_departments__in=department_ids),
        status__in=ACTIVE,
    )


def pulse_partners(*, department: Department) -> QuerySet[Department]:
    """The departments that share an active goal with ``department``, by name."""
    goals = _goals_of([department.pk]).values("pk")
    return (
        Department.objects.filter(workspace_id=department.workspace_id)
        .filter(Q(owned_goals__in=goals) | Q(contributed_goals__in=goals))
        .exclude(pk=department.pk)
        .distinct()
        .order_by("name")
    )


def pulse_departments(membership: Membership) -> list[Department]:
    """The departments whose pulse the person answers, by name."""
    user = membership.user_id
    return list(
        membership.workspace.departments.filter(
            Q(lead_id=user) | Q(lead__isnull=True, executive_id=user)
        ).order_by("name")
    )


def pulse_department_get(*, membership: Membership, pk: int) -> Department:
    """A department of the workspace (404 otherwise); whether the person may answer for it
    is the service's to say (:func:`health.services.ensure_answers_for`)."""
    return get_object_or_404(membership.workspace.departments.all(), pk=pk)


def pulse_given(*, department: Department, cycle: Cycle) -> dict[int, PulseAnswer]:
    """The department's answers of the cycle, by the department they are about."""
    answers = PulseAnswer.objects.filter(cycle=cycle, from_department=department)
    return {answer.about_department_id: answer for answer in answers}


# --- A pair's page ---------------------------------------------------------------------------


def pair_get(*, workspace: Workspace, a: int, b: int) -> tuple[Department, Department]:
    """Two different departments of the workspace (404 otherwise), in the order given."""
    found = {d.pk: d for d in workspace.departments.filter(pk__in=[a, b])}
    if a == b or len(found) != 2:
        raise Http404("No such pair of departments.")
    return found[a], found[b]


def pair_goals(goal_ids: list[int]) -> list[Goal]:
    return list(Goal.objects.filter(pk__in=goal_ids).order_by("status", "due_date", "pk"))


def pair_asks(*, workspace: Workspace, a: Department, b: Department, since: date) -> list[Ask]:
    """Asks between the two, unanswered ones and those of the window."""
    between = Q(from_department=a, to_department=b) | Q(from_department=b, to_department=a)
    recent = (
        Q(status__in=Ask.UNRESOLVED)
        | Q(due_on__gte=since)
        | Q(created_at__gte=workspace.midnight(since))
    )
    return list(
        Ask.objects.filter(between, recent, workspace=workspace)
        .select_related("goal", "from_department", "to_department")
        .order_by("due_on", "pk")
    )


def pair_conflicts(*, workspace: Workspace, a: Department, b: Department) -> list[Conflict]:
    both = Conflict.objects.filter(workspace=workspace, departments=a).filter(departments=b)
    return list(both.select_related("decision").order_by("-created_at", "-pk"))


def pair_pulse(*, a: Department, b: Department, starts: list[date]) -> list[PulseAnswer]:
    between = Q(from_department=a, about_department=b) | Q(from_department=b, about_department=a)
    return list(
        PulseAnswer.objects.filter(between, cycle__starts_on__in=starts)
        .select_related("cycle", "from_department", "about_department", "answered_by")
        .order_by("-cycle__starts_on", "from_department__name")
    )


# --- Overlaps and gaps -------------------------------------------------------------------------


@dataclass
class Overlap:
    """Two goals of different departments aimed at the same KPI or metric, not linked."""

    first: Goal
    second: Goal
    target: str


@dataclass
class Gaps:
    overlaps: list[Overlap]
    more_overlaps: bool
    idle_kpis: list[KPI]
    more_idle_kpis: int  # how many more KPIs drive no goal than are listed
    # Pairs of departments that ask things of each other but share no goal.
    unshared: list[tuple[Department, Department]]


def overlaps_and_gaps(
    *, workspace: Workspace, departments: list[Department], asking: set[tuple[int, int]]
) -> Gaps:
    """Three queries. ``asking`` holds the pairs (lower id first) that exchanged asks lately
    and share no goal (from the figures).

    Two goals overlap when they target the same KPI, or the same metric (ignoring case), are
    owned by departments that have none in common, and are not linked in the alignment tree:
    neither is the other's parent nor grandparent, and they are not steps of the same goal.
    """
    goals = list(
        Goal.objects.filter(workspace=workspace, status__in=ACTIVE)
        .select_related("kpi", "parent")
        .annotate(metric_key=Lower(Trim("metric")))
        .order_by("pk")
    )
    owners: dict[int, set[int]] = defaultdict(set)
    for goal, department in OwnerLink.objects.filter(
        goal__workspace=workspace, goal__status__in=ACTIVE
    ).values_list("goal_id", "department_id"):
        owners[goal].add(department)
    groups: dict[tuple, list[Goal]] = defaultdict(list)
    for goal in goals:
        if goal.kpi_id:
            groups[("kpi", goal.kpi_id)].append(goal)
        if goal.metric_key:
            groups[("metric", goal.metric_key)].append(goal)
    overlaps = _overlaps(goals, groups, owners)
    idle = list(
        KPI.objects.filter(workspace=workspace)
        .exclude(goals__status__in=[*ACTIVE, Goal.Status.DRAFT])
        .order_by("name")
    )
    names = {d.pk: d for d in departments}
    unshared = [(names[a], names[b]) for a, b in sorted(asking)]
    return Gaps(
        overlaps=overlaps[:OVERLAPS_SHOWN],
        more_overlaps=len(overlaps) > OVERLAPS_SHOWN,
        idle_kpis=idle[:IDLE_KPIS_SHOWN],
        more_idle_kpis=len(idle) - IDLE_KPIS_SHOWN if len(idle) > IDLE_KPIS_SHOWN else 0,
        unshared=unshared,
    )


def _overlaps(
    goals: list[Goal], groups: dict[tuple, list[Goal]], owners: dict[int, set[int]]
) -> list[Overlap]:
    """The first :data:`OVERLAPS_SHOWN` + 1 overlaps in goal order (by the first goal's id,
    then the second's). A group of goals on one target is searched with set operations, goal
    by goal, and the search stops once enough are found: a metric that thousands of goals share
    costs a few set differences per goal, not a comparison of every pair."""
    in_groups: dict[int, list[tuple]] = defaultdict(list)
    owned_in: dict[tuple, dict[int, set[int]]] = {}
    members: dict[tuple, set[int]] = {}
    by_pk = {goal.pk: goal for goal in goals}
    for key, group in groups.items():
        members[key] = {goal.pk for goal in group}
        owned_in[key] = defaultdict(set)
        for goal in group:
            in_groups[goal.pk].append(key)
            for department in owners[goal.pk]:
                owned_in[key][department].add(goal.pk)
    found: list[Overlap] = []
    for first in goals:  # by id
        pairs: dict[int, str] = {}
        for key in in_groups.get(first.pk, []):
            sharing = set().union(*(owned_in[key][d] for d in owners[first.pk]))
            for pk in members[key] - sharing:
                if pk > first.pk and pk not in pairs and not _linked(first, by_pk[pk]):
                    pairs[pk] = (
                        f"the KPI {first.kpi.name}"
                        if key[0] == "kpi"
                        else f"the metric “{first.metric.strip()}”"
                    )
        found.extend(Overlap(first, by_pk[pk], pairs[pk]) for pk in sorted(pairs))
        if len(found) > OVERLAPS_SHOWN:
            break
    return found


def _ancestors(goal: Goal) -> set[int]:
    """The goal's parent and grandparent (the parent is joined; its parent id comes with it)."""
    found = set()
    if goal.parent_id:
        found.add(goal.parent_id)
        if goal.parent.parent_id:
            found.add(goal.parent.parent_id)
    return found


def _linked(first: Goal, second: Goal) -> bool:
    if first.pk in _ancestors(second) or second.pk in _ancestors(first):
        return True
    return first.parent_id is not None and first.parent_id == second.parent_id
