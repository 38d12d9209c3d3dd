"""API v1 endpoints of teams: tokens, workspaces, departments and members.

Thin views: an input serializer validates, a service writes, an output serializer answers.
Everything under a workspace derives from teams.api.tenancy.
"""

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import SLUG
from core.api.throttling import AuthTokenThrottle
from teams.api import serializers as s
from teams.api.authentication import ApiTokenAuthentication
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Membership, Role
from teams.services import (
    api_token_create,
    api_token_revoke,
    department_create,
    department_update,
    membership_remove,
    membership_update,
)
from teams.tenancy import membership_for


@extend_schema(tags=["auth"])
class AuthToken(APIView):
    """Exchange a username and password for a new API token, or revoke the one in use."""

    authentication_classes = [ApiTokenAuthentication]
    throttle_classes = [AuthTokenThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=s.TokenCreateSerializer,
        responses={201: s.TokenSerializer},
        auth=[],
        summary="Create an API token from a username and password",
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": ["Unable to sign in with these details."]})
        token, key = api_token_create(user=user, name=data.get("name", ""))
        return Response({"token": key, "name": token.name}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, summary="Revoke the token this request is sent with")
    def delete(self, request: Request) -> Response:
        api_token_revoke(token=request.auth, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["workspaces"])
@extend_schema_view(
    list=extend_schema(summary="The workspaces the caller belongs to, with their role"),
    retrieve=extend_schema(summary="One workspace the caller belongs to", parameters=[SLUG]),
)
class WorkspaceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.WorkspaceSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self) -> QuerySet[Membership]:
        return (
            Membership.objects.filter(user_id=self.request.user.pk)
            .select_related("workspace")
            .order_by("workspace__name", "workspace_id")
        )

    def retrieve(self, request: Request, slug: str) -> Response:
        return Response(s.WorkspaceSerializer(membership_for(request.user, slug)).data)


@extend_schema(tags=["departments"])
@extend_schema_view(
    list=extend_schema(summary="Departments", parameters=[SLUG]),
    retrieve=extend_schema(summary="One department", parameters=[SLUG]),
    create=extend_schema(
        summary="Add a department (admins)",
        parameters=[SLUG],
        request=s.DepartmentInputSerializer,
        responses={201: s.DepartmentSerializer},
    ),
    update=extend_schema(
        summary="Replace a department (admins)",
        parameters=[SLUG],
        request=s.DepartmentInputSerializer,
        responses={200: s.DepartmentSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a department (admins)",
        parameters=[SLUG],
        request=s.DepartmentInputSerializer,
        responses={200: s.DepartmentSerializer},
    ),
)
class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    queryset = Department.objects.order_by("name", "id")
    serializer_class = s.DepartmentSerializer
    action_roles = {"create": Role.ADMIN, "update": Role.ADMIN, "partial_update": Role.ADMIN}

    def create(self, request: Request, slug: str) -> Response:
        department = department_create(
            workspace=request.workspace,
            actor=request.user,
            **self.validated(s.DepartmentInputSerializer),
        )
        return Response(s.DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, slug: str, pk: str) -> Response:
        return self._update(partial=False)

    def partial_update(self, request: Request, slug: str, pk: str) -> Response:
        return self._update(partial=True)

    def _update(self, *, partial: bool) -> Response:
        department = self.get_object()
        current = {
            "name": department.name,
            "kind": department.kind,
            "color": department.color,
            "lead": department.lead,
            "executive": department.executive,
        }
        changes = self.validated(s.DepartmentInputSerializer, partial=partial)
        department = department_update(
            department=department,
            actor=self.request.user,
            **({**current, **changes} if partial else changes),
        )
        return Response(s.DepartmentSerializer(department).data)


@extend_schema(tags=["members"])
@extend_schema_view(
    list=extend_schema(
        summary="People and their roles", parameters=[SLUG, s.MemberFilterSerializer]
    ),
    retrieve=extend_schema(summary="One person's membership", parameters=[SLUG]),
    partial_update=extend_schema(
        summary="Change a person's role or departments (admins)",
        parameters=[SLUG],
        request=s.MemberInputSerializer,
        responses={200: s.MemberSerializer},
    ),
    destroy=extend_schema(summary="Remove a person from the workspace (admins)", parameters=[SLUG]),
)
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    queryset = (
        Membership.objects.select_related("user")
        .prefetch_related("departments")
        .order_by("user__first_name", "user__last_name", "user__username", "id")
    )
    serializer_class = s.MemberSerializer
    action_roles = {"partial_update": Role.ADMIN, "destroy": Role.ADMIN}
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def filter_queryset(self, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        if self.action != "list":
            return queryset
        filters = self.validated(s.MemberFilterSerializer, data=self.request.query_params)
        if "role" in filters:
            queryset = queryset.filter(role=filters["role"])
        if "department" in filters:
            queryset = queryset.filter(departments=filters["department"])
        return queryset

    def partial_update(self, request: Request, slug: str, pk: str) -> Response:
        membership = self.get_object()
        current = {"role": membership.role, "departments": list(membership.departments.all())}
        changes = self.validated(s.MemberInputSerializer, partial=True)
        membership = membership_update(
            membership=membership, actor=request.user, **{**current, **changes}
        )
        return Response(s.MemberSerializer(self.get_queryset().get(pk=membership.pk)).data)

    def destroy(self, request: Request, slug: str, pk: str) -> Response:
        membership_remove(membership=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


routes: list[tuple[str, type, str]] = [
    ("departments", DepartmentViewSet, "api-department"),
    ("members", MemberViewSet, "api-member"),
]
