"""The glossary API's serializers, viewset and routes (see the package docstring)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.fields import InWorkspace
from core.api.schema import SLUG
from glossary import selectors, services
from glossary.models import Term
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Role

KEEPERS = (
    "Admins, executives and the lead of the owning department (of both departments, when it "
    "moves to another); anyone else gets 403."
)


class TermSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.CharField(help_text="As people write it, e.g. `MQL`.")
    meaning = serializers.CharField()
    department = serializers.IntegerField(
        source="department_id", help_text="The id of the department that owns the term."
    )
    can_change = serializers.SerializerMethodField(
        help_text="Whether the caller may change or delete the term."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_can_change(self, term: Term) -> bool:
        return services.can_change(self.context["membership"], term)


class TermInputSerializer(serializers.Serializer):
    """Only parses: ``glossary.services`` says what a term needs (its blank and duplicate
    checks included) and who may keep it."""

    term = serializers.CharField(
        max_length=Term.MAX_TERM,
        allow_blank=True,
        help_text="As people write it, e.g. `MQL`; unique in the workspace whatever its case. "
        "A term in capitals is marked only in capitals; any other term in any case.",
    )
    meaning = serializers.CharField(
        max_length=Term.MAX_MEANING,
        allow_blank=True,
        help_text="What it means, in words someone from another department understands.",
    )
    department = InWorkspace(
        queryset=Department.objects.all(),
        help_text="The id of the owning department; its lead keeps the term up to date.",
    )


class TermFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Terms whose term or meaning holds every word of it.",
    )
    department = InWorkspace(
        queryset=Department.objects.all(),
        required=False,
        help_text="Terms this department id owns.",
    )


@extend_schema(tags=["glossary"], parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="The glossary from A to Z, searchable", parameters=[TermFilterSerializer]
    ),
    retrieve=extend_schema(summary="One term"),
    create=extend_schema(
        summary="Add a term (admins, executives, the owning department's lead)",
        description=KEEPERS,
        request=TermInputSerializer,
        responses={201: TermSerializer},
    ),
    update=extend_schema(
        summary="Replace a term, its meaning and its department",
        description=KEEPERS,
        request=TermInputSerializer,
        responses={200: TermSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a term, its meaning or its department",
        description=f"Only the fields sent change. {KEEPERS}",
        request=TermInputSerializer,
        responses={200: TermSerializer},
    ),
    destroy=extend_schema(summary="Remove a term from the glossary", description=KEEPERS),
)
class TermViewSet(WorkspaceScopedViewSet):
    """The workspace's glossary: each department's jargon and acronyms."""

    queryset = Term.objects.all()
    serializer_class = TermSerializer
    action_roles = dict.fromkeys(("create", "update", "partial_update", "destroy"), Role.LEAD)
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "membership": self.request.membership}

    def _data(self, terms: Term | list[Term], *, many: bool = False) -> Any:
        return TermSerializer(terms, many=many, context=self.get_serializer_context()).data

    def _term(self, pk: int) -> Term:
        return selectors.term_get(membership=self.request.membership, pk=pk)

    def get_queryset(self) -> QuerySet[Term]:
        if getattr(self, "swagger_fake_view", False):
            return Term.objects.none()
        return selectors.terms(workspace=self.request.workspace)

    def list(self, request: Request, slug: str) -> Response:
        filters = self.validated(TermFilterSerializer, data=request.query_params)
        department = filters.get("department")
        terms = selectors.terms(
            workspace=request.workspace,
            q=filters.get("q", "").strip(),
            department=department.pk if department else None,
        )
        return self.get_paginated_response(self._data(self.paginate_queryset(terms), many=True))

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return Response(self._data(self._term(pk)))

    def create(self, request: Request, slug: str) -> Response:
        term = services.term_create(
            membership=request.membership, **self.validated(TermInputSerializer)
        )
        return Response(self._data(self._term(term.pk)), status=status.HTTP_201_CREATED)

    def _change(self, pk: int, *, partial: bool) -> Response:
        entry = self._term(pk)
        services.term_update(
            membership=self.request.membership,
            entry=entry,
            **self.validated(TermInputSerializer, partial=partial),
        )
        return Response(self._data(self._term(pk)))

    def update(self, request: Request, slug: str, pk: int) -> Response:
        return self._change(pk, partial=False)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        return self._change(pk, partial=True)

    def destroy(self, request: Request, slug: str, pk: int) -> Response:
        services.term_delete(membership=request.membership, entry=self._term(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


routes: list[tuple[str, type, str]] = [("glossary", TermViewSet, "api-glossary-term")]
