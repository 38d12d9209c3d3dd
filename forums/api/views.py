"""The forums API's viewsets and their routes (see the package docstring)."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import SLUG
from forums import outcomes, selectors, services, sources
from forums.agenda import agenda_of
from forums.api.serializers import (
    ActionFilterSerializer,
    ActionItemSerializer,
    ActionStatusSerializer,
    AgendaItemSerializer,
    DecisionFilterSerializer,
    DecisionSerializer,
    ForumInputSerializer,
    ForumSerializer,
    ForumUpdateSerializer,
    MeetingDetailSerializer,
    MeetingFilterSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    MoveInputSerializer,
    TopicInputSerializer,
    agenda_entry,
    decision_filters,
)
from forums.models import ActionItem, Decision, Forum, Meeting
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Role, Workspace

RUNS = (
    "Whoever runs the forum's meetings: its facilitator, executives and admins; anyone else "
    "gets 403. A change the meeting's state does not allow (starting one that has started, "
    "publishing minutes not written yet) is a 400 whose `non_field_errors` say why."
)


@contextmanager
def recurrence_errors() -> Iterator[None]:
    """The services name the rule ``rrule``; the API calls it ``recurrence``."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict") and "rrule" in error.error_dict:
            error.error_dict["recurrence"] = error.error_dict.pop("rrule")
        raise


# --- Forums ------------------------------------------------------------------------------------


@extend_schema(tags=["forums"])
@extend_schema_view(
    list=extend_schema(
        summary="Forums by name; a guest sees those they are invited to", parameters=[SLUG]
    ),
    retrieve=extend_schema(summary="One forum and its recurrence", parameters=[SLUG]),
    create=extend_schema(
        summary="Set up a forum and schedule its meetings (executives and admins)",
        description="Its meetings exist ahead of time, about 200 days of them.",
        parameters=[SLUG],
        request=ForumInputSerializer,
        responses={201: ForumSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a forum (executives and admins)",
        description="Only the fields sent change. A change of when it meets moves the meetings "
        "from `from_date` on; those before it stay as they were.",
        parameters=[SLUG],
        request=ForumUpdateSerializer,
        responses={200: ForumSerializer},
    ),
)
class ForumViewSet(WorkspaceScopedViewSet):
    """Forums: every member reads them, a guest only those they are invited to (any other is a
    404); executives and admins set them up and change them."""

    queryset = Forum.objects.all()
    serializer_class = ForumSerializer
    read_role = Role.GUEST
    action_roles = {"create": Role.EXECUTIVE, "partial_update": Role.EXECUTIVE}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Forum]:
        if getattr(self, "swagger_fake_view", False):
            return Forum.objects.none()
        return selectors.forums_visible(self.request.membership).prefetch_related("guests")

    def _answer(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        forum = selectors.forum_get(membership=self.request.membership, pk=pk)
        context = {"membership": self.request.membership}
        return Response(ForumSerializer(forum, context=context).data, status=code)

    def list(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {"membership": request.membership}
        return self.get_paginated_response(ForumSerializer(page, many=True, context=context).data)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._answer(pk)

    def create(self, request: Request, slug: str) -> Response:
        data = dict(self.validated(ForumInputSerializer))
        timezone_name, rrule = data.pop("timezone"), data.pop("recurrence")
        with recurrence_errors():
            forum = services.forum_create(
                membership=request.membership, timezone_name=timezone_name, rrule=rrule, **data
            )
        return self._answer(forum.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        forum = selectors.forum_get(membership=request.membership, pk=pk)
        changes = dict(self.validated(ForumUpdateSerializer, partial=True))
        departments = changes.pop("departments", forum.departments.all())
        guests = changes.pop("guests", forum.guests.all())
        from_date = changes.pop("from_date", None)
        if "recurrence" in changes:
            changes["rrule"] = changes.pop("recurrence")
        with recurrence_errors():
            services.forum_update(
                membership=request.membership,
                forum=forum,
                departments=departments,
                guests=guests,
                from_date=from_date,
                **changes,
            )
        return self._answer(pk)


# --- Meetings ----------------------------------------------------------------------------------


def _filtered(
    meetings: QuerySet[Meeting], filters: dict[str, Any], workspace: Workspace
) -> QuerySet[Meeting]:
    """The list's filters: a forum, days on the workspace's clock, upcoming or past."""
    if "forum" in filters:
        meetings = meetings.filter(forum_id=filters["forum"])
    if "from" in filters:
        meetings = meetings.filter(starts_at__gte=workspace.midnight(filters["from"]))
    if "to" in filters:
        next_day = filters["to"] + dt.timedelta(days=1)
        meetings = meetings.filter(starts_at__lt=workspace.midnight(next_day))
    upcoming = filters["upcoming"]
    if upcoming is None and "from" not in filters and "to" not in filters:
        upcoming = True
    ahead = Q(starts_at__gte=timezone.now()) | Q(status=Meeting.Status.STARTED)
    if upcoming is False:
        return meetings.exclude(ahead).order_by("-starts_at", "-pk")
    if upcoming:
        meetings = meetings.filter(ahead)
    return meetings.order_by("starts_at", "pk")


_DETAIL = {"parameters": [SLUG], "responses": {200: MeetingDetailSerializer}}
_RUN = {"description": RUNS, "request": None, **_DETAIL}


@extend_schema(tags=["forums"])
@extend_schema_view(
    list=extend_schema(
        summary="Meetings, upcoming by default; a guest sees those of their forums",
        parameters=[SLUG, MeetingFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One meeting with its agenda (and its minutes)",
        description="A guest sees only the agenda items shared with guests, and the minutes "
        "only when they are shared with guests.",
        **_DETAIL,
    ),
    partial_update=extend_schema(
        summary="Cancel (`status`) or move (`starts_at`) one meeting of the series",
        description=f"The series goes on as it was. {RUNS}",
        request=MeetingUpdateSerializer,
        **_DETAIL,
    ),
    start=extend_schema(summary="Start the meeting: its agenda is frozen into the record", **_RUN),
    end=extend_schema(
        summary="End the meeting: what was not discussed carries forward to the next one",
        **_RUN,
    ),
    publish=extend_schema(summary="Publish the minutes: the record is locked", **_RUN),
    cancel=extend_schema(summary="Cancel this one meeting; the series goes on", **_RUN),
    move=extend_schema(
        summary="Move this one meeting; the series stays as it is",
        description=RUNS,
        request=MoveInputSerializer,
        **_DETAIL,
    ),
    topics=extend_schema(
        summary="Add a topic to the agenda (the forum's participants)",
        description="Participants are the facilitator, executives, admins and the members and "
        "leads of the forum's departments; anyone else gets 403. Until the minutes are "
        "published, also during the meeting.",
        parameters=[SLUG],
        request=TopicInputSerializer,
        responses={201: AgendaItemSerializer},
    ),
)
class MeetingViewSet(WorkspaceScopedViewSet):
    """The meetings of the forums the caller sees, one per occurrence of each series. Times
    are on the forum's clock, with their UTC offset."""

    queryset = Meeting.objects.all()
    serializer_class = MeetingSerializer
    read_role = Role.GUEST
    action_roles = dict.fromkeys(
        ("partial_update", "start", "end", "publish", "cancel", "move", "topics"), Role.MEMBER
    )
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        forums = selectors.forums_visible(self.request.membership)
        return Meeting.objects.filter(
            workspace=self.request.workspace, forum__in=forums
        ).select_related("forum")

    def _meeting(self, pk: int) -> Meeting:
        return selectors.meeting_get(membership=self.request.membership, pk=pk)

    def _agenda(self, meeting: Meeting) -> list[dict[str, Any]]:
        """The agenda as the caller may see it: a guest, only what is shared with guests."""
        departments = [department.pk for department in meeting.forum.departments.all()]
        items = agenda_of(meeting, departments=departments)
        if self.request.membership.role == Role.GUEST:
            items = [item for item in items if item.shared_with_guests]
        return [agenda_entry(item, position) for position, item in enumerate(items, start=1)]

    def _answer(self, pk: int) -> Response:
        meeting = self._meeting(pk)
        membership = self.request.membership
        meeting.agenda_entries = self._agenda(meeting)
        meeting.total_minutes = sum(entry["minutes"] or 0 for entry in meeting.agenda_entries)
        shown = membership.role != Role.GUEST or meeting.minutes_shared_with_guests
        meeting.visible_minutes = meeting.minutes if shown else ""
        return Response(MeetingDetailSerializer(meeting, context={"membership": membership}).data)

    def _run(self, meeting: Meeting, change: Callable[..., Meeting]) -> Response:
        """Run a service on the meeting as the caller; answer with the meeting as it now is."""
        change(membership=self.request.membership, meeting=meeting)
        return self._answer(meeting.pk)

    def _move(self, meeting: Meeting, data: dict[str, Any]) -> Response:
        starts_at = data["starts_at"]
        if timezone.is_naive(starts_at):
            starts_at = starts_at.replace(tzinfo=meeting.forum.zone)
        services.meeting_move(
            membership=self.request.membership,
            meeting=meeting,
            starts_at=starts_at.astimezone(dt.UTC),
            duration_minutes=data.get("duration_minutes"),
        )
        return self._answer(meeting.pk)

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(MeetingFilterSerializer, data=request.query_params)
        meetings = _filtered(self.get_queryset(), filters, request.workspace)
        page = self.paginate_queryset(meetings)
        context = {"membership": request.membership}
        return self.get_paginated_response(MeetingSerializer(page, many=True, context=context).data)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._answer(pk)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        meeting = self._meeting(pk)
        data = self.validated(MeetingUpdateSerializer)
        if "status" in data:
            return self._run(meeting, services.meeting_cancel)
        return self._move(meeting, {"starts_at": meeting.starts_at, **data})

    @action(detail=True, methods=["post"])
    def start(self, request: Request, slug: str, pk: int) -> Response:
        return self._run(self._meeting(pk), services.meeting_start)

    @action(detail=True, methods=["post"])
    def end(self, request: Request, slug: str, pk: int) -> Response:
        return self._run(self._meeting(pk), services.meeting_end)

    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str, pk: int) -> Response:
        return self._run(self._meeting(pk), services.minutes_publish)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, slug: str, pk: int) -> Response:
        return self._run(self._meeting(pk), services.meeting_cancel)

    @action(detail=True, methods=["post"])
    def move(self, request: Request, slug: str, pk: int) -> Response:
        meeting = self._meeting(pk)
        return self._move(meeting, self.validated(MoveInputSerializer))

    @action(detail=True, methods=["post"])
    def topics(self, request: Request, slug: str, pk: int) -> Response:
        meeting = self._meeting(pk)
        topic = services.topic_add(
            membership=request.membership,
            meeting=meeting,
            **self.validated(TopicInputSerializer),
        )
        [entry] = [e for e in self._agenda(self._meeting(pk)) if e["key"] == f"topic:{topic.pk}"]
        return Response(AgendaItemSerializer(entry).data, status=status.HTTP_201_CREATED)


# --- Decisions and action items ----------------------------------------------------------------


@extend_schema(tags=["forums"])
@extend_schema_view(
    list=extend_schema(
        summary="The decision log: every decision of the workspace, newest first",
        description="With `search`, the best matches first. The filters combine.",
        parameters=[SLUG, DecisionFilterSerializer],
    ),
    retrieve=extend_schema(summary="One decision", parameters=[SLUG]),
)
class DecisionViewSet(WorkspaceScopedViewSet):
    """The workspace's decision log, from forum meetings, conflicts and recorded directly
    (members; a guest gets 404)."""

    queryset = Decision.objects.all()
    serializer_class = DecisionSerializer

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(DecisionFilterSerializer, data=request.query_params)
        decisions = selectors.decision_log(
            workspace=request.workspace, filters=decision_filters(filters)
        )
        page = self.paginate_queryset(decisions)
        sources.origins(page, request.workspace.slug)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        decision = selectors.decision_get(membership=request.membership, pk=pk)
        return Response(DecisionSerializer(decision).data)


@extend_schema(tags=["forums"])
@extend_schema_view(
    list=extend_schema(
        summary="Action items: the caller's open ones by default, soonest due first",
        parameters=[SLUG, ActionFilterSerializer],
    ),
    retrieve=extend_schema(summary="One action item", parameters=[SLUG]),
    partial_update=extend_schema(
        summary="Mark an action item done or dropped, or open it again",
        description="Its owner, or whoever runs the forum it came from; anyone else gets 403.",
        parameters=[SLUG],
        request=ActionStatusSerializer,
        responses={200: ActionItemSerializer},
    ),
)
class ActionItemViewSet(WorkspaceScopedViewSet):
    """Action items recorded in meetings (members; a guest gets 404)."""

    queryset = ActionItem.objects.all()
    serializer_class = ActionItemSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def _data(self, actions: ActionItem | list[ActionItem], *, many: bool = False) -> Any:
        context = {"today": self.request.workspace.today()}
        return ActionItemSerializer(actions, many=many, context=context).data

    def _one(self, pk: int) -> Response:
        return Response(self._data(selectors.action_get(membership=self.request.membership, pk=pk)))

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(ActionFilterSerializer, data=request.query_params)
        actions = (
            ActionItem.objects.filter(
                workspace=request.workspace,
                owner=filters.get("owner", request.user),
                status=filters["status"],
            )
            .select_related("meeting")
            .order_by("due_on", "pk")
        )
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._one(pk)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        action_item = selectors.action_get(membership=request.membership, pk=pk)
        outcomes.action_set_status(
            membership=request.membership,
            action=action_item,
            status=self.validated(ActionStatusSerializer)["status"],
        )
        return self._one(pk)


routes: list[tuple[str, type, str]] = [
    ("forums", ForumViewSet, "api-forum"),
    ("meetings", MeetingViewSet, "api-meeting"),
    ("decisions", DecisionViewSet, "api-decision"),
    ("action-items", ActionItemViewSet, "api-action-item"),
]
