"""The glossary pages: the list everyone in the workspace reads, and the forms that keep it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors
from core.http import paginate
from glossary import selectors, services
from glossary.forms import TermForm, TermSearchForm
from glossary.models import Term
from teams.models import Department, Role
from teams.tenancy import WorkspaceRequest, workspace_view

PER_PAGE = 25
ADD_REFUSED = "Only admins, executives and department leads add terms."


def _kept(request: WorkspaceRequest, departments: list[Department]) -> list[Department]:
    return [d for d in departments if services.may_keep(request.membership, d)]


@workspace_view(Role.MEMBER)
def glossary(request: WorkspaceRequest) -> HttpResponse:
    """The terms, searchable and filtered by department; HTMX asks for the results alone."""
    form = TermSearchForm(request.GET)
    query = form.cleaned_data if form.is_valid() else {}
    q = query.get("q", "").strip()
    departments = list(request.workspace.departments.order_by("name"))
    page = paginate(
        request,
        selectors.terms(workspace=request.workspace, q=q, department=query.get("department")),
        per_page=PER_PAGE,
    )
    for term in page:
        term.can_change = services.can_change(request.membership, term)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "department": query.get("department"),
        "departments": departments,
        "can_add": bool(_kept(request, departments)),
        "query": params.urlencode(),
        "filtered": bool(q or query.get("department")),
    }
    template = "glossary/list.html#results" if request.htmx else "glossary/list.html"
    return render(request, template, context)


def _term_form(request: WorkspaceRequest, term: Term | None = None) -> HttpResponse:
    departments = _kept(request, list(request.workspace.departments.order_by("name")))
    if not departments:
        raise PermissionDenied(ADD_REFUSED)
    initial = TermForm.initial_for(term) if term else None
    form = TermForm(request.POST or None, departments=departments, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if term is None:
                    term = services.term_create(membership=request.membership, **form.cleaned_data)
                else:
                    services.term_update(
                        membership=request.membership, entry=term, **form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved “{term}”. It is marked wherever it appears.")
                return redirect("glossary", ws=request.workspace.slug)
    return render(request, "glossary/form.html", {"form": form, "term": term}, status=status)


@workspace_view(Role.LEAD)
def term_create(request: WorkspaceRequest) -> HttpResponse:
    return _term_form(request)


def _changeable(request: WorkspaceRequest, pk: int) -> Term:
    term = selectors.term_get(membership=request.membership, pk=pk)
    if not services.can_change(request.membership, term):
        raise PermissionDenied(services.REFUSED)
    return term


@workspace_view(Role.LEAD)
def term_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _term_form(request, _changeable(request, pk))


@workspace_view(Role.LEAD)
def term_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """A page that asks first; the POST from it deletes."""
    term = _changeable(request, pk)
    if request.method == "POST":
        services.term_delete(membership=request.membership, entry=term)
        messages.success(request, f"Removed “{term}” from the glossary.")
        return redirect("glossary", ws=request.workspace.slug)
    return render(request, "glossary/delete.html", {"term": term})
