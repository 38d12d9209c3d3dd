"""Proposals on the board: drafting, editing, comments, votes, merges and steps."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from core.forms import add_service_errors
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view
from workshops import selectors, services
from workshops.forms import (
    CommentForm,
    MergeForm,
    ProposalForm,
    StepForm,
)
from workshops.models import Proposal
from workshops.views.common import (
    Phase,
    changed,
    is_about_state,
    panel_response,
    refused,
    render_board,
)

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
            if is_about_state(error):
                return refused(request, workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return changed(request, workshop, f"Proposed “{proposal}”.")
            form = ProposalForm(departments=departments)
            return panel_response(
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
        return render_board(request, workshop, status=400, proposal_form=form)
    return panel_response(
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
            if is_about_state(error):
                return refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return changed(request, proposal.workshop, message)
            return panel_response(request, template, context(request, proposal), ok=True)
    if not request.htmx:
        return _proposal_page(request, proposal, status=400, **{form_name: form})
    return panel_response(request, template, context(request, proposal, form), ok=False)


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
            if is_about_state(error):
                return refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return changed(request, proposal.workshop, f"Saved “{form.cleaned_data['title']}”.")
            fresh = selectors.proposal_get(
                workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
            )
            return panel_response(
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
        return refused(request, proposal.workshop, error)
    return changed(request, proposal.workshop, f"Voted for “{proposal}”.")


@workspace_view(Role.MEMBER)
@require_POST
def vote_withdraw(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    try:
        services.vote_withdraw(proposal=proposal, voter=request.user)
    except ValidationError as error:
        return refused(request, proposal.workshop, error)
    return changed(request, proposal.workshop, f"Took back your vote for “{proposal}”.")


@workspace_view(Role.MEMBER)
@require_POST
def proposal_remove(request: WorkspaceRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(
        workspace=request.workspace, user=request.user, workshop_pk=pk, pk=proposal_pk
    )
    try:
        removed = services.proposal_remove(proposal=proposal, actor=request.user)
    except ValidationError as error:
        return refused(request, proposal.workshop, error)
    if not request.htmx:
        return changed(request, proposal.workshop, f"Removed “{proposal}”; the summary keeps it.")
    removed.workshop = proposal.workshop
    return panel_response(
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
            if is_about_state(error):
                return refused(request, proposal.workshop, error)
            add_service_errors(form, error)
        else:
            if not request.htmx:
                return changed(request, proposal.workshop, f"Merged into “{survivor}”.")
            merged = selectors.proposal_get(
                workspace=request.workspace, user=request.user, workshop_pk=pk, pk=survivor.pk
            )
            return panel_response(
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
        return refused(request, proposal.workshop, error)
    if not request.htmx:
        return changed(request, proposal.workshop, f"Removed the step “{step}”.")
    context = _list_context(request, proposal)
    context["steps"] = selectors.proposal_steps(proposal=proposal)
    return panel_response(request, "workshops/proposal.html#step_list", context, ok=True)
