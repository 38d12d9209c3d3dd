from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from alignment import portability
from alignment.lib.forms import add_service_errors
from alignment.lib.http import paginate
from alignment.lib.tenancy import WorkspaceRequest, get_scoped, workspace_view
from teams import services
from teams.forms import (
    DepartmentForm,
    InvitationForm,
    LoginForm,
    MembershipForm,
    SignupForm,
    WorkspaceForm,
    WorkspaceImportForm,
)
from teams.models import Department, Invitation, Membership, Role

LOGIN_WINDOW_SECONDS = 300


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def login_view(request: HttpRequest) -> HttpResponse:
    """Django's login, refusing an address after too many failed attempts in five minutes."""
    from django.conf import settings

    key = f"login-failures:{_client_address(request)}"
    if request.method == "POST" and cache.get(key, 0) >= settings.LOGIN_RATE_LIMIT:
        response = render(request, "registration/locked.html", status=429)
        response["Retry-After"] = str(LOGIN_WINDOW_SECONDS)
        return response
    response = LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm)(
        request
    )
    if request.method == "POST" and not request.user.is_authenticated:
        cache.add(key, 0, LOGIN_WINDOW_SECONDS)
        cache.incr(key)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a person to the workspace they used last, or let them choose one."""
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")
    slugs = [m.workspace.slug for m in memberships]
    last = request.session.get("workspace")
    if last in slugs:
        return redirect("dashboard", ws=last)
    if len(slugs) == 1:
        return redirect("dashboard", ws=slugs[0])
    return redirect("workspace_list")


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .order_by("workspace__name")
    )
    return render(request, "teams/workspace_list.html", {"memberships": memberships})


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(
                creator=request.user,
                name=form.cleaned_data["name"],
                mission=form.cleaned_data["mission"],
                timezone_name=form.cleaned_data["timezone"],
                checkin_cadence=form.cleaned_data["checkin_cadence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{workspace} is ready. Add departments and invite people.")
            return redirect("department_list", ws=workspace.slug)
    return render(
        request,
        "teams/workspace_form.html",
        {"form": form, "import_form": WorkspaceImportForm() if request.user.is_staff else None},
    )


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
def workspace_settings(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    form = WorkspaceForm.for_workspace(workspace, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(
                workspace=workspace,
                actor=request.user,
                name=form.cleaned_data["name"],
                mission=form.cleaned_data["mission"],
                timezone=form.cleaned_data["timezone"],
                checkin_cadence=form.cleaned_data["checkin_cadence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("workspace_settings", ws=workspace.slug)
    return render(request, "teams/workspace_settings.html", {"form": form})


@workspace_view(Role.ADMIN)
@require_GET
def workspace_export(request: WorkspaceRequest) -> HttpResponse:
    """Everything in the workspace as a JSON attachment, streamed as it is read."""
    workspace = request.workspace
    portability.workspace_export_record(workspace=workspace, actor=request.user)
    today = timezone.localdate(timezone=ZoneInfo(workspace.timezone))
    response = StreamingHttpResponse(
        portability.workspace_export_json(workspace=workspace), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{workspace.slug}-{today}.json"'
    return response


@workspace_view(Role.MEMBER)
def department_list(request: WorkspaceRequest) -> HttpResponse:
    departments = request.workspace.departments.select_related("lead", "executive").order_by("name")
    form = None
    if request.membership.has_role(Role.ADMIN):
        form = DepartmentForm(request.POST or None, workspace=request.workspace)
        if request.method == "POST" and form.is_valid():
            try:
                department = services.department_create(
                    workspace=request.workspace, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Added the department {department}.")
                return redirect("department_list", ws=request.workspace.slug)
    elif request.method == "POST":
        raise PermissionDenied("Only admins add departments.")
    return render(request, "teams/department_list.html", {"departments": departments, "form": form})


@workspace_view(Role.ADMIN)
def department_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    department = get_scoped(Department.objects.all(), request.workspace, pk=pk)
    form = DepartmentForm(
        request.POST or None,
        workspace=request.workspace,
        initial={
            "name": department.name,
            "kind": department.kind,
            "color": department.color,
            "lead": department.lead_id,
            "executive": department.executive_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.department_update(
                department=department, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the department {department}.")
            return redirect("department_list", ws=request.workspace.slug)
    return render(request, "teams/department_edit.html", {"department": department, "form": form})


@workspace_view(Role.MEMBER)
def people(request: WorkspaceRequest) -> HttpResponse:
    memberships = (
        request.workspace.memberships.select_related("user")
        .prefetch_related("departments")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    context = {"page": paginate(request, memberships, per_page=50)}
    if request.membership.has_role(Role.ADMIN):
        context["invite_form"] = InvitationForm(workspace=request.workspace)
        context["invitations"] = request.workspace.invitations.filter(
            accepted_at__isnull=True
        ).prefetch_related("departments")
    return render(request, "teams/people.html", context)


@workspace_view(Role.ADMIN)
@require_POST
def invite(request: WorkspaceRequest) -> HttpResponse:
    form = InvitationForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("people", ws=request.workspace.slug)
    memberships = request.workspace.memberships.select_related("user").prefetch_related(
        "departments"
    )
    return render(
        request,
        "teams/people.html",
        {
            "page": paginate(request, memberships, per_page=50),
            "invite_form": form,
            "invitations": request.workspace.invitations.filter(accepted_at__isnull=True),
        },
        status=400,
    )


@workspace_view(Role.ADMIN)
@require_POST
def invitation_revoke(request: WorkspaceRequest, pk: int) -> HttpResponse:
    invitation = get_scoped(Invitation.objects.all(), request.workspace, pk=pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"Revoked the invitation of {invitation.email}.")
    return redirect("people", ws=request.workspace.slug)


@workspace_view(Role.ADMIN)
def membership_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    membership = get_scoped(Membership.objects.select_related("user"), request.workspace, pk=pk)
    form = MembershipForm(
        request.POST or None,
        workspace=request.workspace,
        initial={"role": membership.role, "departments": list(membership.departments.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {membership.user}'s role and departments.")
            return redirect("people", ws=request.workspace.slug)
    return render(request, "teams/membership_edit.html", {"membership": membership, "form": form})


@workspace_view(Role.ADMIN)
@require_POST
def membership_remove(request: WorkspaceRequest, pk: int) -> HttpResponse:
    membership = get_scoped(Membership.objects.select_related("user"), request.workspace, pk=pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed {membership.user} from the workspace.")
    return redirect("people", ws=request.workspace.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from an invitation link, creating an account if needed."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("workspace", "invited_by"), token=token
    )
    if invitation.state != "open":
        return render(
            request, "teams/invitation_accept.html", {"invitation": invitation}, status=410
        )
    form = None if request.user.is_authenticated else SignupForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        if form is not None:
            user = form.save(commit=False)
            user.email = invitation.email
            try:
                user.full_clean()
            except ValidationError as error:
                add_service_errors(form, error)
                return render(
                    request,
                    "teams/invitation_accept.html",
                    {"invitation": invitation, "form": form},
                )
            user.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        try:
            services.invitation_accept(token=token, user=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("home")
        messages.success(request, f"Welcome to {invitation.workspace}.")
        return redirect("dashboard", ws=invitation.workspace.slug)
    return render(request, "teams/invitation_accept.html", {"invitation": invitation, "form": form})
