"""API v1: planning periods."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import SLUG
from goals.models import Period
from goals.services.goals import period_create
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Role


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class PeriodInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    start_date = serializers.DateField()
    end_date = serializers.DateField()


@extend_schema(tags=["periods"])
@extend_schema_view(
    list=extend_schema(summary="Planning periods, latest first", parameters=[SLUG]),
    retrieve=extend_schema(summary="One planning period", parameters=[SLUG]),
    create=extend_schema(
        summary="Add a planning period (executives and admins)",
        parameters=[SLUG],
        request=PeriodInputSerializer,
        responses={201: PeriodSerializer},
    ),
)
class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    queryset = Period.objects.order_by("-start_date", "id")
    serializer_class = PeriodSerializer
    action_roles = {"create": Role.EXECUTIVE}

    def create(self, request: Request, slug: str) -> Response:
        period = period_create(
            membership=request.membership,
            **self.validated(PeriodInputSerializer),
        )
        return Response(PeriodSerializer(period).data, status=status.HTTP_201_CREATED)
