"""Workshop pages and the live board's HTMX partials.

A change made through HTMX answers 204 with an ``HX-Trigger: workshop-changed`` header (or the
panel it came from, re-rendered), and the board fetches its new state at once; everyone else's
board sees the new version on its next one-second poll of :func:`workshop_state`. Without
JavaScript every form posts normally and is redirected back to the board.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from core.forms import add_service_errors
from core.http import paginate
from teams.models import Department, Role
from teams.tenancy import WorkspaceRequest, workspace_view
from workshops import live, selectors, services
from workshops.forms import (
    CommentForm,
    CommitForm,
    MergeForm,
    ProposalForm,
    StepForm,
    VotesForm,
    WorkshopForm,
)
from workshops.models import Proposal, Workshop

Phase = Workshop.Phase
CHANGED = "workshop-changed"


# --- Helpers ----------------------------------------------------------------------------------


def _board_url(workshop: Workshop) -> str:
    return reverse("workshop_board", kwargs={"ws": workshop.workspace.slug, "pk": workshop.pk})


def _stepper(workshop: Workshop) -> list[dict[str, Any]]:
    """The five phases, each done, current or to come, for the stepper at the top."""
    order = list(Phase)
    here = order.index(Phase(workshop.phase))
    return [
        {
            "number": index,
            "label": phase.label,
            "state": "done" if index - 1 < here else "current" if index - 1 == here else "todo",
        }
        for index, phase in enumerate(order[:-1], start=1)
    ]


def _board_context(request: HttpRequest, workshop: Workshop, roster: live.Roster) -> dict:
    proposals = selectors.board_proposals(workshop=workshop, user=request.user)
    used = sum(1 for p in proposals if p.my_vote)
    return {
        "workshop": workshop,
        "ws": workshop.workspace.slug,
        "proposals": proposals,
        "roster": roster,
        "poll_token": live.poll_token(workshop.pk, request.user.pk, request.session.session_key),
        "is_facilitator": workshop.facilitator_id == request.user.pk,
        "stepper": _stepper(workshop),
        "votes_left": workshop.votes_per_person - used,
        "vote_dots": [index < used for index in range(workshop.votes_per_person)],
        "can_act": not workshop.locked or workshop.facilitator_id == request.user.pk,
    }


def _panel_context(
    request: HttpRequest,
    workshop: Workshop,
    proposals: list[Proposal] | None = None,
    departments: list[Department] | None = None,
    **forms,
) -> dict:
    """The side panel's default content: what this person can do in this phase."""
    is_facilitator = workshop.facilitator_id == request.user.pk
    context: dict[str, Any] = {
        "workshop": workshop,
        "ws": workshop.workspace.slug,
        "is_facilitator": is_facilitator,
    }
    if workshop.phase == Phase.DRAFT:
        if departments is None:
            departments = list(selectors.workshop_departments(workshop=workshop))
        context["proposal_form"] = forms.get("proposal_form") or ProposalForm(
            departments=departments
        )
    if is_facilitator and workshop.phase in (Phase.DRAFT, Phase.REFINE, Phase.VOTE):
        context["votes_form"] = forms.get("votes_form") or VotesForm(
            initial={"votes_per_person": workshop.votes_per_person}, auto_id="id_votes_%s"
        )
    if is_facilitator and workshop.phase == Phase.COMMIT:
        if proposals is None:
            proposals = selectors.commit_choices(workshop=workshop)
        form = forms.get("commit_form") or CommitForm(
            proposals=proposals, initial={"proposals": [p.pk for p in proposals if p.step_count]}
        )
        context["commit_proposals"] = proposals
        context["commit_form"] = form
        context["commit_checked"] = {
            int(value) for value in form["proposals"].value() or [] if str(value).isdigit()
        }
    return context


def _render_board(
    request: HttpRequest, workshop: Workshop, *, status: int = 200, error: str = "", **forms
) -> HttpResponse:
    _, roster = live.snapshot(workshop.pk)
    roster = live.touch(workshop.pk, request.user.pk, roster)
    context = _board_context(request, workshop, roster)
    departments = list(selectors.workshop_departments(workshop=workshop))
    context.update(_panel_context(request, workshop, context["proposals"], departments, **forms))
    context["departments"] = departments
    context["error"] = error
    return render(request, "workshops/board.html", context, status=status)


def _changed(request: HttpRequest, workshop: Workshop, message: str) -> HttpResponse:
    """After a change: HTMX gets 204 and the board refreshes; a plain POST goes back to it."""
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), CHANGED)
    messages.success(request, message)
    return redirect(_board_url(workshop))


def _is_about_state(error: ValidationError) -> bool:
    """A refusal about the workshop's phase, lock or commit rather than about a field: shown
    above the board, since the form it came from may no longer be offered."""
    return not hasattr(error, "error_dict")


def _refused(request: HttpRequest, workshop: Workshop, error: ValidationError) -> HttpResponse:
    """A board action that was not allowed: the reason above the board, nothing written."""
    message = " ".join(error.messages)
    if request.htmx:
        response = render(request, "workshops/board.html#alert", {"error": message}, status=400)
        response["HX-Retarget"] = "#workshop-alerts"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _render_board(request, workshop, status=400, error=message)


def _panel_response(
    request: HttpRequest, template: str, context: dict, *, ok: bool
) -> HttpResponse:
    response = render(request, template, context, status=200 if ok else 400)
    return trigger_client_event(response, CHANGED) if ok else response


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
            return redirect(_board_url(workshop))
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
        return render(request, "workshops/board.html#panel", _panel_context(request, workshop))
    return _render_board(request, workshop)


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
        request, "workshops/board.html#board", _board_context(request, workshop, roster)
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
        return _refused(request, workshop, error)
    return _changed(request, workshop, f"Moved on to the {current.get_phase_display()} phase.")


@workspace_view(Role.MEMBER)
@require_POST
def workshop_lock(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    locked = request.POST.get("locked") == "true"
    try:
        services.workshop_set_lock(workshop=workshop, actor=request.user, locked=locked)
    except ValidationError as error:
        return _refused(request, workshop, error)
    return _changed(request, workshop, "Phase locked." if locked else "Phase unlocked.")


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
            if _is_about_state(error):
                return _refused(request, workshop, error)
            add_service_errors(form, error)
    if not request.htmx:
        if form.errors:
            return _render_board(request, workshop, status=400, votes_form=form)
        return _changed(request, workshop, "Votes per person saved.")
    if not form.errors:
        form = None
    return _panel_response(
        request,
        "workshops/board.html#panel",
        _panel_context(request, workshop, votes_form=form),
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
            goals = services.workshop_commit(
                workshop=workshop,
                actor=request.user,
                proposal_ids=[p.pk for p in form.cleaned_data["proposals"]],
            )
        except ValidationError as error:
            if _is_about_state(error):
                return _refused(request, workshop, error)
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
            _panel_context(request, workshop, proposals, commit_form=form),
            status=400,
        )
    return _render_board(request, workshop, status=400, commit_form=form)


# --- Proposals --------------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
@require_POST
def proposal_create(request: WorkspaceRequest, pk: int) -> HttpResponse:
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    departments = list(selectors.workshop_departments(workshop=workshop))
    form = ProposalForm(request.POST, departments=departments)
    if form.is_valid():
        try:
            proposal = services.proposal_create(
                workshop=workshop, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            if _is_about_state(error):
                return _refused(request, workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return _changed(request, workshop, f"Proposed “{proposal}”.")
            form = ProposalForm(departments=departments)
            return _panel_response(
                request,
                "workshops/board.html#proposal_form",
                {
                    "workshop": workshop,
                    "ws": workshop.workspace.slug,
                    "proposal_form": form,
                    "added": proposal,
                },
                ok=True,
            )
    if not request.htmx:
        return _render_board(request, workshop, status=400, proposal_form=form)
    return _panel_response(
        request,
        "workshops/board.html#proposal_form",
        {"workshop": workshop, "ws": workshop.workspace.slug, "proposal_form": form},
        ok=False,
    )


@workspace_view(Role.MEMBER)
@require_POST
def proposal_smart(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The SMART coach for a form being typed, before it is saved (nothing is written)."""
    workshop = selectors.workshop_get(workspace=request.workspace, user=request.user, pk=pk)
    form = ProposalForm(
        request.POST, departments=list(selectors.workshop_departments(workshop=workshop))
    )
    form.is_valid()
    data = form.cleaned_data
    draft = Proposal(
        workshop=workshop,
        title=data.get("title", ""),
        description=data.get("description", ""),
        metric=data.get("metric", ""),
        baseline=data.get("baseline"),
        target=data.get("target"),
        direction=data.get("direction") or "increase",
        due_date=data.get("due_date"),
    )
    result = selectors.proposal_smart(
        draft, workshop=workshop, owner_count=len(data.get("owner_departments") or [])
    )
    return render(request, "workshops/coach.html", {"smart": result, "detailed": True})


def _can_act(request: HttpRequest, proposal: Proposal) -> bool:
    """Whether this person may change the proposal at all (the phase decides what exactly)."""
    workshop = proposal.workshop
    return (
        proposal.status == Proposal.Status.ACTIVE
        and not workshop.is_committed
        and (not workshop.locked or workshop.facilitator_id == request.user.pk)
    )


def _proposal_context(
    request: HttpRequest, proposal: Proposal, *, lazy_lists: bool = True, **forms
) -> dict:
    """The focused proposal: its SMART coach and the forms this person can use now. The
    comments and steps lists load by themselves (``lazy_lists``) so that the panel stays
    within the partial's query budget."""
    workshop = proposal.workshop
    is_facilitator = workshop.facilitator_id == request.user.pk
    can_act = _can_act(request, proposal)
    departments = selectors.departments_with_owners(proposal=proposal)
    owners = [d for d in departments if d.is_owner]
    context: dict[str, Any] = {
        "workshop": workshop,
        "ws": workshop.workspace.slug,
        "proposal": proposal,
        "owners": owners,
        "smart": selectors.proposal_smart(proposal, workshop=workshop, owner_count=len(owners)),
        "lazy_lists": lazy_lists,
        "show_steps": workshop.phase_reached(Phase.BREAK_DOWN),
        "can_remove_steps": can_act and workshop.phase == Phase.BREAK_DOWN,
        "conflict": forms.get("conflict"),
    }
    if can_act and workshop.phase in services.EDIT_PHASES:
        context["edit_form"] = forms.get("edit_form") or ProposalForm.for_proposal(
            proposal, departments
        )
    if can_act and workshop.phase in services.DISCUSS_PHASES:
        context["comment_form"] = forms.get("comment_form") or CommentForm(proposal=proposal)
    if can_act and workshop.phase == Phase.BREAK_DOWN:
        context["step_form"] = forms.get("step_form") or StepForm(
            proposal=proposal, departments=departments
        )
    if can_act and is_facilitator and workshop.phase in services.DISCUSS_PHASES:
        context["merge_form"] = forms.get("merge_form") or MergeForm(
            proposal=proposal, targets=selectors.merge_targets(proposal=proposal)
        )
    return context


def _list_context(request: HttpRequest, proposal: Proposal) -> dict:
    workshop = proposal.workshop
    return {
        "workshop": workshop,
        "ws": workshop.workspace.slug,
        "proposal": proposal,
        "can_remove_steps": _can_act(request, proposal) and workshop.phase == Phase.BREAK_DOWN,
    }


def _comments_context(request: HttpRequest, proposal: Proposal, form=None) -> dict:
    """The discussion section: the comments and, when allowed now, a comment form."""
    context = _list_context(request, proposal)
    context["comments"] = selectors.proposal_comments(proposal=proposal)
    if _can_act(request, proposal) and proposal.workshop.phase in services.DISCUSS_PHASES:
        context["comment_form"] = form or CommentForm(proposal=proposal)
    return context


def _steps_context(request: HttpRequest, proposal: Proposal, form=None) -> dict:
    """The steps section: the department steps and, in the break-down phase, a step form."""
    context = _list_context(request, proposal)
    context["steps"] = selectors.proposal_steps(proposal=proposal)
    if context["can_remove_steps"]:
        context["step_form"] = form or StepForm(
            proposal=proposal,
            departments=list(selectors.workshop_departments(workshop=proposal.workshop)),
        )
    return context


# The two sections of the proposal panel a form posts to: their context and form name.
SECTIONS: dict[str, tuple[Callable[..., dict], str]] = {
    "comments": (_comments_context, "comment_form"),
    "steps": (_steps_context, "step_form"),
}


def _section_post(
    request: HttpRequest,
    proposal: Proposal,
    form: Form,
    save: Callable[[dict[str, Any]], str],
    *,
    section: str,
) -> HttpResponse:
    """A form posted to one section of the proposal panel (``SECTIONS``): ``save`` calls the
    service with the cleaned data and returns the success message. HTMX gets the section
    re-rendered (with the form's errors, 400); a plain POST goes back to the board, or gets the
    proposal page with the errors."""
    context, form_name = SECTIONS[section]
    template = f"workshops/proposal.html#{section}"
    if form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as error:
            if _is_about_state(error):
                return _refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return _changed(request, proposal.workshop, message)
            return _panel_response(request, template, context(request, proposal), ok=True)
    if not request.htmx:
        return _proposal_page(request, proposal, status=400, **{form_name: form})
    return _panel_response(request, template, context(request, proposal, form), ok=False)


@workspace_view(Role.MEMBER)
@require_GET
def proposal_detail(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The focused proposal: a page of its own, the side panel (HTMX), or one of the panel's
    lists (``?section=comments`` or ``steps``), each loaded by itself."""
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    section = request.GET.get("section")
    if request.htmx and section == "comments":
        context = _list_context(request, proposal)
        context["comments"] = selectors.proposal_comments(proposal=proposal)
        return render(request, "workshops/proposal.html#comment_list", context)
    if request.htmx and section == "steps":
        context = _list_context(request, proposal)
        context["steps"] = selectors.proposal_steps(proposal=proposal)
        return render(request, "workshops/proposal.html#step_list", context)
    if request.htmx:
        return render(
            request, "workshops/proposal.html#panel", _proposal_context(request, proposal)
        )
    return _proposal_page(request, proposal, status=200)


def _proposal_page(
    request: HttpRequest, proposal: Proposal, *, status: int, **forms
) -> HttpResponse:
    """The proposal as a page of its own (without JavaScript, or after a failed plain POST)."""
    context = _proposal_context(request, proposal, lazy_lists=False, **forms)
    context["comments"] = selectors.proposal_comments(proposal=proposal)
    context["steps"] = selectors.proposal_steps(proposal=proposal)
    context["full_page"] = True
    return render(request, "workshops/proposal.html", context, status=status)


@workspace_view(Role.MEMBER)
@require_POST
def proposal_edit(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Save an edit; when someone else saved first, show their text and keep this person's."""
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    departments = selectors.departments_with_owners(proposal=proposal)
    form = ProposalForm(request.POST, departments=departments, id_prefix=f"p{proposal.pk}")
    conflict = None
    if form.is_valid():
        try:
            services.proposal_update(
                proposal=proposal,
                actor=request.user,
                version=form.cleaned_data["version"] or 0,
                **form.service_fields(),
            )
        except services.StaleProposalError as stale:
            conflict = selectors.proposal_get(
                workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
            )
            conflict.owner_names = [
                d.name for d in selectors.departments_with_owners(proposal=conflict) if d.is_owner
            ]
            # Keep this person's text, now based on the version they have seen.
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = ProposalForm(data, departments=departments, id_prefix=f"p{proposal.pk}")
            form.is_valid()
            form.add_error(
                None,
                "Someone else saved this proposal while you were editing it. Their version is "
                "shown below; your text is kept in the form. Save again to replace theirs.",
            )
            proposal = conflict
        except ValidationError as error:
            if _is_about_state(error):
                return _refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return _changed(
                    request, proposal.workshop, f"Saved “{form.cleaned_data['title']}”."
                )
            fresh = selectors.proposal_get(
                workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
            )
            return _panel_response(
                request,
                "workshops/proposal.html#panel",
                _proposal_context(request, fresh) | {"saved": True},
                ok=True,
            )
    status = 409 if conflict is not None else 400
    if not request.htmx:
        return _proposal_page(request, proposal, status=status, edit_form=form, conflict=conflict)
    response = render(
        request,
        "workshops/proposal.html#panel",
        _proposal_context(request, proposal, edit_form=form, conflict=conflict),
        status=status,
    )
    return response


@workspace_view(Role.MEMBER)
@require_POST
def comment_create(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    form = CommentForm(request.POST, proposal=proposal)

    def save(data: dict[str, Any]) -> str:
        services.comment_create(proposal=proposal, actor=request.user, body=data["body"])
        return "Comment added."

    return _section_post(request, proposal, form, save, section="comments")


@workspace_view(Role.MEMBER)
@require_POST
def vote_cast(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    try:
        services.vote_cast(proposal=proposal, voter=request.user)
    except ValidationError as error:
        return _refused(request, proposal.workshop, error)
    return _changed(request, proposal.workshop, f"Voted for “{proposal}”.")


@workspace_view(Role.MEMBER)
@require_POST
def vote_withdraw(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    try:
        services.vote_withdraw(proposal=proposal, voter=request.user)
    except ValidationError as error:
        return _refused(request, proposal.workshop, error)
    return _changed(request, proposal.workshop, f"Took back your vote for “{proposal}”.")


@workspace_view(Role.MEMBER)
@require_POST
def proposal_remove(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    try:
        removed = services.proposal_remove(proposal=proposal, actor=request.user)
    except ValidationError as error:
        return _refused(request, proposal.workshop, error)
    if not request.htmx:
        return _changed(request, proposal.workshop, f"Removed “{proposal}”; the summary keeps it.")
    removed.workshop = proposal.workshop
    return _panel_response(
        request, "workshops/proposal.html#panel", _proposal_context(request, removed), ok=True
    )


@workspace_view(Role.MEMBER)
@require_POST
def proposal_merge(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    selectors.ensure_facilitator(proposal.workshop, request.user)
    form = MergeForm(
        request.POST, proposal=proposal, targets=selectors.merge_targets(proposal=proposal)
    )
    if form.is_valid():
        survivor = form.cleaned_data["into"]
        try:
            services.proposal_merge(proposal=proposal, into=survivor, actor=request.user)
        except ValidationError as error:
            if _is_about_state(error):
                return _refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return _changed(request, proposal.workshop, f"Merged into “{survivor}”.")
            merged = selectors.proposal_get(
                workspace=request.workspace, user=request.user, workshop_pk=pk, pk=survivor.pk
            )
            return _panel_response(
                request,
                "workshops/proposal.html#panel",
                _proposal_context(request, merged),
                ok=True,
            )
    if not request.htmx:
        return _proposal_page(request, proposal, status=400, merge_form=form)
    return render(
        request,
        "workshops/proposal.html#panel",
        _proposal_context(request, proposal, merge_form=form),
        status=400,
    )


# --- Steps ------------------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
@require_POST
def step_create(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    departments = list(selectors.workshop_departments(workshop=proposal.workshop))
    form = StepForm(request.POST, proposal=proposal, departments=departments)

    def save(data: dict[str, Any]) -> str:
        step = services.step_create(proposal=proposal, actor=request.user, **data)
        return f"Added the step “{step}”."

    return _section_post(request, proposal, form, save, section="steps")


@workspace_view(Role.MEMBER)
@require_POST
def step_delete(request: WorkspaceRequest, pk: int, step_pk: int) -> HttpResponse:
    step = selectors.step_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=step_pk
    )
    proposal = step.proposal
    try:
        services.step_delete(step=step, actor=request.user)
    except ValidationError as error:
        return _refused(request, proposal.workshop, error)
    if not request.htmx:
        return _changed(request, proposal.workshop, f"Removed the step “{step}”.")
    context = _list_context(request, proposal)
    context["steps"] = selectors.proposal_steps(proposal=proposal)
    return _panel_response(request, "workshops/proposal.html#step_list", context, ok=True)
