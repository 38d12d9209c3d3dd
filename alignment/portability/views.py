"""The workspace export download (Settings → Export) and the import page (site staff).

They live in the project package because an export reads every app's tables."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from alignment import portability
from core.forms import add_service_errors
from teams.forms import WorkspaceForm, WorkspaceImportForm
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view


@login_required
def workspace_import(request: HttpRequest) -> HttpResponse:
    """A new workspace from an export (the create page's second form).

    Site staff only: an import adds every person the file names (matched by email) to the new
    workspace, and nobody should be able to enrol other people's accounts without consent.
    """
    if not request.user.is_staff:
        raise PermissionDenied("Only the site's staff can import a workspace.")
    form = WorkspaceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        try:
            workspace = portability.workspace_import(
                document=document,
                actor=request.user,
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = (
                " Its webhooks are paused with new signing secrets: give each receiver its "
                "secret, then switch them on."
                if document["webhooks"]
                else ""
            )
            messages.success(
                request,
                f"Imported {workspace}. People new to Alignment have an account without a "
                f"password: they choose one with “Forgot your password?”.{note}",
            )
            return redirect("dashboard", ws=workspace.slug)
    return render(
        request,
        "teams/workspace_form.html",
        {"form": WorkspaceForm(), "import_form": form},
        status=400 if form.errors else 200,
    )


@workspace_view(Role.ADMIN)
@require_GET
def workspace_export(request: WorkspaceRequest) -> HttpResponse:
    """Everything in the workspace as a JSON attachment, streamed as it is read."""
    workspace = request.workspace
    portability.workspace_export_record(workspace=workspace, actor=request.user)
    today = workspace.today()
    response = StreamingHttpResponse(
        portability.workspace_export_json(workspace=workspace), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{workspace.slug}-{today}.json"'
    return response
