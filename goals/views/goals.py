from django.http import HttpResponse
from django.shortcuts import render

from alignment.lib.tenancy import WorkspaceRequest, workspace_view
from goals.selectors import goals as selectors
from teams.models import Role


@workspace_view(Role.GUEST)
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    """The workspace home. Guests see only the forums they were invited to."""
    if not request.membership.has_role(Role.MEMBER):
        return render(request, "goals/guest_home.html")
    context = {
        "departments": selectors.department_goal_counts(workspace=request.workspace),
        "shared_goals": selectors.goal_list(workspace=request.workspace).exclude(
            status__in=["achieved", "missed", "dropped"]
        )[:10],
    }
    return render(request, "goals/dashboard.html", context)
