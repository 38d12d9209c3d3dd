"""What the workshop pages share: the board's context and its answers to a change or a refusal."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import trigger_client_event

from teams.models import Department
from workshops import live, selectors
from workshops.forms import (
    CommitForm,
    ProposalForm,
    VotesForm,
)
from workshops.models import Proposal, Workshop

Phase = Workshop.Phase
CHANGED = "workshop-changed"


def board_url(workshop: Workshop) -> str:
    return reverse("workshop_board", kwargs={"ws": workshop.workspace.slug, "pk": workshop.pk})


def stepper(workshop: Workshop) -> list[dict[str, Any]]:
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


def board_context(request: HttpRequest, workshop: Workshop, roster: live.Roster) -> dict:
    proposals = selectors.board_proposals(workshop=workshop, user=request.user)
    used = sum(1 for p in proposals if p.my_vote)
    return {
        "workshop": workshop,
        "ws": workshop.workspace.slug,
        "proposals": proposals,
        "roster": roster,
        "poll_token": live.poll_token(workshop.pk, request.user.pk, request.session.session_key),
        "is_facilitator": workshop.facilitator_id == request.user.pk,
        "stepper": stepper(workshop),
        "votes_left": workshop.votes_per_person - used,
        "vote_dots": [index < used for index in range(workshop.votes_per_person)],
        "can_act": not workshop.locked or workshop.facilitator_id == request.user.pk,
    }


def panel_context(
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


def render_board(
    request: HttpRequest, workshop: Workshop, *, status: int = 200, error: str = "", **forms
) -> HttpResponse:
    _, roster = live.snapshot(workshop.pk)
    roster = live.touch(workshop.pk, request.user.pk, roster)
    context = board_context(request, workshop, roster)
    departments = list(selectors.workshop_departments(workshop=workshop))
    context.update(panel_context(request, workshop, context["proposals"], departments, **forms))
    context["departments"] = departments
    context["error"] = error
    return render(request, "workshops/board.html", context, status=status)


def changed(request: HttpRequest, workshop: Workshop, message: str) -> HttpResponse:
    """After a change: HTMX gets 204 and the board refreshes; a plain POST goes back to it."""
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), CHANGED)
    messages.success(request, message)
    return redirect(board_url(workshop))


def is_about_state(error: ValidationError) -> bool:
    """A refusal about the workshop's phase, lock or commit rather than about a field: shown
    above the board, since the form it came from may no longer be offered."""
    return not hasattr(error, "error_dict")


def refused(request: HttpRequest, workshop: Workshop, error: ValidationError) -> HttpResponse:
    """A board action that was not allowed: the reason above the board, nothing written."""
    message = " ".join(error.messages)
    if request.htmx:
        response = render(request, "workshops/board.html#alert", {"error": message}, status=400)
        response["HX-Retarget"] = "#workshop-alerts"
        response["HX-Reswap"] = "innerHTML"
        return response
    return render_board(request, workshop, status=400, error=message)


def panel_response(request: HttpRequest, template: str, context: dict, *, ok: bool) -> HttpResponse:
    response = render(request, template, context, status=200 if ok else 400)
    return trigger_client_event(response, CHANGED) if ok else response
