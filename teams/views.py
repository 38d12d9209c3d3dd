from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.forms import add_service_errors
from core.http import paginate
from teams import services
from teams.forms import (
    DepartmentForm,
    InvitationForm,
    LoginForm,
    MembershipForm,
    SignupForm,
    TokenForm,
    WorkspaceForm,
    WorkspaceImportForm,
)
from teams.models import ApiToken, Department, Invitation, Membership, Role
from teams.tenancy import WorkspaceRequest, get_scoped, workspace_view

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
        # A new account is saved by the service, with the membership or not at all.
        user = request.user if form is None else form.save(commit=False)
        try:
            services.invitation_accept(token=token, user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("home")
        else:
            if form is not None:
                login(request, user, backend="teams.backends.CachedModelBackend")
            messages.success(request, f"Welcome to {invitation.workspace}.")
            return redirect("dashboard", ws=invitation.workspace.slug)
    return render(request, "teams/invitation_accept.html", {"invitation": invitation, "form": form})


# --- API tokens (/account/tokens/) ------------------------------------------------------


def _token_page(request: HttpRequest, form: TokenForm, status: int = 200, **extra) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    context = {"form": form, "page": paginate(request, tokens), **extra}
    template = "account/tokens.html#token-list" if request.htmx else "account/tokens.html"
    return render(request, template, context, status=status)


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List the active tokens; a valid POST makes one and shows its key on this response only."""
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                token, key = services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Created the token “{token.name}”.")
                return _token_page(request, TokenForm(), new_key=key, new_token=token)
        return _token_page(request, form, status=400)
    return _token_page(request, form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    services.api_token_revoke(token=token, actor=request.user)
    if request.htmx:
        response = _token_page(request, TokenForm(), revoked=token)
        return trigger_client_event(response, "tokensChanged")
    messages.success(request, f"Revoked the token “{token.name}”. Requests using it now fail.")
    return redirect("api_tokens")
