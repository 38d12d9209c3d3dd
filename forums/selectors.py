"""Reads for forums, meetings, decisions and action items, scoped to the person asking.

Every fetch by id goes through :func:`forum_get`, :func:`meeting_get`, :func:`item_get`,
:func:`decision_get` or :func:`action_get`: another workspace's object is a 404, and so is a
forum a guest is not invited to.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from forums.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Forum,
    Meeting,
    Partner,
)
from forums.permissions import ensure_visible
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import get_scoped

DEPARTMENTS = Prefetch("departments", queryset=Department.objects.order_by("name"))


def forums_visible(membership: Membership) -> QuerySet[Forum]:
    forums = Forum.objects.filter(workspace=membership.workspace)
    if membership.role == Role.GUEST:
        forums = forums.filter(guests=membership.user)
    return forums.select_related("facilitator").prefetch_related(DEPARTMENTS)


def forum_get(*, membership: Membership, pk: int) -> Forum:
    """The forum (404 for another workspace, or for a guest not invited)."""
    forum = get_scoped(
        Forum.objects.select_related("facilitator").prefetch_related(DEPARTMENTS),
        membership.workspace,
        pk=pk,
    )
    ensure_visible(membership, forum)
    return forum


def meeting_get(*, membership: Membership, pk: int) -> Meeting:
    meeting = get_scoped(
        Meeting.objects.select_related("forum__facilitator", "workspace"),
        membership.workspace,
        pk=pk,
    )
    ensure_visible(membership, meeting.forum)
    return meeting


def item_get(*, meeting: Meeting, pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), meeting=meeting, pk=pk)


def upcoming_meetings(*, forums: QuerySet[Forum], limit: int) -> list[Meeting]:
    """The next meetings of these forums (not cancelled), soonest first."""
    return list(
        Meeting.objects.filter(forum__in=forums, starts_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("forum")
        .order_by("starts_at", "pk")[:limit]
    )


def forum_meetings(*, forum: Forum, upcoming: bool) -> QuerySet[Meeting]:
    meetings = forum.meetings.all()
    now = timezone.now()
    if upcoming:
        return meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")
    return meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")


def meeting_outcomes(meeting: Meeting) -> tuple[list[Decision], list[ActionItem]]:
    decisions = list(meeting.decisions.select_related("decided_by").prefetch_related(DEPARTMENTS))
    actions = list(meeting.actions.select_related("owner", "department"))
    return decisions, actions


def meeting_attendance(meeting: Meeting) -> dict[int, bool]:
    return dict(Attendance.objects.filter(meeting=meeting).values_list("user_id", "present"))


def meeting_people(meeting: Meeting) -> list[User]:
    """Who is expected: the facilitator, the members and leads of the forum's departments,
    and its guests, by name; only people still in the workspace."""
    forum = meeting.forum
    departments = forum.departments.all()
    return list(
        User.objects.filter(
            Q(pk=forum.facilitator_id)
            | Q(
                memberships__workspace_id=meeting.workspace_id,
                memberships__departments__in=departments,
            )
            | Q(led_departments__in=departments)
            | Q(guest_forums=forum)
        )
        .filter(
            Exists(
                Membership.objects.filter(workspace_id=meeting.workspace_id, user=OuterRef("pk"))
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def decision_log(
    *, workspace: Workspace, q: str = "", department: int | None = None, source: str = ""
) -> QuerySet[Decision]:
    """The workspace's decisions, newest first; with ``q``, the best matches first
    (PostgreSQL full-text search, ranked; elsewhere a plain search of the words)."""
    decisions = (
        Decision.objects.filter(workspace=workspace)
        .select_related("decided_by", "meeting__forum")
        .prefetch_related(DEPARTMENTS)
    )
    if department:
        decisions = decisions.filter(departments=department)
    if source == "meeting":
        decisions = decisions.filter(meeting__isnull=False)
    if not q:
        return decisions.order_by("-created_at", "-pk")
    if connection.vendor == "postgresql":
        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "rationale", weight="B", config="english"
        )
        query = SearchQuery(q, search_type="websearch", config="english")
        return (
            decisions.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-created_at", "-pk")
        )
    for word in q.split():
        decisions = decisions.filter(Q(title__icontains=word) | Q(rationale__icontains=word))
    return decisions.order_by("-created_at", "-pk")


def decision_get(*, membership: Membership, pk: int) -> Decision:
    return get_scoped(
        Decision.objects.select_related(
            "decided_by", "meeting__forum", "created_by"
        ).prefetch_related(DEPARTMENTS),
        membership.workspace,
        pk=pk,
    )


def my_actions(*, membership: Membership) -> QuerySet[ActionItem]:
    """The person's open action items, soonest due first."""
    return (
        ActionItem.objects.filter(
            workspace=membership.workspace, owner=membership.user, status=ActionItem.Status.OPEN
        )
        .select_related("meeting__forum", "department")
        .order_by("due_on", "pk")
    )


def action_get(*, membership: Membership, pk: int) -> ActionItem:
    return get_scoped(
        ActionItem.objects.select_related("meeting__forum"), membership.workspace, pk=pk
    )


def partners(*, workspace: Workspace) -> QuerySet[Partner]:
    return (
        Partner.objects.filter(workspace=workspace)
        .select_related("department")
        .order_by(Lower("name"), "pk")
    )


def partner_get(*, membership: Membership, pk: int) -> Partner:
    return get_scoped(Partner.objects.select_related("department"), membership.workspace, pk=pk)
