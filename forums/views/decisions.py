"""The decision log, one decision, and a person's action items."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.http import paginate
from forums import outcomes, selectors
from forums.forms import ActionStatusForm, DecisionSearchForm
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

ACTIONS_SHOWN = 10


@workspace_view(Role.MEMBER)
def decision_log(request: WorkspaceRequest) -> HttpResponse:
    """Every decision of the workspace, searchable; HTMX asks for the results alone."""
    form = DecisionSearchForm(request.GET)
    query = form.cleaned_data if form.is_valid() else {}
    decisions = selectors.decision_log(
        workspace=request.workspace,
        q=query.get("q", "").strip(),
        department=query.get("department"),
        source=query.get("source", ""),
    )
    context = {
        "form": form,
        "page": paginate(request, decisions, per_page=20),
        "departments": request.workspace.departments.order_by("name"),
        "q": query.get("q", ""),
    }
    template = "forums/decisions.html#results" if request.htmx else "forums/decisions.html"
    return render(request, template, context)


@workspace_view(Role.MEMBER)
def decision_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(membership=request.membership, pk=pk)
    return render(request, "forums/decision.html", {"decision": decision})


@workspace_view(Role.MEMBER)
def action_panel(request: WorkspaceRequest) -> HttpResponse:
    """The person's open action items, for their check-ins page ("my work")."""
    actions = selectors.my_actions(membership=request.membership)
    context = {
        "actions": list(actions[:ACTIONS_SHOWN]),
        "more": actions.count() > ACTIONS_SHOWN,
        "today": request.workspace.today(),
    }
    return render(request, "forums/action_panel.html", context)


@workspace_view(Role.MEMBER)
def my_work(request: WorkspaceRequest) -> HttpResponse:
    """All of the person's open action items."""
    actions = selectors.my_actions(membership=request.membership)
    context = {"page": paginate(request, actions, per_page=25), "today": request.workspace.today()}
    return render(request, "forums/my_work.html", context)


@workspace_view(Role.MEMBER)
@require_POST
def action_status(request: WorkspaceRequest, pk: int) -> HttpResponse:
    action = selectors.action_get(membership=request.membership, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            outcomes.action_set_status(
                membership=request.membership, action=action, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if request.htmx:
                return trigger_client_event(HttpResponse(status=204), "actions-changed")
            messages.success(request, f"Marked “{action}” {form.cleaned_data['status']}.")
    else:
        messages.error(request, "Choose open, done or dropped.")
    return redirect("my_work", ws=request.workspace.slug)
