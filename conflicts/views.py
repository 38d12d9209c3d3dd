"""The conflict register's pages: thin, each resolves the workspace, fetches through a
selector, calls a service and renders. Guests get 404 everywhere (``workspace_view``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conflicts import decisions, permissions, selectors, services
from conflicts.forms import (
    ConflictFilterForm,
    ConflictForm,
    DecideForm,
    EvidenceForm,
    FacilitatorForm,
    MoveForm,
    PositionForm,
)
from conflicts.models import Conflict, Evidence
from core.forms import add_service_errors
from core.http import paginate
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view


def _back(request: WorkspaceRequest, conflict: Conflict) -> HttpResponse:
    return redirect("conflict_detail", ws=request.workspace.slug, pk=conflict.pk)


@workspace_view(Role.MEMBER)
def conflict_list(request: WorkspaceRequest) -> HttpResponse:
    form = ConflictFilterForm(request.GET, workspace=request.workspace)
    chosen = form.cleaned_data if form.is_valid() else {}
    conflicts = selectors.conflict_list(
        workspace=request.workspace,
        status=chosen.get("status", ""),
        department=chosen.get("department"),
    )
    context = {"form": form, "page": paginate(request, conflicts, per_page=25)}
    template = "conflicts/list.html#results" if request.htmx else "conflicts/list.html"
    return render(request, template, context)


@workspace_view(Role.MEMBER)
def conflict_create(request: WorkspaceRequest) -> HttpResponse:
    form = ConflictForm(request.POST or None, membership=request.membership)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                conflict = services.conflict_raise(
                    membership=request.membership, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Raised “{conflict}”. Each side now states its position."
                )
                return _back(request, conflict)
    return render(request, "conflicts/form.html", {"form": form}, status=status)


def _detail_context(request: WorkspaceRequest, conflict: Conflict) -> dict:
    membership = request.membership
    can_run = permissions.can_run(membership, conflict)
    return {
        "conflict": conflict,
        "sides": selectors.conflict_sides(conflict=conflict, membership=membership),
        "snapshot": list(conflict.snapshot.all()) if conflict.decision_id else [],
        "steps": Conflict.STEPS,
        "can_run": can_run,
        "can_withdraw": permissions.can_withdraw(membership, conflict),
        "can_name": membership.has_role(Role.EXECUTIVE) and conflict.is_undecided,
        "moves": sorted(services.MOVES.get(conflict.status, set()) - {Conflict.Status.WITHDRAWN}),
        "evidence_form": EvidenceForm(workspace=request.workspace),
        "facilitator_form": FacilitatorForm(
            workspace=request.workspace,
            initial={"facilitator": conflict.facilitator_id},
        ),
    }


@workspace_view(Role.MEMBER)
def conflict_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    return render(request, "conflicts/detail.html", _detail_context(request, conflict))


@workspace_view(Role.MEMBER)
def position_edit(request: WorkspaceRequest, pk: int, department_pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    department = get_object_or_404(conflict.departments.all(), pk=department_pk)
    permissions.ensure_speaks_for(request.membership, department)
    position = conflict.positions.filter(department=department).first()
    form = PositionForm(request.POST or None, instance=position)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.position_state(
                    membership=request.membership,
                    conflict=conflict,
                    department=department,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the position of {department}.")
                return _back(request, conflict)
    context = {"form": form, "conflict": conflict, "department": department}
    return render(request, "conflicts/position_form.html", context, status=status)


def _act(request: WorkspaceRequest, conflict: Conflict, action, success: str) -> HttpResponse:
    """Run a small write; its refusal goes back to the conflict page as a message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _back(request, conflict)


@workspace_view(Role.MEMBER)
@require_POST
def evidence_add(request: WorkspaceRequest, pk: int, department_pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    position = get_object_or_404(
        conflict.positions.select_related("department"), department_id=department_pk
    )
    form = EvidenceForm(request.POST, workspace=request.workspace)
    if not form.is_valid():
        permissions.ensure_speaks_for(request.membership, position.department)
        messages.error(request, "Choose a KPI of this workspace.")
        return _back(request, conflict)
    kpi = form.cleaned_data["kpi"]
    return _act(
        request,
        conflict,
        lambda: services.evidence_add(membership=request.membership, position=position, kpi=kpi),
        f"Added {kpi} to the evidence of {position.department}.",
    )


@workspace_view(Role.MEMBER)
@require_POST
def evidence_remove(request: WorkspaceRequest, pk: int, evidence_pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    evidence = get_object_or_404(
        Evidence.objects.select_related("position__department", "position__conflict", "kpi"),
        pk=evidence_pk,
        position__conflict=conflict,
    )
    return _act(
        request,
        conflict,
        lambda: services.evidence_remove(membership=request.membership, evidence=evidence),
        f"Removed {evidence.kpi} from the evidence.",
    )


@workspace_view(Role.EXECUTIVE)
@require_POST
def facilitator_name(request: WorkspaceRequest, pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    form = FacilitatorForm(request.POST, workspace=request.workspace)
    if not form.is_valid():
        messages.error(request, "Choose a facilitator from the workspace.")
        return _back(request, conflict)
    facilitator = form.cleaned_data["facilitator"]
    return _act(
        request,
        conflict,
        lambda: services.facilitator_name(
            membership=request.membership, conflict=conflict, facilitator=facilitator
        ),
        f"{facilitator} facilitates this conflict.",
    )


@workspace_view(Role.MEMBER)
@require_POST
def conflict_move(request: WorkspaceRequest, pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        permissions.ensure_can_run(request.membership, conflict)
        messages.error(request, "Choose a status.")
        return _back(request, conflict)
    status = form.cleaned_data["status"]
    return _act(
        request,
        conflict,
        lambda: services.conflict_move(
            membership=request.membership, conflict=conflict, status=status
        ),
        f"The conflict is now {Conflict.Status(status).label.lower()}.",
    )


@workspace_view(Role.MEMBER)
def conflict_decide(request: WorkspaceRequest, pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    permissions.ensure_can_run(request.membership, conflict)
    form = DecideForm(request.POST or None, conflict=conflict)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                decisions.conflict_decide(
                    membership=request.membership,
                    conflict=conflict,
                    title=data["title"],
                    rationale=data["rationale"],
                    trade_offs=form.trade_offs(),
                    consulted=data["consulted"],
                    review_on=data["review_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Decided. Each side's lead is asked to acknowledge.")
                return _back(request, conflict)
    context = {"form": form, "conflict": conflict}
    return render(request, "conflicts/decide.html", context, status=status)


@workspace_view(Role.MEMBER)
@require_POST
def decision_acknowledge(request: WorkspaceRequest, pk: int, department_pk: int) -> HttpResponse:
    conflict = selectors.conflict_get(membership=request.membership, pk=pk)
    department = get_object_or_404(conflict.departments.all(), pk=department_pk)
    return _act(
        request,
        conflict,
        lambda: decisions.decision_acknowledge(
            membership=request.membership, conflict=conflict, department=department
        ),
        f"Acknowledged the decision for {department}.",
    )
