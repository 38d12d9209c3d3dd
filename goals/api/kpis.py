"""API v1 endpoints of KPIs and their measurements (DRF): thin views over the services.

The rules are the KPI pages' (``goals.permissions.kpi_access``): executives and admins create
and change KPIs and record any KPI's values; a lead records the values of the KPIs a department
of theirs owns; members read. ``routes`` lists (prefix under ``workspaces/<slug>/``, viewset,
basename) for ``alignment.api_urls``.
"""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import IdList, InWorkspace
from core.api.schema import SLUG
from goals import permissions
from goals.models import KPI, Direction, Measurement
from goals.selectors import kpis as selectors
from goals.services import kpis as services
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Membership, Role

KPI_PK = OpenApiParameter("kpi_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="KPI id")
NOT_ONE_OR_MANY = (
    f"Send one measurement as an object, or a list of up to {services.MAX_ROWS:,} of them."
)


# --- serializers ----------------------------------------------------------------------------


def _decimal(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class MeasurementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    value = _decimal()
    source = serializers.ChoiceField(choices=Measurement.Source.choices)
    created_by = serializers.IntegerField(
        source="created_by_id", allow_null=True, help_text="The user id of who recorded it."
    )
    created_at = serializers.DateTimeField()


class LatestSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = _decimal()
    source = serializers.ChoiceField(choices=Measurement.Source.choices)


class KPIAccessSerializer(serializers.Serializer):
    edit = serializers.BooleanField(help_text="The caller may change the KPI.")
    measure = serializers.BooleanField(help_text="The caller may record and delete its values.")


class KPISerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    direction = serializers.ChoiceField(
        choices=Direction.choices, help_text="Whether higher (increase) or lower is better."
    )
    owner_departments = IdList(help_text="Department ids; two or more make it a shared KPI.")
    green_threshold = _decimal(allow_null=True, help_text="On target at this value or better.")
    red_threshold = _decimal(allow_null=True, help_text="Off target at this value or worse.")
    latest = LatestSerializer(allow_null=True, help_text="The most recent value, if any.")
    band = serializers.ChoiceField(
        source="latest_band",
        choices=["green", "amber", "red", ""],
        help_text="Where the latest value stands against the thresholds; blank without either.",
    )
    access = KPIAccessSerializer(help_text="What the caller may do with this KPI.")
    created_at = serializers.DateTimeField()


class KPIInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    unit = serializers.CharField(
        max_length=30, allow_blank=True, default="", help_text="For example EUR, %, leads."
    )
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INCREASE)
    owner_departments = InWorkspace(
        queryset=Department.objects.all(),
        many=True,
        allow_empty=False,
        error_messages={"empty": "Choose at least one owner department."},
    )
    green_threshold = _decimal(
        allow_null=True, default=None, help_text="Green at this value or better; set both or none."
    )
    red_threshold = _decimal(
        allow_null=True, default=None, help_text="Red at this value or worse; set both or none."
    )
    description = serializers.CharField(allow_blank=True, default="")


class KPIFilterSerializer(serializers.Serializer):
    search = serializers.CharField(
        max_length=100, required=False, help_text="In the name, description or unit."
    )
    department = InWorkspace(
        queryset=Department.objects.all(),
        required=False,
        help_text="KPIs this department id owns.",
    )


class MeasurementInputSerializer(serializers.Serializer):
    """For the schema: the service parses and checks each measurement (row)."""

    date = serializers.DateField(help_text="YYYY-MM-DD.")
    value = _decimal(help_text="A number (or a string holding one); kept to 4 decimal places.")
    source = serializers.ChoiceField(
        choices=Measurement.Source.choices,
        default=Measurement.Source.API,
        help_text="A date has one value per source.",
    )


class MeasurementFilterSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="Measurements of this day or later.")
    until = serializers.DateField(required=False, help_text="Measurements of this day or earlier.")
    source = serializers.ChoiceField(choices=Measurement.Source.choices, required=False)

    def validate(self, data: dict) -> dict:
        if "since" in data and "until" in data and data["until"] < data["since"]:
            raise serializers.ValidationError({"until": "Choose a day on or after “since”."})
        return data


class IngestOptionsSerializer(serializers.Serializer):
    upsert = serializers.BooleanField(
        default=False,
        help_text="Replace a value already recorded for the same date and source instead of "
        "refusing it.",
    )


class IngestSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="New values.")
    updated = serializers.IntegerField(help_text="Values replaced (with upsert).")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The item's position in the list, from 1.")
    error = serializers.CharField(help_text="Everything wrong with it.")


class MeasurementErrorsSerializer(serializers.Serializer):
    """A single object gets field errors (``date``, ``value``, ``source``); a list gets ``rows``
    naming every bad item, or ``non_field_errors`` for the list as a whole."""

    date = serializers.ListField(child=serializers.CharField(), required=False)
    value = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.ListField(child=serializers.CharField(), required=False)
    rows = RowErrorSerializer(many=True, required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ONE_OR_MANY = PolymorphicProxySerializer(
    component_name="MeasurementOneOrMany",
    serializers=[
        MeasurementInputSerializer,
        MeasurementInputSerializer(many=True, min_length=1, max_length=services.MAX_ROWS),
    ],
    resource_type_field_name=None,
    many=False,
)
CREATED = PolymorphicProxySerializer(
    component_name="MeasurementCreated",
    serializers=[MeasurementSerializer, IngestSummarySerializer],
    resource_type_field_name=None,
    many=False,
)


# --- views ----------------------------------------------------------------------------------


def _kpi_data(kpis: Sequence[KPI], membership: Membership) -> list[dict[str, Any]]:
    """The KPIs as the API shows them, with their latest values (one query for all)."""
    latest = selectors.recent_measurements([kpi.pk for kpi in kpis], limit=1)
    for kpi in kpis:
        kpi.latest = next(iter(latest.get(kpi.pk, [])), None)
        kpi.latest_band = kpi.band(kpi.latest.value if kpi.latest else None)
        kpi.access = permissions.kpi_access(membership=membership, kpi=kpi)
    return KPISerializer(kpis, many=True).data


@extend_schema(tags=["kpis"], parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="KPIs by name, with their latest value", parameters=[KPIFilterSerializer]
    ),
    retrieve=extend_schema(summary="One KPI"),
    create=extend_schema(
        summary="Add a KPI (executives and admins)",
        request=KPIInputSerializer,
        responses={201: KPISerializer},
    ),
    partial_update=extend_schema(
        summary="Change a KPI (executives and admins)",
        request=KPIInputSerializer,
        responses={200: KPISerializer},
    ),
)
class KPIViewSet(WorkspaceScopedViewSet):
    queryset = KPI.objects.all()
    serializer_class = KPISerializer
    action_roles = {"create": Role.EXECUTIVE, "partial_update": Role.EXECUTIVE}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[KPI]:
        if getattr(self, "swagger_fake_view", False):
            return KPI.objects.none()
        return permissions.kpis_with_access(
            selectors.kpi_list(workspace=self.request.workspace), self.request.membership
        )

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(KPIFilterSerializer, data=request.query_params)
        kpis = selectors.kpi_list(
            workspace=request.workspace,
            search=filters.get("search", "").strip(),
            department=filters.get("department"),
        )
        page = self.paginate_queryset(permissions.kpis_with_access(kpis, request.membership))
        return self.get_paginated_response(_kpi_data(page, request.membership))

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        kpi = selectors.kpi_get(membership=request.membership, pk=pk)
        prefetch_related_objects([kpi], selectors.OWNERS)
        return Response(_kpi_data([kpi], request.membership)[0])

    def create(self, request: Request, slug: str) -> Response:
        kpi = services.kpi_create(
            workspace=request.workspace,
            actor=request.user,
            **self.validated(KPIInputSerializer),
        )
        return Response(self._answer(kpi), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        kpi = services.kpi_update(
            kpi=selectors.kpi_get(membership=request.membership, pk=pk),
            actor=request.user,
            **self.validated(KPIInputSerializer, partial=True),
        )
        return Response(self._answer(kpi))

    def _answer(self, kpi: KPI) -> dict[str, Any]:
        """The KPI read back after a write, as the list shows it."""
        return _kpi_data([self.get_queryset().get(pk=kpi.pk)], self.request.membership)[0]


@extend_schema(tags=["kpis"], parameters=[SLUG, KPI_PK])
@extend_schema_view(
    list=extend_schema(
        summary="A KPI's measurements, newest first", parameters=[MeasurementFilterSerializer]
    ),
    retrieve=extend_schema(summary="One measurement"),
    create=extend_schema(
        summary="Record one measurement, or up to 10,000 at once",
        description=(
            "The body is one object or a list of them. A list is written all or nothing: one "
            "bad item and nothing is recorded, and the 400 names every bad item by its "
            "position (`rows`). A date already recorded for the same source, in the list or "
            "in the KPI's history, is refused unless `upsert=true`, which replaces the value. "
            "Executives and admins record any KPI's values; a lead those of the KPIs a "
            "department of theirs owns. Answers the measurement for one object, and the "
            "counts for a list."
        ),
        parameters=[IngestOptionsSerializer],
        request=ONE_OR_MANY,
        responses={
            201: OpenApiResponse(
                CREATED, description="The measurement (one object) or the counts (a list)."
            ),
            400: OpenApiResponse(
                MeasurementErrorsSerializer, description="Bad input; nothing was recorded."
            ),
        },
    ),
    destroy=extend_schema(summary="Delete a measurement"),
)
class MeasurementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    queryset = Measurement.objects.all()
    serializer_class = MeasurementSerializer
    action_roles = {"create": Role.LEAD, "destroy": Role.LEAD}
    http_method_names = ["get", "post", "delete", "head", "options"]

    @cached_property
    def kpi(self) -> KPI:
        """The KPI of the URL, of this workspace (else 404), ready for ``kpi_access``."""
        return selectors.kpi_get(membership=self.request.membership, pk=self.kwargs["kpi_pk"])

    def get_queryset(self) -> QuerySet[Measurement]:
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        filters = {}
        if self.action == "list":
            filters = self.validated(MeasurementFilterSerializer, data=self.request.query_params)
        return selectors.kpi_measurements(kpi=self.kpi, **filters)

    def _kpi_to_measure(self) -> KPI:
        if not permissions.kpi_access(membership=self.request.membership, kpi=self.kpi).measure:
            raise PermissionDenied(permissions.MEASURE_REFUSED)
        return self.kpi

    def create(self, request: Request, slug: str, kpi_pk: int) -> Response:
        kpi = self._kpi_to_measure()
        upsert = self.validated(IngestOptionsSerializer, data=request.query_params)["upsert"]
        body = request.data
        if isinstance(body, dict):
            source = body.get("source")
            measurement = services.measurement_record(
                kpi=kpi,
                actor=request.user,
                date=body.get("date"),
                value=body.get("value"),
                source=Measurement.Source.API if source in (None, "") else source,
                upsert=upsert,
            )
            return Response(MeasurementSerializer(measurement).data, status.HTTP_201_CREATED)
        if not isinstance(body, list):
            raise ValidationError({"non_field_errors": [NOT_ONE_OR_MANY]})
        try:
            result = services.measurements_ingest(
                kpi=kpi,
                actor=request.user,
                rows=body,
                source=Measurement.Source.API,
                upsert=upsert,
            )
        except DjangoValidationError as error:
            rows, general = services.ingest_row_errors(error)
            detail: dict[str, list] = {}
            if rows:
                detail["rows"] = [
                    {"row": row, "error": f"{reason[:1].upper()}{reason[1:]}."}
                    for row, reason in rows
                ]
            if general:
                detail["non_field_errors"] = general
            # A Response, not a ValidationError, which would turn the row numbers into strings.
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        summary = {"created": result.created, "updated": result.updated}
        return Response(summary, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, slug: str, kpi_pk: int, pk: int) -> Response:
        self._kpi_to_measure()
        services.measurement_delete(measurement=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


routes: list[tuple[str, type, str]] = [
    ("kpis", KPIViewSet, "api-kpi"),
    ("kpis/<id:kpi_pk>/measurements", MeasurementViewSet, "api-kpi-measurement"),
]
