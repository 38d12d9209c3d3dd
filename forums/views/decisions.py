"""The decision log (its filters, search and CSV), one decision with its history, amending and
superseding it, and a person's action items."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.csv import csv_download, export_filename
from core.forms import add_service_errors
from core.http import paginate
from core.pagecache import cached_page
from forums import outcomes, search, selectors, sources
from forums.forms import (
    ActionStatusForm,
    DecisionAmendForm,
    DecisionSearchForm,
    DecisionSupersedeByForm,
    DecisionSupersedeForm,
)
from forums.models import Decision
from forums.permissions import can_change_decision, ensure_can_change_decision
from goals.selectors.goals import workspace_periods
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

ACTIONS_SHOWN = 10
DECISIONS_PER_PAGE = 20


def _search_form(request: WorkspaceRequest) -> DecisionSearchForm:
    return DecisionSearchForm(
        request.GET,
        departments=request.workspace.departments.order_by("name"),
        periods=workspace_periods(request.workspace),
    )


@workspace_view(Role.MEMBER)
@cached_page
def decision_log(request: WorkspaceRequest) -> HttpResponse:
    """Every decision of the workspace, filtered and searched by the query string; HTMX asks
    for the results alone."""
    form = _search_form(request)
    filters = form.filters()
    decisions = selectors.decision_log(workspace=request.workspace, filters=filters)
    page = paginate(request, decisions, per_page=DECISIONS_PER_PAGE)
    sources.origins(page.object_list, request.workspace.slug)
    if filters.q:
        search.mark(page.object_list, filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": form.filtered,
        "q": filters.q,
    }
    results_only = request.htmx and request.htmx.target == "decision-results"
    template = "forums/decisions.html#results" if results_only else "forums/decisions.html"
    return render(request, template, context)


@workspace_view(Role.MEMBER)
def decision_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    """The decisions the log shows for the same query string, in its order, as CSV."""
    rows = selectors.decision_rows(
        workspace=request.workspace, filters=_search_form(request).filters()
    )
    filename = export_filename(request.workspace.slug, request.workspace.today(), "decisions")
    return csv_download(filename, selectors.DECISION_HEADER, rows)


@workspace_view(Role.MEMBER)
def decision_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """A decision: what, why, where it was made, what it replaced and what replaced it, and
    its revisions."""
    decision = selectors.decision_get(membership=request.membership, pk=pk)
    context = {
        "decision": decision,
        "can_change": can_change_decision(request.membership, decision)
        and not decision.is_superseded,
    }
    return render(request, "forums/decision.html", context)


def _changeable(request: WorkspaceRequest, pk: int) -> Decision:
    """The decision, when the person may change it (else 403)."""
    decision = selectors.decision_get(membership=request.membership, pk=pk)
    ensure_can_change_decision(request.membership, decision)
    return decision


def _superseded(request: WorkspaceRequest, decision: Decision) -> HttpResponse:
    messages.error(
        request,
        f"This decision was superseded by “{decision.superseded_by}”: change that one instead.",
    )
    return redirect("decision_detail", ws=request.workspace.slug, pk=decision.superseded_by_id)


def _changed(request: WorkspaceRequest, decision: Decision, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("decision_detail", ws=request.workspace.slug, pk=decision.pk)


@workspace_view(Role.MEMBER)
def decision_amend(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Amend a decision in place: its previous values go into its history."""
    decision = _changeable(request, pk)
    if decision.is_superseded:
        return _superseded(request, decision)
    departments = list(request.workspace.departments.order_by("name"))
    initial = {
        "title": decision.title,
        "rationale": decision.rationale,
        "review_on": decision.review_on,
        "departments": [str(d.pk) for d in decision.departments.all()],
    }
    form = DecisionAmendForm(request.POST or None, departments=departments, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcomes.decision_amend(
                    membership=request.membership, decision=decision, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _changed(
                    request, decision, "Amended; what it said before is in its history."
                )
    context = {"decision": decision, "form": form}
    return render(request, "forums/decision_amend.html", context, status=status)


def _supersede_page(
    request: WorkspaceRequest,
    decision: Decision,
    *,
    form: DecisionSupersedeForm | None = None,
    by_form: DecisionSupersedeByForm | None = None,
    status: int = 200,
) -> HttpResponse:
    departments = list(request.workspace.departments.order_by("name"))
    initial = {"departments": [str(d.pk) for d in decision.departments.all()]}
    context = {
        "decision": decision,
        "form": form or DecisionSupersedeForm(departments=departments, initial=initial),
        "by_form": by_form
        or DecisionSupersedeByForm(decisions=selectors.decision_replacements(decision)),
    }
    return render(request, "forums/decision_supersede.html", context, status=status)


@workspace_view(Role.MEMBER)
def decision_supersede(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Record a new decision that replaces this one (GET: the page, with the choice of a later
    decision already in the log instead)."""
    decision = _changeable(request, pk)
    if decision.is_superseded:
        return _superseded(request, decision)
    if request.method != "POST":
        return _supersede_page(request, decision)
    departments = list(request.workspace.departments.order_by("name"))
    form = DecisionSupersedeForm(request.POST, departments=departments)
    if form.is_valid():
        try:
            new = outcomes.decision_supersede(
                membership=request.membership, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _changed(request, new, f"Recorded; it supersedes “{decision.title}”.")
    return _supersede_page(request, decision, form=form, status=400)


@workspace_view(Role.MEMBER)
@require_POST
def decision_supersede_by(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Mark this decision superseded by a later one already in the log."""
    decision = _changeable(request, pk)
    if decision.is_superseded:
        return _superseded(request, decision)
    form = DecisionSupersedeByForm(
        request.POST, decisions=selectors.decision_replacements(decision)
    )
    if form.is_valid():
        try:
            outcomes.decision_supersede_by(
                membership=request.membership, decision=decision, by=form.cleaned_data["by"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            by = form.cleaned_data["by"]
            return _changed(request, by, f"“{decision.title}” is now superseded by this decision.")
    return _supersede_page(request, decision, by_form=form, status=400)


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
