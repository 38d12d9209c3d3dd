"""Reads for forums, meetings, decisions and action items, scoped to the person asking.

Every fetch by id goes through :func:`forum_get`, :func:`meeting_get`, :func:`item_get`,
:func:`decision_get` or :func:`action_get`: another workspace's object is a 404, and so is a
forum a guest is not invited to.
"""

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from forums import search, sources
from forums.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    DecisionRevision,
    Forum,
    Meeting,
    Partner,
)
from forums.permissions import ensure_visible
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import get_scoped

DEPARTMENTS = Prefetch("departments", queryset=Department.objects.order_by("name"))

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(9000, 1, 1)


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


@dataclass(frozen=True)
class DecisionFilters:
    """What the decision log is filtered by (the page's form, the CSV, the API): words, a
    department, a kind and a source (:mod:`forums.sources`), and the days it was taken on, in
    the workspace's timezone, from ``start`` to ``end`` included."""

    q: str = ""
    department: int | None = None
    kind: str = ""
    source: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def decision_log(
    *, workspace: Workspace, filters: DecisionFilters = DecisionFilters(), marks: bool = True
) -> QuerySet[Decision]:
    """The workspace's decisions, newest first; with words, the best matches first, with the
    words marked unless ``marks`` is false (:mod:`forums.search`); each with what superseded it
    and what it superseded. Give a page its origins with :func:`forums.sources.origins`."""
    decisions = (
        Decision.objects.filter(workspace=workspace)
        .select_related("decided_by", "meeting__forum", "superseded_by", "supersedes")
        .prefetch_related(DEPARTMENTS)
    )
    if filters.department:
        decisions = decisions.filter(
            Exists(
                Decision.departments.through.objects.filter(
                    decision=OuterRef("pk"), department_id=filters.department
                )
            )
        )
    if filters.source:
        decisions = decisions.filter(sources.source_filter(filters.source))
    if filters.kind:
        decisions = decisions.filter(sources.kind_filter(filters.kind))
    # A day outside the years any decision can have bounds nothing (and near the ends of the
    # calendar its midnight has no time in UTC).
    if filters.start and filters.start > EARLIEST:
        decisions = decisions.filter(created_at__gte=workspace.midnight(filters.start))
    if filters.end and filters.end < LATEST:
        after = workspace.midnight(filters.end + dt.timedelta(days=1))
        decisions = decisions.filter(created_at__lt=after)
    if filters.q:
        return search.matching(decisions, filters.q, marks=marks)
    return decisions.order_by("-created_at", "-pk")


def decision_get(*, membership: Membership, pk: int) -> Decision:
    """One decision with where it was made, what it superseded and what superseded it, and
    its revisions (newest first, each with its departments)."""
    revisions = Prefetch(
        "revisions",
        queryset=DecisionRevision.objects.select_related("amended_by").prefetch_related(
            DEPARTMENTS
        ),
    )
    decision = get_scoped(
        Decision.objects.select_related(
            "decided_by", "meeting__forum", "created_by", "superseded_by", "supersedes"
        ).prefetch_related(DEPARTMENTS, revisions),
        membership.workspace,
        pk=pk,
    )
    sources.origins([decision], membership.workspace.slug)
    return decision


def decision_replacements(decision: Decision, *, limit: int = 50) -> list[Decision]:
    """The decisions that may supersede ``decision``: later ones, current, not replacing any
    other yet; the latest first."""
    return list(
        Decision.objects.filter(
            workspace_id=decision.workspace_id,
            superseded_by__isnull=True,
            supersedes__isnull=True,
            created_at__gte=decision.created_at,
        )
        .exclude(pk=decision.pk)
        .order_by("-created_at", "-pk")[:limit]
    )


DECISION_HEADER = (
    "id",
    "decided on",
    "what was decided",
    "why",
    "decided by",
    "departments",
    "source",
    "where",
    "kind",
    "review on",
    "superseded by",
    "supersedes",
    "link",
)
# Decisions read and given their origins at a time while streaming the CSV.
EXPORT_CHUNK = 500


def decision_rows(*, workspace: Workspace, filters: DecisionFilters) -> Iterator[tuple]:
    """The decisions the log shows for ``filters``, in its order, as rows of
    :data:`DECISION_HEADER`, streamed: per chunk of :data:`EXPORT_CHUNK` decisions, one query
    for their departments and one per decision source."""
    decisions = decision_log(workspace=workspace, filters=filters, marks=False)
    decisions = decisions.iterator(EXPORT_CHUNK)
    slug, base = workspace.slug, settings.SITE_URL
    while chunk := list(itertools.islice(decisions, EXPORT_CHUNK)):
        sources.origins(chunk, slug)
        for decision in chunk:
            origin, after = decision.origin, decision.superseded_by
            before = getattr(decision, "supersedes", None)
            yield (
                decision.pk,
                decision.created_at.astimezone(workspace.zone).date(),
                decision.title,
                decision.rationale,
                str(decision.decided_by),
                "; ".join(d.name for d in decision.departments.all()),
                origin.source,
                origin.label,
                origin.kind_label,
                decision.review_on,
                after.pk if after else None,
                before.pk if before else None,
                base + reverse("decision_detail", kwargs={"ws": slug, "pk": decision.pk}),
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
