"""API v1 endpoints of goals (DRF): thin views over the app's services and selectors.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.

Goals carry an ``ETag`` (``"goal-<id>-v<version>"``; the version goes up with every edit of
the goal's own fields, not when a new KPI value moves its progress or the priorities are
re-ranked). A write that sends it back in ``If-Match`` is refused with 412 when someone edited
the goal in between. A
write without ``If-Match`` is checked against the version this request read: a save that lands
between that read and the write gets 409 (a simultaneous change), never a silent overwrite.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core import freshness
from core.api.fields import MAX_PK, InWorkspace, optional_decimal
from core.api.schema import SLUG
from goals import smart
from goals.api.smart import SmartResultSerializer
from goals.models import KPI, Direction, Goal, Period
from goals.selectors.goals import (
    GoalFilters,
    attach_departments,
    goal_get,
    goal_list,
    goal_search,
)
from goals.services.closing import goal_close
from goals.services.goals import StaleGoalError, goal_create, goal_update
from goals.smart_drafts import draft_for_goal, kpi_histories
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Role, User

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The goal\'s current version, e.g. `"goal-7-v3"`: send it back in `If-Match`.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "The `ETag` of the goal as you last read it. When someone saved since, nothing is "
        "written and the answer is 412 with the current `ETag`. Without it, only a save made "
        "during this request is refused (409)."
    ),
)
CLOSE_ENDPOINT = (
    "Close the goal as achieved or missed with its retrospective: POST it to the goal's close/ "
    "endpoint."
)


def goal_etag(goal: Goal) -> str:
    return f'"goal-{goal.pk}-v{goal.version}"'


@contextmanager
def closing_hint() -> Iterator[None]:
    """The services' refusal to close a goal by editing its status, said the API's way."""
    try:
        yield
    except ValidationError as error:
        statuses = getattr(error, "error_dict", {}).get("status", [])
        if any(item.code == "closing" for item in statuses):
            error.error_dict["status"] = [ValidationError(CLOSE_ENDPOINT)]
        raise


# --- Serializers -------------------------------------------------------------------------------


class GoalSerializer(serializers.Serializer):
    """A goal as read; the views attach ``owners``/``contributors`` and the KPI histories."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner_departments = serializers.SerializerMethodField(
        help_text="Department ids; two or more make it a shared goal."
    )
    contributing_departments = serializers.SerializerMethodField(
        help_text="Ids of departments that help without owning it."
    )
    accountable = serializers.IntegerField(
        source="accountable_id", allow_null=True, help_text="The user id of the one answerable."
    )
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The goal id this one is a step of."
    )
    period = serializers.IntegerField(source="period_id", allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Goal.Status.choices)
    priority = serializers.IntegerField(
        allow_null=True,
        help_text="Rank in its period's priority list, 1 first (executives set it on the "
        "Priorities page); null when unranked.",
    )
    metric = serializers.CharField()
    unit = serializers.CharField()
    baseline = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    current_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        help_text="The KPI's latest measurement, else the latest check-in's value, else the "
        "value set by hand.",
    )
    direction = serializers.ChoiceField(choices=Direction.choices)
    kpi = serializers.IntegerField(source="kpi_id", allow_null=True)
    weight = serializers.IntegerField(help_text="Its share of the parent goal's progress.")
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="0 to 100; rolled up from its steps when it has any."
    )
    smart = serializers.SerializerMethodField()
    version = serializers.IntegerField(help_text="Goes up with every save; see the ETag header.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_owner_departments(self, goal: Goal) -> list[int]:
        return [department.pk for department in goal.owners]

    def get_contributing_departments(self, goal: Goal) -> list[int]:
        return [department.pk for department in goal.contributors]

    @extend_schema_field(SmartResultSerializer)
    def get_smart(self, goal: Goal) -> dict[str, Any]:
        history = self.context["histories"].get(goal.kpi_id, [])
        draft = draft_for_goal(goal, mission=self.context["mission"], history=history)
        return smart.check(draft).as_dict()


class Accountable(InWorkspace):
    """A member of the workspace who may answer for a goal: anyone but a guest."""

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.filter(
            memberships__workspace=self.context["request"].workspace,
            memberships__role__in=[role for role in Role if role != Role.GUEST],
        )


class GoalInputSerializer(serializers.Serializer):
    """A goal as written. PUT replaces every field (omitted ones take their defaults); PATCH
    changes only the fields sent. Achieving or missing a goal goes through ``close/``."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    owner_departments = InWorkspace(
        queryset=Department.objects.all(),
        many=True,
        allow_empty=False,
        help_text="Department ids; a team lead may name only one, of their own departments.",
    )
    contributing_departments = InWorkspace(
        queryset=Department.objects.all(), many=True, required=False, default=list
    )
    accountable = Accountable(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="The user id of a member (not a guest) of the workspace.",
    )
    parent = InWorkspace(queryset=Goal.objects.all(), allow_null=True, required=False, default=None)
    period = InWorkspace(
        queryset=Period.objects.all(), allow_null=True, required=False, default=None
    )
    start_date = serializers.DateField(allow_null=True, required=False, default=None)
    due_date = serializers.DateField(allow_null=True, required=False, default=None)
    status = serializers.ChoiceField(choices=Goal.Status.choices, default=Goal.Status.DRAFT)
    metric = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    unit = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    baseline = optional_decimal("Where the metric stands today.")
    target = optional_decimal("The value that means the goal is met; differs from the baseline.")
    current_value = optional_decimal(
        "Only when there is no KPI and no check-in yet: they update it from then on."
    )
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INCREASE)
    kpi = InWorkspace(
        queryset=KPI.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A KPI whose latest measurement becomes the goal's current value.",
    )
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)


class GoalCloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(Goal.Status.ACHIEVED, "Achieved"), (Goal.Status.MISSED, "Missed")]
    )
    what_worked = serializers.CharField(
        max_length=5000, help_text="What should the next goal keep doing?"
    )
    what_to_change = serializers.CharField(
        max_length=5000, help_text="What would you do differently next time?"
    )


class GoalFilterSerializer(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PK,
        required=False,
        help_text="Goals owned by this department id.",
    )
    status = serializers.ChoiceField(
        choices=[("open", "Open (not achieved, missed or dropped)"), *Goal.Status.choices],
        required=False,
    )
    period = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text="Goals of this period id."
    )
    search = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Words in the title, description or metric.",
    )


# --- Views -------------------------------------------------------------------------------------

_WRITE = {"parameters": [SLUG, IF_MATCH, ETAG], "responses": {200: GoalSerializer}}


@extend_schema(tags=["goals"])
@extend_schema_view(
    list=extend_schema(
        summary="Goals: newest period first, then by rank and due date",
        parameters=[SLUG, GoalFilterSerializer],
    ),
    retrieve=extend_schema(summary="One goal, with its ETag", parameters=[SLUG, ETAG]),
    create=extend_schema(
        summary="Set a goal (leads for their own department; executives and admins any goal)",
        parameters=[SLUG, ETAG],
        request=GoalInputSerializer,
        responses={201: GoalSerializer},
    ),
    update=extend_schema(
        summary="Replace a goal's fields (those who may change it)",
        request=GoalInputSerializer,
        **_WRITE,
    ),
    partial_update=extend_schema(
        summary="Change some of a goal's fields (those who may change it)",
        request=GoalInputSerializer,
        **_WRITE,
    ),
    close=extend_schema(
        summary="Close a goal as achieved or missed, with its retrospective",
        request=GoalCloseSerializer,
        **_WRITE,
    ),
)
class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Goals of the workspace; members read them, writes follow goals.permissions."""

    queryset = Goal.objects.all()
    serializer_class = GoalSerializer
    action_roles = {
        "create": Role.LEAD,
        "update": Role.LEAD,
        "partial_update": Role.LEAD,
        "close": Role.LEAD,
    }
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Goal]:
        """Both selectors are scoped to the workspace; the list applies the filters."""
        if getattr(self, "swagger_fake_view", False):
            return Goal.objects.none()
        workspace = self.request.workspace
        if self.action != "list":
            return goal_list(workspace=workspace)
        query = self.validated(GoalFilterSerializer, data=self.request.query_params)
        filters = GoalFilters(
            department=query.get("department"),
            status=query.get("status", ""),
            period=query.get("period"),
            q=query.get("search", "").strip(),
        )
        return goal_search(workspace=workspace, filters=filters)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "membership": self.request.membership}

    def _data(self, goals: list[Goal]) -> list[dict[str, Any]]:
        """The goals as read (two queries for any number: departments, KPI histories); a goal
        from goal_get has its departments already."""
        attach_departments([goal for goal in goals if not hasattr(goal, "owners")])
        histories = kpi_histories(
            workspace=self.request.workspace, kpi_ids={g.kpi_id for g in goals if g.kpi_id}
        )
        context = {"histories": histories, "mission": self.request.workspace.mission}
        return GoalSerializer(goals, many=True, context=context).data

    def _one(self, goal: Goal, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(
            self._data([goal])[0], status=status_code, headers={"ETag": goal_etag(goal)}
        )

    def list(self, request: Request, slug: str) -> Response | HttpResponse:
        """A page of goals, the same for every member who asks. As JSON, its rendered bytes are
        kept under the workspace's data version (:func:`core.freshness.remember`) by the full
        URL it was asked with; the browsable API renders it each time."""

        def page() -> dict[str, Any]:
            goals = self.paginate_queryset(self.get_queryset())
            return self.get_paginated_response(self._data(goals)).data

        renderer = request.accepted_renderer
        if renderer.format != "json":
            return Response(page())
        url = request.build_absolute_uri()
        body = freshness.remember(
            request.workspace.pk, f"api-goals:{url}", lambda: renderer.render(page())
        )
        return HttpResponse(body, content_type=renderer.media_type)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._one(goal_get(membership=request.membership, pk=pk))

    def create(self, request: Request, slug: str) -> Response:
        with closing_hint():
            goal = goal_create(membership=request.membership, **self.validated(GoalInputSerializer))
        response = self._one(goal, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-goal-detail", kwargs={"slug": slug, "pk": goal.pk})
        return response

    def update(self, request: Request, slug: str, pk: int) -> Response:
        return self._update(partial=False)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        return self._update(partial=True)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, slug: str, pk: int) -> Response:
        """Achieved or missed: the retrospective is required; an achieved shared goal posts a
        win to the workspace feed."""
        goal = self._editable_goal()
        refused = self._precondition(goal)
        if refused:
            return refused
        data = self.validated(GoalCloseSerializer)
        try:
            goal_close(membership=request.membership, goal=goal, version=goal.version, **data)
        except StaleGoalError as error:
            return self._stale(error.current)
        return self._one(goal)

    def _update(self, *, partial: bool) -> Response:
        goal = self._editable_goal()
        refused = self._precondition(goal)
        if refused:
            return refused
        serializer = GoalInputSerializer(
            goal, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            with closing_hint():
                goal = goal_update(
                    membership=self.request.membership,
                    goal=goal,
                    version=goal.version,
                    **serializer.validated_data,
                )
        except StaleGoalError as error:
            return self._stale(error.current)
        return self._one(goal)

    def _editable_goal(self) -> Goal:
        """The goal (404 outside the workspace), if the caller may change it (else 403): the
        same fetch and rule as the goal pages."""
        return goal_get(membership=self.request.membership, pk=self.kwargs["pk"], write=True)

    def _precondition(self, goal: Goal) -> Response | None:
        """412 when ``If-Match`` names no current version of the goal."""
        header = self.request.headers.get("If-Match")
        if header is None:
            return None
        current = goal_etag(goal)
        # If-Match compares strongly (RFC 9110, 13.1.1): a weak tag never matches.
        sent = parse_etags(header)
        if "*" in sent or current in sent:
            return None
        return self._refused(goal, status.HTTP_412_PRECONDITION_FAILED)

    def _stale(self, current: Goal) -> Response:
        """Someone saved between this request's read and its write: 412 with ``If-Match``
        (the precondition no longer holds), else 409."""
        code = (
            status.HTTP_412_PRECONDITION_FAILED
            if "If-Match" in self.request.headers
            else status.HTTP_409_CONFLICT
        )
        return self._refused(current, code)

    def _refused(self, current: Goal, code: int) -> Response:
        etag = goal_etag(current)
        detail = (
            f"This goal changed since you read it (it is now at version {current.version}, "
            f"ETag {etag}); nothing was saved. GET it again, check the changes, then retry "
            "with the new ETag in If-Match."
        )
        return Response({"detail": detail}, status=code, headers={"ETag": etag})


routes: list[tuple[str, type, str]] = [("goals", GoalViewSet, "api-goal")]
