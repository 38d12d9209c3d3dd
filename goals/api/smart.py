"""API v1: the SMART check of a draft goal (nothing is saved)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import InWorkspace, optional_decimal
from core.api.schema import SLUG
from goals.models import KPI, Direction, Goal, Period
from goals.smart import LETTERS, Draft, check
from goals.smart_drafts import kpi_history
from teams.api.tenancy import WorkspaceScopedView
from teams.models import Department


class SmartCheckInputSerializer(serializers.Serializer):
    """A draft goal; every field is optional, the check says what is missing."""

    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    description = serializers.CharField(allow_blank=True, required=False, default="")
    metric = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    baseline = optional_decimal("Where the metric stands today.")
    target = optional_decimal("The value that means the goal is met.")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INCREASE)
    start_date = serializers.DateField(allow_null=True, required=False, default=None)
    due_date = serializers.DateField(allow_null=True, required=False, default=None)
    period = InWorkspace(
        queryset=Period.objects.all(), allow_null=True, required=False, default=None
    )
    parent = InWorkspace(queryset=Goal.objects.all(), allow_null=True, required=False, default=None)
    owner_departments = InWorkspace(
        queryset=Department.objects.all(), many=True, required=False, default=list
    )
    kpi = InWorkspace(
        queryset=KPI.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A KPI whose measurement history the target is judged against.",
    )


class SmartResultSerializer(serializers.Serializer):
    specific = serializers.BooleanField()
    measurable = serializers.BooleanField()
    achievable = serializers.BooleanField()
    relevant = serializers.BooleanField()
    time_bound = serializers.BooleanField()
    score = serializers.IntegerField(min_value=0, max_value=len(LETTERS))
    hints = serializers.ListField(
        child=serializers.CharField(), help_text="What is missing, in plain sentences."
    )


@extend_schema(tags=["goals"])
class SmartCheck(WorkspaceScopedView):
    """Score draft goal fields on the five SMART letters; nothing is saved."""

    @extend_schema(
        summary="Run the SMART check on a draft goal",
        parameters=[SLUG],
        request=SmartCheckInputSerializer,
        responses={200: SmartResultSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        data = self.validated(SmartCheckInputSerializer)
        period, kpi = data["period"], data["kpi"]
        history = kpi_history(workspace=request.workspace, kpi_id=kpi.pk if kpi else None)
        result = check(
            Draft(
                title=data["title"],
                description=data["description"],
                metric=data["metric"],
                baseline=data["baseline"],
                target=data["target"],
                direction=data["direction"],
                start_date=data["start_date"],
                due_date=data["due_date"],
                period_start=period.start_date if period else None,
                period_end=period.end_date if period else None,
                has_parent=data["parent"] is not None,
                mission=request.workspace.mission,
                owner_count=len(set(data["owner_departments"])),
                history=history,
            )
        )
        return Response(SmartResultSerializer(result.as_dict()).data)
