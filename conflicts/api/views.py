"""The conflicts API's viewset and routes (see the package docstring)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from conflicts import decisions, permissions, selectors, services
from conflicts.api.serializers import (
    ConflictFilterSerializer,
    ConflictInputSerializer,
    ConflictSerializer,
    ConflictUpdateSerializer,
    DecideInputSerializer,
    PositionInputSerializer,
)
from conflicts.models import Conflict, Position
from core.api.schema import SLUG
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Membership

# What the serializer reads beyond the selectors' joins: one query each, whatever the count.
DETAILS = (
    Prefetch("positions", queryset=Position.objects.prefetch_related("evidence")),
    "acknowledgements",
)
LIST_DETAILS = ("goals", "kpis", "consulted", *DETAILS)
RUNS = (
    "Its facilitator or an executive or admin; anyone else gets 403. A conflict already "
    "decided or withdrawn is a 400 whose `non_field_errors` say why."
)


@contextmanager
def evidence_errors() -> Iterator[None]:
    """The evidence services name the KPI ``kpi``; the API calls the list ``evidence``."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict") and "kpi" in error.error_dict:
            error.error_dict["evidence"] = error.error_dict.pop("kpi")
        raise


def _raiser(membership: Membership, data: dict[str, Any]) -> Department:
    """The department raising the conflict: the one sent, else the first of ``departments``
    the caller speaks for (else the first, which ``conflict_raise`` refuses with 403)."""
    if "raised_by_department" in data:
        return data["raised_by_department"]
    involved = data["departments"]
    return next((d for d in involved if permissions.speaks_for(membership, d)), involved[0])


_ONE = {"responses": {200: ConflictSerializer}}
_RUN = {"description": RUNS, **_ONE}


@extend_schema(tags=["conflicts"], parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="The conflict register, newest first", parameters=[ConflictFilterSerializer]
    ),
    retrieve=extend_schema(summary="One conflict with each side's position and evidence"),
    create=extend_schema(
        summary="Raise a conflict between departments",
        description="Anyone in a department (a member or its lead) raises one for it, with one "
        "or more other departments. A `facilitator` given here is named at once (executives "
        "and admins only); the conflict and its facilitator are written together or not at "
        "all.",
        request=ConflictInputSerializer,
        responses={201: ConflictSerializer},
    ),
    partial_update=extend_schema(
        summary="Name the facilitator or move the conflict on",
        description="`facilitator`: executives and admins, someone from none of the involved "
        "departments. `status`: its facilitator or an executive (its raiser may withdraw it). "
        "Both sent: both change, or neither.",
        request=ConflictUpdateSerializer,
        **_ONE,
    ),
    positions=extend_schema(
        summary="State or change one department's position",
        description="A member or the lead of an involved department, while the conflict is "
        "undecided. One position per department: sending it again replaces it (200); the "
        "first time answers 201. With `evidence`, the position points to exactly those KPIs. "
        "Answers the conflict.",
        request=PositionInputSerializer,
        responses={
            200: OpenApiResponse(ConflictSerializer, description="The position was replaced."),
            201: OpenApiResponse(ConflictSerializer, description="The position was stated."),
        },
    ),
    decide=extend_schema(
        summary="Decide the conflict: the decision goes to the log",
        description="Records the decision in the workspace's decision log (`decisions/`, its "
        "id in `decision`), with what each side accepted (`trade_offs`, one entry per "
        "involved department), the departments consulted and the evidence as it stands; the "
        "conflict becomes decided and each side's lead is asked to acknowledge. "
        f"{RUNS} A review date must be in the future.",
        request=DecideInputSerializer,
        **_ONE,
    ),
    withdraw=extend_schema(
        summary="Withdraw the conflict before it is decided",
        description="Its raiser, its facilitator or an executive; anyone else gets 403. A "
        "conflict decided or withdrawn already is a 400 (`status`).",
        request=None,
        **_ONE,
    ),
)
class ConflictViewSet(WorkspaceScopedViewSet):
    """Conflicts between departments, each side's position and evidence, and their decision."""

    queryset = Conflict.objects.all()
    serializer_class = ConflictSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Conflict]:
        if getattr(self, "swagger_fake_view", False):
            return Conflict.objects.none()
        return selectors.conflict_list(workspace=self.request.workspace)

    def _conflict(self, pk: int) -> Conflict:
        return selectors.conflict_get(membership=self.request.membership, pk=pk)

    def _answer(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        conflict = self._conflict(pk)
        prefetch_related_objects([conflict], *DETAILS)
        context = {"workspace": self.request.workspace}
        return Response(ConflictSerializer(conflict, context=context).data, status=code)

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(ConflictFilterSerializer, data=request.query_params)
        conflicts = selectors.conflict_list(
            workspace=request.workspace,
            status=filters.get("status", ""),
            kind=filters.get("kind", ""),
            department=filters.get("department"),
        )
        page = self.paginate_queryset(conflicts.prefetch_related(*LIST_DETAILS))
        data = ConflictSerializer(page, many=True, context={"workspace": request.workspace}).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._answer(pk)

    def create(self, request: Request, slug: str) -> Response:
        data = dict(self.validated(ConflictInputSerializer))
        facilitator = data.pop("facilitator", None)
        with transaction.atomic():
            conflict = services.conflict_raise(
                membership=request.membership,
                title=data["title"],
                kind=data["kind"],
                at_stake=data["stakes"],
                raised_by_department=_raiser(request.membership, data),
                departments=data["departments"],
                decide_by=data["decide_by"],
                goals=data["goals"],
                kpis=data["kpis"],
            )
            if facilitator is not None:
                services.facilitator_name(
                    membership=request.membership, conflict=conflict, facilitator=facilitator
                )
        return self._answer(conflict.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        conflict = self._conflict(pk)
        changes = self.validated(ConflictUpdateSerializer)
        with transaction.atomic():
            if "facilitator" in changes:
                conflict = services.facilitator_name(
                    membership=request.membership,
                    conflict=conflict,
                    facilitator=changes["facilitator"],
                )
            if "status" in changes:
                services.conflict_move(
                    membership=request.membership, conflict=conflict, status=changes["status"]
                )
        return self._answer(pk)

    @action(detail=True, methods=["post"])
    def positions(self, request: Request, slug: str, pk: int) -> Response:
        conflict = self._conflict(pk)
        data = dict(self.validated(PositionInputSerializer))
        evidence = data.pop("evidence", None)
        stated = conflict.positions.filter(department=data["department"]).exists()
        with transaction.atomic(), evidence_errors():
            position = services.position_state(
                membership=request.membership, conflict=conflict, **data
            )
            if evidence is not None:
                services.evidence_set(
                    membership=request.membership, position=position, kpis=evidence
                )
        return self._answer(pk, code=status.HTTP_200_OK if stated else status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, slug: str, pk: int) -> Response:
        conflict = self._conflict(pk)
        data = self.validated(DecideInputSerializer)
        decisions.conflict_decide(membership=request.membership, conflict=conflict, **data)
        return self._answer(pk)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, slug: str, pk: int) -> Response:
        services.conflict_move(
            membership=request.membership,
            conflict=self._conflict(pk),
            status=Conflict.Status.WITHDRAWN,
        )
        return self._answer(pk)


routes: list[tuple[str, type, str]] = [("conflicts", ConflictViewSet, "api-conflict")]
