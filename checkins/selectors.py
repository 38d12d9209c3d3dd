"""Reads for check-ins, asks, reminders and notifications, with their joins already made."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from checkins.cycles import CycleBounds
from checkins.models import Ask, CheckIn, ReminderPreference
from core.models import Notification
from goals.models import Goal
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import get_scoped

ACTIVE_GOAL_STATUSES = (Goal.Status.ON_TRACK, Goal.Status.AT_RISK, Goal.Status.OFF_TRACK)
OwnerLink = Goal.owner_departments.through
# How long a declined ask stays flagged on the dashboard.
DECLINED_FLAGGED_FOR = timedelta(days=14)


# --- Who may do what ----------------------------------------------------------------------


def my_departments(membership: Membership) -> QuerySet[Department]:
    """The departments a person answers for: those they lead or sponsor as executive, and,
    with the lead role or above, those they belong to."""
    mine = Q(lead=membership.user_id) | Q(executive=membership.user_id)
    if membership.has_role(Role.LEAD):
        mine |= Q(memberships=membership)
    return Department.objects.filter(mine, workspace_id=membership.workspace_id).distinct()


def answers_for(membership: Membership, departments: Iterable[int] | QuerySet) -> bool:
    """Whether the person answers for any of ``departments`` (ids, or a queryset): an admin
    answers for all of them."""
    if membership.has_role(Role.ADMIN):
        return True
    return my_departments(membership).filter(pk__in=departments).exists()


def checkin_goal_get(*, membership: Membership, pk: int) -> tuple[Goal, list[Department]]:
    """A goal the person may log a check-in for, with the workspace's departments by name,
    each with ``owner`` (it owns the goal) and ``mine`` (the person answers for it).

    404 for a goal of another workspace, 403 when none of its owners is the person's.
    """
    goal = get_scoped(Goal.objects.select_related("kpi"), membership.workspace, pk=pk)
    departments = list(
        membership.workspace.departments.annotate(
            owner=Exists(OwnerLink.objects.filter(goal=goal, department=OuterRef("pk"))),
            mine=Exists(my_departments(membership).filter(pk=OuterRef("pk"))),
        ).order_by("name")
    )
    if not membership.has_role(Role.ADMIN) and not any(d.owner and d.mine for d in departments):
        raise PermissionDenied("Only the leads of the goal's owner departments log its check-ins.")
    return goal, departments


def ask_get(*, membership: Membership, pk: int) -> Ask:
    """An ask the person may answer: 404 outside the workspace, 403 unless they answer for the
    department it was sent to."""
    ask = get_scoped(
        Ask.objects.select_related("goal", "from_department", "to_department", "responded_by"),
        membership.workspace,
        pk=pk,
    )
    if not answers_for(membership, [ask.to_department_id]):
        raise PermissionDenied(f"Only the leads of {ask.to_department} answer its asks.")
    return ask


def goal_owners(*, membership: Membership, goal: Goal) -> list[Department]:
    """The goal's owner departments by name, each with ``mine``: whether the person answers
    for it."""
    mine = my_departments(membership).filter(pk=OuterRef("pk"))
    return list(goal.owner_departments.annotate(mine=Exists(mine)).order_by("name"))


# --- Cycles and check-ins -----------------------------------------------------------------


def cycle_completion(*, workspace: Workspace, bounds: CycleBounds) -> QuerySet[Department]:
    """Each department with ``owed`` (its active goals) and ``done`` (those checked in this
    cycle), in one grouped query: the departments joined to their active goals once, and the
    cycle's check-ins read once (a hashed set), with no count run per department."""
    # The workspace is implied by the department; said, it lets the join read the
    # goal_workspace_status index instead of every workspace's goals.
    active = FilteredRelation(
        "owned_goals",
        condition=Q(owned_goals__workspace=workspace, owned_goals__status__in=ACTIVE_GOAL_STATUSES),
    )
    checked_in = CheckIn.objects.filter(
        cycle__workspace=workspace, cycle__starts_on=bounds.starts_on
    ).values("goal_id")
    return (
        workspace.departments.annotate(active=active)
        .annotate(owed=Count("active"), done=Count("active", filter=Q(active__in=checked_in)))
        .order_by("name")
    )


def _checked_in(*, workspace: Workspace, bounds: CycleBounds) -> Exists:
    """Whether the goal has its check-in for the cycle of ``bounds``."""
    return Exists(
        CheckIn.objects.filter(
            goal=OuterRef("pk"), cycle__workspace=workspace, cycle__starts_on=bounds.starts_on
        )
    )


def owed_goals(*, workspace: Workspace, bounds: CycleBounds) -> QuerySet[Goal]:
    """Active goals of the workspace with ``checked_in`` for the cycle of ``bounds``."""
    return Goal.objects.filter(workspace=workspace, status__in=ACTIVE_GOAL_STATUSES).annotate(
        checked_in=_checked_in(workspace=workspace, bounds=bounds)
    )


def overdue_goals(*, workspace: Workspace, bounds: CycleBounds, limit: int) -> list[Goal]:
    """The first ``limit`` active goals by rank without this cycle's check-in: read along
    goal_active_rank until enough are found, not by sorting every goal still owed."""
    return list(
        Goal.objects.filter(workspace=workspace, status__in=ACTIVE_GOAL_STATUSES)
        .exclude(_checked_in(workspace=workspace, bounds=bounds))
        .only("pk", "title", "status", "progress")
        .order_by("priority", "due_date", "pk")[:limit]
    )


def _my_goals(*, membership: Membership, bounds: CycleBounds) -> QuerySet[Goal]:
    return owed_goals(workspace=membership.workspace, bounds=bounds).filter(
        pk__in=OwnerLink.objects.filter(
            department__in=my_departments(membership).values("pk")
        ).values("goal_id")
    )


def my_owed_goals(*, membership: Membership, bounds: CycleBounds) -> list[Goal]:
    """The person's departments' active goals, those still owed first, each with
    ``checked_in`` and ``last_checkin_at``."""
    last = CheckIn.objects.filter(goal=OuterRef("pk")).order_by("-created_at")
    return list(
        _my_goals(membership=membership, bounds=bounds)
        .annotate(last_checkin_at=Subquery(last.values("created_at")[:1]))
        .order_by("checked_in", "priority", "due_date", "pk")
    )


def next_owed_goal(*, membership: Membership, bounds: CycleBounds) -> Goal | None:
    """The person's next goal still owing this cycle's check-in."""
    return (
        _my_goals(membership=membership, bounds=bounds)
        .filter(checked_in=False)
        .only("pk", "title")
        .order_by("priority", "due_date", "pk")
        .first()
    )


def checkins_sent(*, user: User, workspace: Workspace) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(author=user, goal__workspace=workspace)
        .select_related("goal", "cycle")
        .order_by("-created_at", "-pk")
    )


def checkin_last(goal: Goal) -> CheckIn | None:
    """The goal's latest check-in; it is the current cycle's when that one has been logged,
    as check-ins only ever go into the current cycle."""
    return goal.checkins.select_related("cycle", "author").order_by("-created_at").first()


# --- Asks ---------------------------------------------------------------------------------


def late_q(today: date) -> Q:
    unresolved = Q(status__in=Ask.UNRESOLVED)
    return unresolved & (Q(committed_on__lt=today) | Q(committed_on__isnull=True, due_on__lt=today))


def _with_flags(asks: QuerySet[Ask], today: date) -> QuerySet[Ask]:
    """Asks with ``late`` (1 when past their date and not delivered) and their joins."""
    return asks.select_related("goal", "from_department", "to_department").annotate(
        late=Case(When(late_q(today), then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def asks_for_goal(goal: Goal, *, today: date | None = None) -> list[Ask]:
    """A goal's asks, late ones first, each with ``late`` (1 or 0): for the goal page, which
    flags late and declined ones. ``today`` defaults to the workspace's."""
    today = today or goal.workspace.today()
    return list(_with_flags(goal.asks.all(), today).order_by("-late", "status", "due_on", "pk"))


def asks_needing_attention(*, workspace: Workspace, today: date, limit: int) -> list[Ask]:
    """Late asks and asks declined in the last two weeks, late first, then by date needed.

    Where the database allows LIMIT inside UNION ALL (PostgreSQL), the late asks are read in
    date order along ask_unresolved_due up to ``limit``, and the declines of the last two
    weeks (few) by their answer's time along ask_workspace_responded, never the whole history
    of declines; SQLite sorts every flagged ask.
    """
    # The start of the day, in the current time zone: responded_at__date__gte, on the index.
    declined_since = timezone.make_aware(datetime.combine(today - DECLINED_FLAGGED_FOR, time()))
    recent_decline = Q(status=Ask.Status.DECLINED, responded_at__gte=declined_since)
    asks = _with_flags(Ask.objects.filter(workspace=workspace), today)
    if connection.features.supports_slicing_ordering_in_compound:
        late = asks.filter(late_q(today)).order_by("due_on", "pk")[:limit]
        asks = late.union(asks.filter(recent_decline).order_by(), all=True)
    else:
        asks = asks.filter(late_q(today) | recent_decline)
    return list(asks.order_by("-late", "due_on", "pk")[:limit])


def ask_box(*, membership: Membership, box: str, status: str, today: date) -> QuerySet[Ask]:
    """Asks sent to (``box="received"``) or from (``"sent"``) the person's departments, or
    every ask of the workspace for an admin; ``status`` "late", a status, or "" for all."""
    asks = Ask.objects.filter(workspace=membership.workspace)
    field = "from_department" if box == "sent" else "to_department"
    if not membership.has_role(Role.ADMIN):
        asks = asks.filter(**{f"{field}__in": my_departments(membership).values("pk")})
    if status == "late":
        asks = asks.filter(late_q(today))
    elif status:
        asks = asks.filter(status=status)
    return (
        _with_flags(asks, today)
        .select_related("created_by", "responded_by")
        .order_by("-late", Case(When(status__in=Ask.UNRESOLVED, then=0), default=1), "due_on", "pk")
    )


# --- Notifications and preferences --------------------------------------------------------


def notification_list(*, user: User, workspace: Workspace) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, workspace=workspace).order_by(
        "-created_at", "-pk"
    )


def notification_counts(*, user: User, workspace: Workspace) -> dict[str, int]:
    """How many notifications the person has in the workspace, and how many are unread."""
    return Notification.objects.filter(recipient=user, workspace=workspace).aggregate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )


def notification_unread_count(*, user: User, workspace: Workspace) -> int:
    return Notification.objects.filter(
        recipient=user, workspace=workspace, read_at__isnull=True
    ).count()


def reminder_preference(*, workspace: Workspace, user: User) -> ReminderPreference:
    """The person's preferences, or the defaults (all reminders, by email) unsaved."""
    found = ReminderPreference.objects.filter(workspace=workspace, user=user).first()
    return found or ReminderPreference(workspace=workspace, user=user)
