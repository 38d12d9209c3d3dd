"""API v1 endpoints of goals' check-ins (DRF): thin views over the app's services and selectors.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.

A goal takes one check-in per cycle: POSTing again in the same cycle corrects it (200, the same
id), like the check-in page. The leads and executives of the goal's owner departments (and
admins) log them; every member reads them.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from checkins import selectors
from checkins.cycles import cycle_bounds
from checkins.models import Ask, CheckIn
from checkins.services.asks import AskDraft
from checkins.services.checkins import checkin_save
from core.api.fields import InWorkspace, InWorkspaceRows, optional_decimal
from core.api.schema import SLUG
from goals.models import Goal
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department
from teams.tenancy import get_scoped

GOAL = OpenApiParameter(
    "goal_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The goal's id."
)
MAX_ASKS = 10


class CycleSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    due_on = serializers.DateField()


class AskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_department = serializers.IntegerField(source="from_department_id")
    to_department = serializers.IntegerField(source="to_department_id")
    text = serializers.CharField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Ask.Status.choices)


class CheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    goal = serializers.IntegerField(source="goal_id")
    cycle = CycleSerializer()
    author = serializers.IntegerField(source="author_id", allow_null=True, help_text="A user id.")
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    confidence = serializers.IntegerField(min_value=1, max_value=10)
    status = serializers.ChoiceField(
        source="confidence_band",
        choices=Goal.Status.choices,
        help_text="The goal status the confidence stands for: 1-3 off track, 4-6 at risk, "
        "7-10 on track.",
    )
    moved = serializers.CharField(help_text="What moved.")
    blockers = serializers.CharField()
    next_steps = serializers.CharField()
    asks = AskSerializer(many=True, help_text="What it asked of other departments.")
    created_at = serializers.DateTimeField()


class AskInputSerializer(serializers.Serializer):
    to_department = InWorkspace(
        queryset=Department.objects.all(),
        help_text="A department id other than the goal's asking owner department.",
    )
    text = serializers.CharField(max_length=1000, help_text="What is needed.")
    due_on = serializers.DateField(help_text="Needed by; today or later.")

    class Meta:
        list_serializer_class = InWorkspaceRows


class CheckInInputSerializer(serializers.Serializer):
    value = optional_decimal("The metric's current value; required when the goal has a target.")
    confidence = serializers.IntegerField(
        min_value=1, max_value=10, help_text="1 (will miss) to 10 (certain)."
    )
    moved = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    blockers = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    next_steps = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default=""
    )
    set_status = serializers.BooleanField(
        default=True, help_text="Set the goal's status from the confidence."
    )
    asks = AskInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_ASKS,
        help_text=f"Up to {MAX_ASKS} asks of other departments, sent with the check-in.",
    )


@extend_schema(tags=["check-ins"])
@extend_schema_view(
    list=extend_schema(summary="A goal's check-ins, newest first", parameters=[SLUG, GOAL]),
    retrieve=extend_schema(summary="One check-in of a goal", parameters=[SLUG, GOAL]),
    create=extend_schema(
        summary="Log this cycle's check-in of a goal, or correct it (its owner departments' "
        "leads and admins)",
        description="201 with a new check-in; 200 when it corrected the one already logged "
        "in the current cycle (same id). The goal's value, progress and (with `set_status`) "
        "status follow at once.",
        parameters=[SLUG, GOAL],
        request=CheckInInputSerializer,
        responses={201: CheckInSerializer, 200: CheckInSerializer},
    ),
)
class CheckInViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    WorkspaceScopedViewSet,
):
    queryset = CheckIn.objects.select_related("cycle").prefetch_related("asks")
    serializer_class = CheckInSerializer
    workspace_field = "goal__workspace"

    def get_queryset(self) -> QuerySet[CheckIn]:
        checkins = super().get_queryset().filter(goal__pk=self.kwargs["goal_pk"])
        return checkins.order_by("-created_at", "-id")

    def list(self, request: Request, slug: str, goal_pk: int) -> Response:
        get_scoped(Goal.objects.only("pk"), request.workspace, pk=goal_pk)
        return super().list(request)

    def create(self, request: Request, slug: str, goal_pk: int) -> Response:
        membership = request.membership
        goal, _ = selectors.checkin_goal_get(membership=membership, pk=goal_pk)
        data: dict[str, Any] = self.validated(CheckInInputSerializer)
        today = request.workspace.today()
        starts_on = cycle_bounds(request.workspace.checkin_cadence, today).starts_on
        correcting = CheckIn.objects.filter(
            goal=goal, cycle__workspace=request.workspace, cycle__starts_on=starts_on
        ).exists()
        checkin = checkin_save(
            membership=membership,
            goal=goal,
            value=data["value"],
            confidence=data["confidence"],
            moved=data["moved"],
            blockers=data["blockers"],
            next_steps=data["next_steps"],
            asks=[AskDraft(**ask) for ask in data["asks"]],
            set_status=data["set_status"],
            today=today,
        )
        return Response(
            CheckInSerializer(self.get_queryset().get(pk=checkin.pk)).data,
            status=status.HTTP_200_OK if correcting else status.HTTP_201_CREATED,
        )


routes: list[tuple[str, type, str]] = [
    ("goals/<id:goal_pk>/checkins", CheckInViewSet, "api-goal-checkin"),
]
