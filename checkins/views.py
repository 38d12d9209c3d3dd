"""Pages for check-ins, asks, notifications and reminder settings, and the check-in CSV
exports."""

from datetime import date

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from checkins import exports, selectors
from checkins.cycles import CycleBounds, cycle_bounds
from checkins.forms import AskFormSet, AskResponseForm, CheckInForm, ReminderPreferenceForm
from checkins.links import checkin_link_read
from checkins.models import Ask, Cycle
from checkins.services.asks import AskDraft, ask_respond
from checkins.services.checkins import checkin_save
from checkins.services.notifications import notifications_mark_read, reminder_preference_save
from core.csv import csv_download, export_filename
from core.forms import add_service_errors
from core.http import paginate
from core.pagecache import cached_page
from goals.forms.goals import GoalFilterForm
from goals.models import Goal
from teams.models import Role
from teams.tenancy import WorkspaceRequest, get_scoped, workspace_view

PANEL_LIMIT = 5
ASK_STATUSES = [("", "All"), ("late", "Late"), *Ask.Status.choices]


def _bounds(request: WorkspaceRequest) -> tuple[CycleBounds, date]:
    today = request.workspace.today()
    return cycle_bounds(request.workspace.checkin_cadence, today), today


@workspace_view(Role.MEMBER)
@cached_page
def checkin_panel(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard's check-in panel: completion per department for the current cycle,
    overdue check-ins, and late or declined asks (three queries after sign-in)."""
    workspace = request.workspace
    bounds, today = _bounds(request)
    departments = list(selectors.cycle_completion(workspace=workspace, bounds=bounds))
    overdue = (
        selectors.overdue_goals(workspace=workspace, bounds=bounds, limit=PANEL_LIMIT + 1)
        if bounds.is_overdue(today)
        else []
    )
    asks = selectors.asks_needing_attention(workspace=workspace, today=today, limit=PANEL_LIMIT + 1)
    context = {
        "bounds": bounds,
        "today": today,
        "departments": departments,
        "any_owed": any(d.owed for d in departments),
        "overdue": overdue[:PANEL_LIMIT],
        "more_overdue": len(overdue) > PANEL_LIMIT,
        "asks": asks[:PANEL_LIMIT],
        "more_asks": len(asks) > PANEL_LIMIT,
    }
    return render(request, "checkins/panel.html", context)


@workspace_view(Role.MEMBER)
def my_checkins(request: WorkspaceRequest) -> HttpResponse:
    """What the person owes this cycle, what is overdue, and what they sent."""
    bounds, today = _bounds(request)
    goals = selectors.my_owed_goals(membership=request.membership, bounds=bounds)
    context = {
        "bounds": bounds,
        "today": today,
        "overdue": bounds.is_overdue(today),
        "owed": [goal for goal in goals if not goal.checked_in],
        "done": [goal for goal in goals if goal.checked_in],
        "page": paginate(
            request,
            selectors.checkins_sent(user=request.user, workspace=request.workspace),
            per_page=10,
        ),
        "asks_sent": list(
            selectors.ask_box(membership=request.membership, box="sent", status="", today=today)[
                :PANEL_LIMIT
            ]
        ),
        "is_lead": request.membership.has_role(Role.LEAD),
    }
    return render(request, "checkins/my_checkins.html", context)


def _closed_reason(goal: Goal) -> str:
    if goal.status == Goal.Status.DRAFT:
        return "This goal is still a draft: it takes check-ins once it is active."
    if goal.is_closed:
        return (
            f"This goal is closed ({goal.get_status_display().lower()}): "
            "closed goals take no more check-ins."
        )
    return ""


@workspace_view(Role.MEMBER)
def checkin_form(request: WorkspaceRequest, goal: int) -> HttpResponse:
    """Log this cycle's check-in for a goal (or correct it), with asks for other
    departments. Saving through HTMX swaps in the result and fires ``checkin-saved``."""
    membership = request.membership
    goal_obj, departments = selectors.checkin_goal_get(membership=membership, pk=goal)
    bounds, today = _bounds(request)
    closed = _closed_reason(goal_obj)
    if closed:
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "checkins/checkin_form.html#form" if request.htmx else "checkins/checkin_form.html",
            {"goal": goal_obj, "closed": closed},
            status=status,
        )
    last = selectors.checkin_last(goal_obj)
    current = last if last and last.cycle.starts_on == bounds.starts_on else None
    owners = [department for department in departments if department.owner]
    asking = next((d for d in owners if d.mine), owners[0] if owners else None)
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(
        data, goal=goal_obj, initial=CheckInForm.initial_for(goal_obj, current, last)
    )
    asks = AskFormSet(
        data,
        prefix="asks",
        form_kwargs={"departments": [d for d in departments if d != asking], "today": today},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and asks.is_valid():
            drafts = [
                AskDraft(**ask.cleaned_data)
                for ask in asks
                if ask.cleaned_data and not ask.is_blank
            ]
            try:
                checkin_save(
                    membership=membership,
                    goal=goal_obj,
                    value=form.cleaned_data["value"],
                    confidence=form.cleaned_data["confidence"],
                    moved=form.cleaned_data["moved"],
                    blockers=form.cleaned_data["blockers"],
                    next_steps=form.cleaned_data["next_steps"],
                    asks=drafts,
                    set_status=form.cleaned_data["set_status"],
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _checkin_saved(request, goal_obj.pk, bounds)
        status = 400
    context = {
        "goal": goal_obj,
        "form": form,
        "asks": asks,
        "owners": owners,
        "asking": asking,
        "current": current,
        "last": last,
        "bounds": bounds,
        "overdue": bounds.is_overdue(today),
    }
    template = "checkins/checkin_form.html#form" if request.htmx else "checkins/checkin_form.html"
    return render(request, template, context, status=status)


def _checkin_saved(request: WorkspaceRequest, goal_pk: int, bounds: CycleBounds) -> HttpResponse:
    goal = Goal.objects.get(pk=goal_pk)
    if not request.htmx:
        messages.success(
            request,
            f"Check-in saved for “{goal}”: {goal.get_status_display().lower()}, "
            f"{goal.progress}% of the way.",
        )
        return redirect("my_checkins", ws=request.workspace.slug)
    next_goal = selectors.next_owed_goal(membership=request.membership, bounds=bounds)
    response = render(
        request, "checkins/checkin_form.html#saved", {"goal": goal, "next_goal": next_goal}
    )
    return trigger_client_event(response, "checkin-saved", {"goal": goal.pk})


@workspace_view(Role.MEMBER)
def checkin_link(request: WorkspaceRequest, token: str) -> HttpResponse:
    """A reminder email's link: check it, then open the check-in form."""
    try:
        target = checkin_link_read(token)
    except signing.SignatureExpired:
        return render(request, "checkins/link_invalid.html", {"reason": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "checkins/link_invalid.html", {"reason": "tampered"}, status=400)
    goal = get_scoped(Goal.objects.only("pk", "workspace"), request.workspace, pk=target.goal_id)
    if target.user_id != request.user.pk:
        return render(request, "checkins/link_invalid.html", {"reason": "someone_else"}, status=403)
    bounds, _ = _bounds(request)
    if not Cycle.objects.filter(
        pk=target.cycle_id, workspace=request.workspace, starts_on=bounds.starts_on
    ).exists():
        messages.info(
            request, "That reminder was for an earlier cycle; this check-in is for the current one."
        )
    return redirect("checkin_form", ws=request.workspace.slug, goal=goal.pk)


def _ask_context(
    request: WorkspaceRequest, failed: AskResponseForm | None = None, failed_pk: int | None = None
) -> dict:
    """The inbox page; ``failed`` is an answer form with errors for the ask ``failed_pk``."""
    box = "sent" if request.GET.get("box") == "sent" else "received"
    status = request.GET.get("status", "")
    status = status if status in dict(ASK_STATUSES) else ""
    _, today = _bounds(request)
    asks = selectors.ask_box(membership=request.membership, box=box, status=status, today=today)
    mine = (
        None
        if request.membership.has_role(Role.ADMIN)
        else set(selectors.my_departments(request.membership).values_list("pk", flat=True))
    )
    page = paginate(request, asks, per_page=20)
    for ask in page:
        ask.answerable = (
            box == "received"
            and ask.status in Ask.UNRESOLVED
            and (mine is None or ask.to_department_id in mine)
        )
        ask.form = failed if ask.pk == failed_pk else None
    return {
        "box": box,
        "status": status,
        "statuses": ASK_STATUSES,
        "page": page,
        "today": today,
        "query": f"box={box}&status={status}",
    }


@workspace_view(Role.MEMBER)
def ask_inbox(request: WorkspaceRequest) -> HttpResponse:
    """Asks sent to the person's departments (to commit, decline or deliver), or sent by
    them (``?box=sent``)."""
    return render(request, "checkins/ask_inbox.html", _ask_context(request))


@workspace_view(Role.MEMBER)
@require_POST
def ask_respond_view(request: WorkspaceRequest, pk: int) -> HttpResponse:
    ask = selectors.ask_get(membership=request.membership, pk=pk)
    form = AskResponseForm(request.POST)
    if form.is_valid():
        try:
            ask = ask_respond(
                membership=request.membership,
                ask=ask,
                action=form.cleaned_data["action"],
                committed_on=form.cleaned_data["committed_on"],
                decline_reason=form.cleaned_data["decline_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    ok = not form.errors
    if request.htmx:
        ask = selectors.ask_box(
            membership=request.membership,
            box="received",
            status="",
            today=request.workspace.today(),
        ).get(pk=ask.pk)
        ask.answerable = ask.status in Ask.UNRESOLVED
        ask.form = None if ok else form
        response = render(
            request,
            "checkins/ask_inbox.html#ask",
            {"ask": ask, "box": "received", "today": request.workspace.today()},
            status=200 if ok else 400,
        )
        return trigger_client_event(response, "ask-answered", {"ask": ask.pk}) if ok else response
    if ok:
        messages.success(request, f"{ask.get_status_display()}: “{ask.text}”.")
        return redirect("ask_inbox", ws=request.workspace.slug)
    context = _ask_context(request, form, ask.pk)
    if not any(shown.pk == ask.pk for shown in context["page"]):
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return render(request, "checkins/ask_inbox.html", context, status=400)


def _notification_page(request: WorkspaceRequest) -> dict:
    """A page of the person's notifications and their unread count, in two queries."""
    counts = selectors.notification_counts(user=request.user, workspace=request.workspace)
    paginator = Paginator(
        selectors.notification_list(user=request.user, workspace=request.workspace), per_page=20
    )
    paginator.count = counts["total"]
    return {
        "page": paginator.get_page(request.GET.get("page")),
        "notifications_unread": counts["unread"],
    }


@workspace_view(Role.GUEST)
def notifications(request: WorkspaceRequest) -> HttpResponse:
    template = "checkins/notifications.html#list" if request.htmx else "checkins/notifications.html"
    return render(request, template, _notification_page(request))


@workspace_view(Role.MEMBER)
def notification_bell(request: WorkspaceRequest) -> HttpResponse:
    """The bell alone, which every page asks for again each minute: its unread count."""
    name = "notifications" if request.GET.get("here") else ""
    return render(request, "checkins/_bell.html", {"name": name})


@workspace_view(Role.GUEST)
def notification_open(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read."""
    notification = get_object_or_404(
        selectors.notification_list(user=request.user, workspace=request.workspace), pk=pk
    )
    notifications_mark_read(user=request.user, workspace=request.workspace, pk=notification.pk)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return HttpResponseRedirect(url)
    return redirect("notifications", ws=request.workspace.slug)


@workspace_view(Role.GUEST)
@require_POST
def notifications_mark_read_view(request: WorkspaceRequest) -> HttpResponse:
    """Mark one notification read (``notification`` in the form), or all of them."""
    raw = request.POST.get("notification", "")
    if raw and not raw.isdigit():
        messages.error(request, "That notification does not exist.")
        return redirect("notifications", ws=request.workspace.slug)
    count = notifications_mark_read(
        user=request.user, workspace=request.workspace, pk=int(raw) if raw else None
    )
    if request.htmx:
        response = render(
            request,
            "checkins/notifications.html#list",
            _notification_page(request) | {"refresh_bell": True},
        )
        return trigger_client_event(response, "notifications-read", {"count": count})
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect(reverse("notifications", kwargs={"ws": request.workspace.slug}))


@workspace_view(Role.MEMBER)
def reminder_settings(request: WorkspaceRequest) -> HttpResponse:
    preference = selectors.reminder_preference(workspace=request.workspace, user=request.user)
    data = request.POST if request.method == "POST" else None
    form = ReminderPreferenceForm(data, instance=preference)
    if request.method == "POST":
        if form.is_valid():
            reminder_preference_save(
                workspace=request.workspace,
                user=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, "Saved which reminders you get.")
            return redirect("reminder_settings", ws=request.workspace.slug)
        return render(request, "checkins/reminder_settings.html", {"form": form}, status=400)
    return render(request, "checkins/reminder_settings.html", {"form": form})


# --- CSV exports ---------------------------------------------------------------------------


@workspace_view(Role.MEMBER)
def checkin_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    """The check-ins of the goals the goal list shows for the same query string (e.g. all of a
    period's goals with ``?period=``)."""
    filters = GoalFilterForm(request.GET).filters()
    checkins = exports.workspace_checkins(workspace=request.workspace, filters=filters)
    rows = exports.checkin_rows(checkins, workspace=request.workspace)
    filename = export_filename(request.workspace.slug, request.workspace.today(), "checkins")
    return csv_download(filename, exports.CHECKIN_HEADER, rows)


@workspace_view(Role.MEMBER)
def goal_checkin_export(request: WorkspaceRequest, pk: int) -> StreamingHttpResponse:
    goal = get_scoped(Goal.objects.only("pk", "workspace_id"), request.workspace, pk=pk)
    rows = exports.checkin_rows(exports.goal_checkins(goal), workspace=request.workspace)
    workspace = request.workspace
    filename = export_filename(workspace.slug, workspace.today(), "goal", str(goal.pk), "checkins")
    return csv_download(filename, exports.CHECKIN_HEADER, rows)
