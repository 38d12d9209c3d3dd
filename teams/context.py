from typing import Any

from django.http import HttpRequest

from teams.models import Membership


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The workspace switcher and department list in the navigation (two queries, once)."""
    workspace = getattr(request, "workspace", None)
    if workspace is None or not request.user.is_authenticated:
        return {}
    return {
        "current_workspace": workspace,
        "current_membership": request.membership,
        "nav_departments": workspace.departments.all(),
        "nav_memberships": Membership.objects.filter(user=request.user).select_related("workspace"),
    }
