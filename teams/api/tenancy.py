"""Tenancy for the API, in one place: every view under ``/api/v1/workspaces/<slug>/`` derives
from :class:`WorkspaceScopedView` or :class:`WorkspaceScopedViewSet`.

They resolve ``<slug>`` to the caller's membership with the same
:func:`teams.tenancy.membership_for` the pages use (no membership: 404), expose
``request.workspace`` and ``request.membership``, filter every queryset to the workspace (so
an id of another workspace is a 404), and check the role each action needs with
:class:`HasWorkspaceRole`, which asks ``Membership.has_role`` (too low: 403). Reading needs
the member role; a guest, for whom only the forums they are invited to exist, gets 404 for
everything above their role.
"""

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from core import freshness
from teams.models import Role
from teams.tenancy import membership_for


class HasWorkspaceRole(BasePermission):
    """The caller's role in the workspace is at least the one the view's action needs."""

    def has_permission(self, request: Request, view: "WorkspaceScoped") -> bool:
        membership = getattr(request, "membership", None)
        if membership is None:
            return False
        role = view.required_role(request)
        if membership.has_role(role):
            return True
        if membership.role == Role.GUEST:
            # Guests see the forums they are invited to; nothing else exists for them.
            raise NotFound("No such page.")
        self.message = f"This needs the {role.label.lower()} role or higher."
        return False


class WorkspaceScoped:
    """Mixed into a DRF generic view; see the module docstring.

    ``action_roles`` maps a viewset action (``"create"``, ``"partial_update"``…) or an HTTP
    method in lower case (for plain views) to the role it needs; anything else needs
    ``read_role``. ``workspace_field`` is the lookup from the queryset's model to its workspace.
    """

    permission_classes = [IsAuthenticated, HasWorkspaceRole]
    read_role: Role = Role.MEMBER
    action_roles: dict[str, Role] = {}
    workspace_field = "workspace"
    lookup_value_converter = "id"

    def check_permissions(self, request: Request) -> None:
        if request.user.is_authenticated:
            membership = membership_for(request.user, self.kwargs["slug"])
            request.membership = membership
            request.workspace = membership.workspace
            freshness.enter_workspace(membership.workspace_id)
        super().check_permissions(request)

    def required_role(self, request: Request) -> Role:
        key = getattr(self, "action", None) or request.method.lower()
        return self.action_roles.get(key, self.read_role)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation has no workspace
            return queryset.none()
        return queryset.filter(**{self.workspace_field: self.request.workspace})

    def validated(
        self, serializer_class: type[Serializer], *, data: Any = None, partial: bool = False
    ) -> dict[str, Any]:
        """The request body (or ``data``) validated by an input serializer; 400 when invalid."""
        serializer = serializer_class(
            data=self.request.data if data is None else data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class WorkspaceScopedViewSet(WorkspaceScoped, viewsets.GenericViewSet):
    pass


class WorkspaceScopedView(WorkspaceScoped, generics.GenericAPIView):
    pass
