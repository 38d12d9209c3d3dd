"""The workshop list, the board and the facilitator's controls."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from core.http import paginate
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view
from workshops import commit, live, selectors, services
from workshops.forms import (
    CommitForm,
    VotesForm,
    WorkshopForm,
)
from workshops.views.common import (
    board_context,
    board_url,
    changed,
    is_about_state,
    panel_context,
    panel_response,
    refused,
    render_board,
)

# --- Pages ------------------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
def workshop_list(request: WorkspaceRequest) -> HttpResponse:
    workshops = selectors.workshop_list(workspace=request.workspace, user=request.user)
    context = {
        "page": paginate(request, workshops, per_page=20),
        "can_start": request.membership.has_role(Role.EXECUTIVE),
    }
    return render(request, "workshops/list.html", context)


@workspace_view(Role.EXECUTIVE)
def workshop_create(request: WorkspaceRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None, workspace=request.workspace, facilitator=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                workspace=request.workspace, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"“{workshop}” is open. Share this page with the people you invited."
            )
            return redirect(board_url(workshop))
    status = 400 if request.method == "POST" else 200
    has_periods = request.workspace.periods.exists()
    return render(
        request, "workshops/form.html", {"form": form, "has_periods": has_periods}, status=status
    )


@workspace_view(Role.MEMBER)
@require_GET
def workshop_board(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The live board; ``HX-Target: panel`` asks for the side panel alone."""
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    if request.htmx and request.htmx.target == "panel":
        return render(request, "workshops/board.html#panel", panel_context(request, workshop))
    return render_board(request, workshop)


@never_cache
@require_GET
def workshop_state(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    """The poll, once a second per participant: 204 when nothing changed, else the board.

    "Nothing changed" is decided without a query, from the poll token the board carries (see
    workshops/live.py); it shows no data. Everything else, including a missing or expired
    token, goes through :func:`_state_board`.
    """
    user_id = live.token_user(
        request.GET.get("t", ""), pk, request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    )
    if user_id is not None:
        version, roster = live.snapshot(pk, fresh=request.GET.get("fresh") == "1")
        roster = live.touch(pk, user_id, roster)
        if request.GET.get("v") == str(version) and request.GET.get("p") == roster.fingerprint:
            return HttpResponse(status=204)
    return _state_board(request, ws, pk)


def _state_board(request: HttpRequest, ws: str, pk: int) -> HttpResponse:
    """The board for the poll, after the session, user and participation checks.

    The one workshop view without ``workspace_view``: :func:`selectors.workshop_for_poll`
    checks membership, role and participation within the workshop's own query, so that the
    partial stays within its query budget.
    """
    if not request.user.is_authenticated:
        if request.htmx:
            # Signed out meanwhile: reload the page, which leads to the sign-in form.
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect_to_login(request.get_full_path())
    workshop = selectors.workshop_for_poll(slug=ws, user=request.user, pk=pk)
    _, roster = live.snapshot(pk)
    roster = live.touch(pk, request.user.pk, roster)
    response = render(
        request, "workshops/board.html#board", board_context(request, workshop, roster)
    )
    response["X-Workshop-Version"] = str(workshop.version)
    return response


@workspace_view(Role.MEMBER)
def workshop_summary(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    _, roster = live.snapshot(workshop.pk)
    context = {
        "workshop": workshop,
        "ws": request.workspace.slug,
        "proposals": selectors.summary_proposals(workshop=workshop),
        "roster": roster,
    }
    return render(request, "workshops/summary.html", context)


# --- Facilitator controls ---------------------------------------------------------------------


@workspace_view(Role.MEMBER)
@require_POST
def workshop_advance(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    try:
        current = services.workshop_advance(workshop=workshop, actor=request.user)
    except ValidationError as error:
        return refused(request, workshop, error)
    return changed(request, workshop, f"Moved on to the {current.get_phase_display()} phase.")


@workspace_view(Role.MEMBER)
@require_POST
def workshop_lock(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    locked = request.POST.get("locked") == "true"
    try:
        services.workshop_set_lock(workshop=workshop, actor=request.user, locked=locked)
    except ValidationError as error:
        return refused(request, workshop, error)
    return changed(request, workshop, "Phase locked." if locked else "Phase unlocked.")


@workspace_view(Role.MEMBER)
@require_POST
def workshop_votes(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    selectors.ensure_facilitator(workshop, request.user)
    form = VotesForm(request.POST, auto_id="id_votes_%s")
    if form.is_valid():
        try:
            services.workshop_set_votes(
                workshop=workshop,
                actor=request.user,
                votes_per_person=form.cleaned_data["votes_per_person"],
            )
        except ValidationError as error:
            if is_about_state(error):
                return refused(request, workshop, error)
            add_service_errors(form, error)
    if not request.htmx:
        if form.errors:
            return render_board(request, workshop, status=400, votes_form=form)
        return changed(request, workshop, "Votes per person saved.")
    if not form.errors:
        form = None
    return panel_response(
        request,
        "workshops/board.html#panel",
        panel_context(request, workshop, votes_form=form),
        ok=form is None,
    )


@workspace_view(Role.MEMBER)
@require_POST
def workshop_commit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    selectors.ensure_facilitator(workshop, request.user)
    proposals = selectors.commit_choices(workshop=workshop)
    form = CommitForm(request.POST, proposals=proposals)
    if form.is_valid():
        try:
            goals = commit.workshop_commit(
                workshop=workshop,
                actor=request.user,
                proposal_ids=[p.pk for p in form.cleaned_data["proposals"]],
            )
        except ValidationError as error:
            if is_about_state(error):
                return refused(request, workshop, error)
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Committed {len(goals)} shared goal{'s' if len(goals) != 1 else ''}: "
                "they are in the goal list now.",
            )
            summary = reverse("workshop_summary", kwargs={"ws": request.workspace.slug, "pk": pk})
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = summary
                return response
            return redirect(summary)
    if request.htmx:
        return render(
            request,
            "workshops/board.html#panel",
            panel_context(request, workshop, proposals, commit_form=form),
            status=400,
        )
    return render_board(request, workshop, status=400, commit_form=form)
