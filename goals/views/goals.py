"""Goal pages: the dashboard, the goal list, create and edit with the live SMART coach, the goal
detail, closing a goal, carrying goals over, the alignment tree, priorities and lessons."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, plain
from core.http import paginate
from core.models import AuditEvent
from core.pagecache import cached_page
from goals import smart
from goals.forms.goals import (
    CarryOverForm,
    ClosingForm,
    GoalFilterForm,
    GoalForm,
    PriorityMoveForm,
    PriorityOrderForm,
    WeightsForm,
)
from goals.models import Goal, Period
from goals.permissions import can_create_goals, can_edit_goal
from goals.progress import pace_status
from goals.selectors import goals as selectors
from goals.services import closing, ranking
from goals.services import goals as services
from goals.services.goals import StaleGoalError
from goals.smart_drafts import HISTORY_LENGTH, draft_for_goal, draft_from_data, kpi_history
from teams.models import Role
from teams.tenancy import WorkspaceRequest, get_scoped, workspace_view


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _priorities_url(slug: str, period: Period | None) -> str:
    url = reverse("priorities", args=[slug])
    return f"{url}?period={period.pk}" if period else url


def _period_from(request: WorkspaceRequest, periods: list[Period]) -> Period | None:
    """The period named by ``?period=``, else the current one."""
    chosen = request.GET.get("period", "")
    by_id = {str(period.pk): period for period in periods}
    if chosen in by_id:
        return by_id[chosen]
    return selectors.current_period(periods, request.workspace.today())


# --- Dashboard ---------------------------------------------------------------------------------


@workspace_view(Role.GUEST)
@cached_page
def dashboard(request: WorkspaceRequest) -> HttpResponse:
    """The workspace home: shared goals by department and status, what needs attention, wins.

    Guests see only the forums they were invited to.
    """
    if not request.membership.has_role(Role.MEMBER):
        return render(request, "goals/guest_home.html")
    workspace = request.workspace
    departments = selectors.workspace_departments(workspace)
    today = workspace.today()
    period = selectors.current_period(selectors.workspace_periods(workspace), today)
    attention = selectors.goals_needing_attention(workspace=workspace, today=today)
    selectors.attach_departments(attention)
    context = {
        "nav_departments": departments,
        "period": period,
        "today": today,
        "grid": selectors.shared_status_grid(
            workspace=workspace, period=period, departments=departments
        ),
        "attention": attention,
        "wins": selectors.recent_wins(workspace=workspace),
        "can_create": can_create_goals(request.membership),
    }
    return render(request, "goals/dashboard.html", context)


# --- Goal list ---------------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
@cached_page
def goal_list(request: WorkspaceRequest) -> HttpResponse:
    """Goals with filters in the query string; HTMX swaps only the results."""
    workspace = request.workspace
    results_only = request.htmx and request.htmx.target == "goal-results"
    departments = [] if results_only else selectors.workspace_departments(workspace)
    periods = [] if results_only else selectors.workspace_periods(workspace)
    people = [] if results_only else selectors.workspace_people(workspace)
    form = GoalFilterForm(request.GET, departments=departments, periods=periods, people=people)
    filters = form.filters()
    page = paginate(request, selectors.goal_search(workspace=workspace, filters=filters))
    selectors.attach_departments(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
        "today": workspace.today(),
        "can_create": can_create_goals(request.membership),
    }
    if results_only:
        return render(request, "goals/goal_list.html#results", context)
    context["nav_departments"] = departments
    return render(request, "goals/goal_list.html", context)


# --- Create, edit and the SMART coach ----------------------------------------------------------


@dataclass
class Conflict:
    """Someone saved the goal while this person edited it: who, and which fields differ."""

    who: str
    rows: list[tuple[str, str, str]]


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def _conflict(form: GoalForm, current: Goal) -> Conflict:
    """What the other person saved, next to what this person typed; their version adopted so
    that saving again keeps this person's values knowingly."""
    selectors.attach_departments([current])
    choices = dict(form.fields["status"].choices) | dict(Goal.Status.choices)
    theirs = {
        **GoalForm.initial_for(current),
        "owner_departments": current.owners,
        "contributing_departments": current.contributors,
        "accountable": current.accountable,
        "parent": current.parent,
        "period": current.period,
        "kpi": current.kpi,
        "baseline": current.baseline,
        "target": current.target,
        "current_value": current.current_value,
        "status": choices[current.status],
        "direction": current.get_direction_display(),
    }
    yours = {
        **form.cleaned_data,
        "status": choices.get(form.cleaned_data.get("status"), ""),
        "direction": dict(form.fields["direction"].choices).get(
            form.cleaned_data.get("direction"), ""
        ),
    }
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        mine, other = yours.get(name), theirs.get(name)
        if name.endswith("_departments"):
            differs = {d.pk for d in mine or []} != {d.pk for d in other or []}
        else:
            differs = (mine or None) != (other or None)
        if differs:
            rows.append(
                (
                    str(field.label or name.replace("_", " ").capitalize()),
                    _shown(other),
                    _shown(mine),
                )
            )
    event = (
        AuditEvent.objects.filter(target_type="goal", target_id=current.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    form.data = form.data.copy()
    form.data["version"] = str(current.version)
    who = str(event.actor) if event and event.actor else "Someone"
    return Conflict(who=who, rows=rows)


@workspace_view(Role.LEAD)
def goal_create(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    departments = selectors.workspace_departments(workspace, membership=request.membership)
    choices = selectors.goal_form_choices(workspace=workspace, departments=departments)
    parent = next((g for g in choices.parents if str(g.pk) == request.GET.get("parent")), None)
    period = selectors.current_period(choices.periods, workspace.today())
    form = GoalForm(
        request.POST or None,
        choices=choices,
        membership=request.membership,
        initial={"parent": parent.pk if parent else None, "period": period.pk if period else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goal = services.goal_create(membership=request.membership, **form.goal_fields())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Created the goal “{goal.title}”.")
                return redirect("goal_detail", ws=workspace.slug, pk=goal.pk)
        status = 400
    data = form.data if form.is_bound else {"period": str(period.pk) if period else ""}
    context = {
        "form": form,
        "smart": smart.check(draft_from_data(data, workspace=workspace, periods=choices.periods)),
        "nav_departments": departments,
    }
    return render(request, "goals/goal_form.html", context, status=status)


@workspace_view(Role.LEAD)
def goal_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Edit with the goal's ``version``: a save over someone else's is refused and shown."""
    workspace = request.workspace
    goal = selectors.goal_get(membership=request.membership, pk=pk, write=True)
    choices = selectors.goal_form_choices(
        workspace=workspace, departments=goal.departments, goal=goal
    )
    form = GoalForm(
        request.POST or None,
        choices=choices,
        membership=request.membership,
        goal=goal,
        initial=GoalForm.initial_for(goal),
    )
    form.fields["version"].required = True
    conflict, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            fields = form.goal_fields()
            try:
                services.goal_update(
                    membership=request.membership,
                    goal=goal,
                    version=form.cleaned_data["version"],
                    **fields,
                )
            except StaleGoalError as error:
                conflict, status = _conflict(form, error.current), 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, f"Saved the goal “{goal.title}”.")
                return redirect("goal_detail", ws=workspace.slug, pk=goal.pk)
        else:
            status = 400
    if form.is_bound:
        draft = draft_from_data(form.data, workspace=workspace, periods=choices.periods)
    else:
        history = kpi_history(workspace=workspace, kpi_id=goal.kpi_id)
        draft = draft_for_goal(goal, mission=workspace.mission, history=history)
    context = {
        "form": form,
        "goal": goal,
        "conflict": conflict,
        "smart": smart.check(draft),
        "nav_departments": goal.departments,
    }
    return render(request, "goals/goal_form.html", context, status=status)


@workspace_view(Role.LEAD)
@require_POST
def goal_smart_check(request: WorkspaceRequest) -> HttpResponse:
    """The live SMART coach: score the unsaved form as the person types."""
    draft = draft_from_data(request.POST, workspace=request.workspace)
    return render(request, "goals/goal_form.html#smart", {"smart": smart.check(draft)})


# --- Detail ------------------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
@cached_page
def goal_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _detail(request: WorkspaceRequest, pk: int, *, status: int = 200) -> HttpResponse:
    workspace = request.workspace
    goal = selectors.goal_get(membership=request.membership, pk=pk)
    children = selectors.goal_children(goal)
    selectors.attach_departments(children)
    measurements = selectors.kpi_measurements(goal.kpi)
    history = [m.value for m in measurements[-HISTORY_LENGTH:]]
    today = workspace.today()
    departments = goal.departments
    own = [d for d in departments if d.mine]
    can_edit = can_edit_goal(request.membership, goal.owners, own_departments=own)
    total_weight = sum(child.weight for child in children if child.status != Goal.Status.DROPPED)
    for child in children:
        child.share = round(child.weight * 100 / total_weight) if total_weight else 0
    chart = None
    if goal.kpi:
        chart = {
            "name": goal.kpi.name,
            "unit": goal.kpi.unit,
            "labels": [m.date.isoformat() for m in measurements],
            "values": [float(m.value) for m in measurements],
            "target": _number(goal.target),
            "baseline": _number(goal.baseline),
            "green": _number(goal.kpi.green_threshold),
            "red": _number(goal.kpi.red_threshold),
        }
    context = {
        "goal": goal,
        "chain": selectors.goal_parent_chain(goal),
        "children": children,
        "checkins": selectors.goal_checkins(goal),
        "activity": selectors.goal_activity(goal),
        "chart": chart,
        "pace": pace_status(
            progress=goal.progress, start_date=goal.start_date, due_date=goal.due_date, today=today
        ),
        "today": today,
        "smart": smart.check(draft_for_goal(goal, mission=workspace.mission, history=history)),
        "can_edit": can_edit,
        # Who logs its check-ins (checkins.selectors.checkin_goal_get), for its empty list.
        "can_check_in": goal.status != Goal.Status.DRAFT
        and not goal.is_closed
        and (request.membership.has_role(Role.ADMIN) or any(d.mine for d in goal.owners)),
        "can_create": can_create_goals(request.membership),
        "can_weigh": can_edit and bool(children),
        "nav_departments": departments,
    }
    return render(request, "goals/goal_detail.html", context, status=status)


@workspace_view(Role.LEAD)
@require_POST
def goal_weights(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Adjust how much each step carries of the goal's progress."""
    goal = selectors.goal_get(membership=request.membership, pk=pk, write=True)
    form = WeightsForm(request.POST, children=selectors.goal_children(goal))
    if form.is_valid():
        try:
            ranking.goal_weights_set(
                membership=request.membership, goal=goal, weights=form.weights()
            )
        except ValidationError as error:
            messages.error(request, f"{' '.join(error.messages)} Nothing was saved.")
        else:
            messages.success(request, "Saved the weights of the steps.")
            return redirect("goal_detail", ws=request.workspace.slug, pk=goal.pk)
    else:
        messages.error(request, "Each weight is a whole number from 1 to 100. Nothing was saved.")
    return _detail(request, pk, status=400)


# --- Closing and carrying over -----------------------------------------------------------------


@workspace_view(Role.LEAD)
def goal_close(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Achieved or missed, with the retrospective; an achieved shared goal posts a win."""
    goal = selectors.goal_get(membership=request.membership, pk=pk, write=True)
    form = ClosingForm(
        request.POST or None,
        initial={
            "version": goal.version,
            "status": Goal.Status.ACHIEVED if goal.progress >= 100 else None,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                closing.goal_close(membership=request.membership, goal=goal, **form.cleaned_data)
            except StaleGoalError as error:
                form.add_error(
                    None,
                    "Someone changed this goal while you were writing. Nothing was saved: "
                    f"it is now “{error.current.get_status_display()}”. Check it, then close "
                    "it again.",
                )
                form.data = form.data.copy()
                form.data["version"] = str(error.current.version)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                shared_win = goal.status == Goal.Status.ACHIEVED and len(goal.owners) >= 2
                won = " and posted a win to the workspace feed" if shared_win else ""
                messages.success(
                    request, f"Closed “{goal.title}” as {goal.get_status_display().lower()}{won}."
                )
                return redirect("goal_detail", ws=request.workspace.slug, pk=goal.pk)
    return render(request, "goals/goal_close.html", {"goal": goal, "form": form}, status=status)


@workspace_view(Role.LEAD)
def goal_carry_over(request: WorkspaceRequest) -> HttpResponse:
    """Carry unfinished goals into another period: chosen on the list, or all of a period."""
    workspace = request.workspace
    source = request.POST if request.method == "POST" else request.GET
    periods = selectors.workspace_periods(workspace)
    from_period = next((p for p in periods if str(p.pk) == source.get("from_period")), None)
    candidates = selectors.goal_list(workspace=workspace).filter(selectors.OPEN)
    if from_period is not None and request.method == "GET":
        candidates = candidates.filter(period=from_period)
    else:
        ids = [value for value in source.getlist("goals") if value.isdigit()]
        candidates = candidates.filter(pk__in=ids)
    candidates = list(candidates.order_by("title"))
    selectors.attach_departments(candidates)
    later = [p for p in periods if from_period is None or p.start_date > from_period.start_date]
    form = CarryOverForm(
        request.POST if request.method == "POST" else None,
        goals=candidates,
        periods=periods,
        initial={
            "goals": [str(goal.pk) for goal in candidates],
            "period": min(later, key=lambda p: p.start_date).pk if later else None,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            goals, period = form.cleaned_data["goals"], form.cleaned_data["period"]
            try:
                closing.goal_carry_over(membership=request.membership, goals=goals, period=period)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Carried {len(goals)} goal(s) over into {period}.")
                return redirect(f"{reverse('goal_list', args=[workspace.slug])}?period={period.pk}")
    context = {"form": form, "candidates": candidates, "from_period": from_period}
    return render(request, "goals/goal_carry_over.html", context, status=status)


# --- Alignment tree, priorities, lessons -------------------------------------------------------


@workspace_view(Role.MEMBER)
def alignment_tree(request: WorkspaceRequest) -> HttpResponse:
    """Mission → shared goals → department steps, for one period; gaps flagged."""
    periods = selectors.workspace_periods(request.workspace)
    period = _period_from(request, periods)
    roots = selectors.alignment_tree(workspace=request.workspace, period=period)
    context = {
        "roots": roots,
        "periods": periods,
        "period": period,
        "can_create": can_create_goals(request.membership),
    }
    return render(request, "goals/alignment_tree.html", context)


def _priorities_page(
    request: WorkspaceRequest,
    periods: list[Period],
    period: Period | None,
    *,
    status: int = 200,
) -> HttpResponse:
    goals = (
        list(
            selectors.priority_goals(workspace=request.workspace, period=period).select_related(
                "accountable"
            )
        )
        if period
        else []
    )
    selectors.attach_departments(goals)
    context = {
        "periods": periods,
        "period": period,
        "goals": goals,
        "can_rank": request.membership.has_role(Role.EXECUTIVE),
    }
    return render(request, "goals/priorities.html", context, status=status)


def _priorities_saved(request: WorkspaceRequest, period: Period, goals: list[Goal]) -> HttpResponse:
    """The list as saved: the partial (with an HX-Trigger) for htmx, else back to the page."""
    if not request.htmx:
        messages.success(request, "Saved the new order.")
        return redirect(_priorities_url(request.workspace.slug, period))
    selectors.attach_departments(goals)
    context = {
        "period": period,
        "goals": goals,
        "can_rank": True,
    }
    response = render(request, "goals/priorities.html#ranked", context)
    response["HX-Trigger"] = "priorities-changed"
    return response


def _priorities_refused(
    request: WorkspaceRequest, error: ValidationError, period: Period | None
) -> HttpResponse:
    """The list changed under the person: say so, nothing saved, and show it as it is now
    (htmx reloads the page: it does not swap error responses)."""
    messages.error(request, f"{' '.join(error.messages)} Nothing was saved.")
    if request.htmx:
        return HttpResponse(status=409, headers={"HX-Refresh": "true"})
    periods = selectors.workspace_periods(request.workspace)
    return _priorities_page(request, periods, period, status=409)


@workspace_view(Role.MEMBER)
def priorities(request: WorkspaceRequest) -> HttpResponse:
    """One ranked list of shared goals per period; executives reorder it (POST ``order``,
    the whole list as dragged)."""
    workspace = request.workspace
    if request.method != "POST":
        periods = selectors.workspace_periods(workspace)
        return _priorities_page(request, periods, _period_from(request, periods))
    if not request.membership.has_role(Role.EXECUTIVE):
        raise PermissionDenied("Only executives and admins rank the priorities.")
    form = PriorityOrderForm(request.POST)
    if not form.is_valid():
        return HttpResponse(" ".join(form.non_field_errors()) or "Choose a period.", status=400)
    period = get_scoped(Period.objects.all(), workspace, pk=form.cleaned_data["period"])
    try:
        goals = ranking.priorities_set(
            membership=request.membership,
            period=period,
            ordered_ids=form.cleaned_data["order"],
        )
    except ValidationError as error:
        return _priorities_refused(request, error, period)
    return _priorities_saved(request, period, goals)


@workspace_view(Role.EXECUTIVE)
@require_POST
def priority_move(request: WorkspaceRequest) -> HttpResponse:
    """The up and down buttons: move one goal a place and save at once."""
    workspace = request.workspace
    form = PriorityMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say which goal moves, and up or down.", status=400)
    goal_id = form.cleaned_data["goal"]
    offset = -1 if form.cleaned_data["direction"] == "up" else 1
    try:
        goals = ranking.priority_move(membership=request.membership, goal_id=goal_id, offset=offset)
    except ValidationError as error:
        goal = get_scoped(Goal.objects.select_related("period"), workspace, pk=goal_id)
        return _priorities_refused(request, error, goal.period)
    return _priorities_saved(request, goals[0].period, goals)


@workspace_view(Role.MEMBER)
def retrospectives(request: WorkspaceRequest) -> HttpResponse:
    """What closed goals taught: searchable lessons."""
    q = request.GET.get("q", "").strip()[:100]
    lessons = selectors.retrospective_search(workspace=request.workspace, q=q)
    context = {
        "page": paginate(request, lessons),
        "q": q,
        "query": urlencode({"q": q}) if q else "",
    }
    if request.htmx and request.htmx.target == "lesson-results":
        return render(request, "goals/retrospectives.html#results", context)
    return render(request, "goals/retrospectives.html", context)
