"""The alignment-health pages: the matrix with the per-department table, the trend and the
overlaps and gaps; one pair's figures and what they rest on; the dashboard panel; and the
pulse form. Thin: the figures come from :func:`health.figures.health_figures`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from checkins.cycles import cycle_bounds
from checkins.services.cycles import cycle_current
from core.forms import add_service_errors
from core.pagecache import cached_page
from health import display, selectors
from health.figures import WINDOW, health_figures
from health.forms import PulseForm
from health.services import ensure_answers_for, pulse_answer
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

# The dashboard panel shows the matrix up to this many departments, else the weakest pairs.
PANEL_MATRIX_MAX = 8
PANEL_WEAKEST = 5


@workspace_view(Role.MEMBER)
@cached_page
def health(request: WorkspaceRequest) -> HttpResponse:
    """The matrix, the per-department table, the trend, and the overlaps and gaps."""
    figures = health_figures(workspace=request.workspace)
    asking = {pair for pair, f in figures.pairs.items() if f.asks_lately and not f.shared_goals}
    context = {
        "health": figures,
        "matrix": display.matrix(figures),
        "legend": display.legend(),
        "departments": [
            (d, figures.by_department[d.pk], display.rows(figures.by_department[d.pk]))
            for d in figures.departments
        ],
        "trend": figures.trend,
        "chart": display.trend_chart(figures),
        "overall": display.score_label(figures.overall),
        "weakest": figures.weakest(),
        "gaps": selectors.overlaps_and_gaps(
            workspace=request.workspace, departments=figures.departments, asking=asking
        ),
        "pulse_departments": selectors.pulse_departments(request.membership),
        "window": WINDOW,
    }
    return render(request, "health/health.html", context)


@workspace_view(Role.MEMBER)
@cached_page
def health_panel(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard's panel: the compact matrix and the weakest pair. Beyond
    :data:`PANEL_MATRIX_MAX` departments a matrix no longer fits half a dashboard (nor reads at
    a glance): the panel counts the pairs in each band and lists the weakest ones instead, and
    the health page keeps the whole matrix."""
    figures = health_figures(workspace=request.workspace)
    small = len(figures.departments) <= PANEL_MATRIX_MAX
    weakest = figures.weakest_pairs(1 if small else PANEL_WEAKEST)
    context = {
        "matrix": display.matrix(figures) if small else None,
        "band_counts": None if small else display.band_counts(figures),
        "legend": display.legend(),
        "weakest": weakest[0] if weakest else None,
        "weakest_pairs": None if small else weakest,
        "overall": display.score_label(figures.overall),
        "compact": True,
    }
    return render(request, "health/panel.html", context)


@workspace_view(Role.MEMBER)
def health_pair(request: WorkspaceRequest, a: int, b: int) -> HttpResponse:
    """One pair's figures and the goals, asks, conflicts and pulse answers behind them."""
    workspace, membership = request.workspace, request.membership
    first, second = selectors.pair_get(workspace=workspace, a=a, b=b)
    figures = health_figures(workspace=workspace)
    pair = figures.pair(a, b)
    cycles = figures.window
    sees_comments = membership.has_role(Role.EXECUTIVE) or membership.user_id in {
        selectors.answerer(first),
        selectors.answerer(second),
    }
    context = {
        "first": first,
        "second": second,
        "figures": pair,
        "rows": display.rows(pair),
        "summary": display.summary(pair),
        "goals": selectors.pair_goals(pair.goal_ids),
        "asks": selectors.pair_asks(
            workspace=workspace, a=first, b=second, since=cycles[-1].starts_on
        ),
        "conflicts": selectors.pair_conflicts(workspace=workspace, a=first, b=second),
        "answers": selectors.pair_pulse(
            a=first, b=second, starts=[bounds.starts_on for bounds in cycles]
        ),
        "sees_comments": sees_comments,
        "window": WINDOW,
    }
    return render(request, "health/pair.html", context)


@workspace_view(Role.MEMBER)
def health_pulse(request: WorkspaceRequest, department: int) -> HttpResponse:
    """A department's pulse for the current cycle: one question about each partner."""
    membership = request.membership
    department_obj = selectors.pulse_department_get(membership=membership, pk=department)
    ensure_answers_for(membership, department_obj)
    cycle = cycle_current(workspace=request.workspace)
    partners = list(selectors.pulse_partners(department=department_obj))
    given = selectors.pulse_given(department=department_obj, cycle=cycle)
    form = PulseForm(
        request.POST if request.method == "POST" else None,
        partners=partners,
        given=given,
        initial={"cycle": cycle.pk},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                pulse_answer(
                    membership=membership,
                    department=department_obj,
                    answers=form.drafts(),
                    cycle=form.cleaned_data["cycle"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the pulse of {department_obj} for this cycle.")
                return redirect("health", ws=request.workspace.slug)
    context = {
        "department": department_obj,
        "form": form,
        "bounds": cycle_bounds(request.workspace.checkin_cadence, cycle.starts_on),
    }
    return render(request, "health/pulse.html", context, status=status)
