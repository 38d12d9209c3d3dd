from django.http import HttpResponse
from django.shortcuts import render

from alignment.lib.tenancy import WorkspaceRequest, workspace_view
from teams.models import Role


@workspace_view(Role.MEMBER)
def checkin_panel(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard's check-in panel, loaded by HTMX after the page."""
    return render(request, "checkins/panel.html", {})
