"""Tenancy and roles, in one place.

Every workspace page is wrapped in :func:`workspace_view`, which resolves the workspace from
the URL and the signed-in person's membership of it: a person of another workspace gets 404
(the workspace does not exist for them), a member without the role gets 403, and a guest gets
404 for every page above the guest role (only the forums they are invited to exist for them).
Every fetch by id goes through :func:`get_scoped`, so an id from another workspace is a 404 too.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from core import freshness
from teams.models import Membership, Role, User, Workspace

M = TypeVar("M", bound=models.Model)


class WorkspaceRequest(HttpRequest):
    """The request a workspace view receives (for type checkers)."""

    user: User
    workspace: Workspace
    membership: Membership


def membership_for(user: User, slug: str) -> Membership:
    """The user's membership of the workspace ``slug``; 404 when there is none.

    Kept for the data version of people, workspaces and memberships
    (:func:`core.freshness.remember`): a membership given, changed or taken away, or a workspace
    renamed, replaces it, so the role is checked against the database's latest word."""
    if not user.is_authenticated:
        raise Http404("No such workspace.")

    def read() -> Membership | bool:
        found = Membership.objects.select_related("workspace", "user").filter(
            user=user, workspace__slug=slug
        )
        return next(iter(found), False)

    membership = freshness.remember(None, f"membership:{user.pk}:{slug}", read)
    if not membership:
        raise Http404("No such workspace.")
    return membership


def require_role(membership: Membership, role: Role) -> None:
    if not membership.has_role(role):
        raise PermissionDenied(f"This needs the {role.label.lower()} role or higher.")


def workspace_view(
    role: Role = Role.MEMBER,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``request.workspace`` and ``request.membership`` from the ``ws`` URL argument."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_for(request.user, ws)
            if membership.role == Role.GUEST and role != Role.GUEST:
                # Guests see the forums they are invited to; nothing else exists for them.
                raise Http404("No such page.")
            require_role(membership, role)
            request.workspace = membership.workspace
            request.membership = membership
            if request.session.get("workspace") != ws:
                request.session["workspace"] = ws
            freshness.enter_workspace(membership.workspace_id)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_scoped(queryset: models.QuerySet[M], workspace: Workspace, **lookup: Any) -> M:
    """Fetch one object of ``workspace``; anything of another workspace is a 404."""
    return get_object_or_404(queryset.filter(workspace=workspace), **lookup)


def ensure_in_workspace(
    workspace: Workspace, objects: Iterable[models.Model | None], *, field: str
) -> None:
    """Refuse any object (department, goal, KPI, period...) that belongs to another workspace.

    Every write path (services, admin forms, API) calls this, so a goal can never be owned by a
    department of another workspace.
    """
    for obj in objects:
        if obj is not None and obj.workspace_id != workspace.pk:
            raise ValidationError({field: f"“{obj}” belongs to another workspace."})


def ensure_members(
    workspace: Workspace, users: Iterable[User | None], *, field: str, guests: bool = True
) -> None:
    """Refuse any person who is not a member of ``workspace`` (nor a guest, with ``guests``
    false)."""
    ids = {user.pk for user in users if user is not None}
    if not ids:
        return
    members = Membership.objects.filter(workspace=workspace, user_id__in=ids)
    if not guests:
        members = members.exclude(role=Role.GUEST)
    if ids - set(members.values_list("user_id", flat=True)):
        who = "a member" if guests else "a member (not a guest)"
        raise ValidationError({field: f"Choose a person who is {who} of this workspace."})
