"""A meeting's page, run live.

The page has two parts. The record (agenda, attendance, outcomes, minutes) polls
:func:`meeting_record` every few seconds with the version it shows; the view answers 204 while
nothing changed, else the record anew, so a second participant sees what the first records
without reloading. The forms (a topic, the minutes, an item's outcome) sit outside the record,
so a poll never wipes what someone is typing. A change answers with an ``HX-Trigger:
meeting-changed`` header, and the record refreshes at once. Without JavaScript every form
posts normally and comes back to the page.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import markdown
import nh3
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.forms import add_service_errors
from core.pagecache import cached_page
from forums import outcomes, selectors, services
from forums.agenda import agenda_of
from forums.forms import (
    ActionForm,
    AskForm,
    DecisionForm,
    ItemRecordForm,
    MinutesForm,
    MoveForm,
    TopicForm,
)
from forums.models import AgendaItem, Meeting
from forums.permissions import can_run, ensure_can_run, is_participant
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

CHANGED = "meeting-changed"
POLL_SECONDS = 3


def render_minutes(text: str) -> SafeString:
    """Minutes written in Markdown, as sanitised HTML (nh3 keeps only harmless tags)."""
    return mark_safe(nh3.clean(markdown.markdown(text, extensions=["sane_lists"])))  # noqa: S308


def _record_context(request: WorkspaceRequest, meeting: Meeting) -> dict[str, Any]:
    forum = meeting.forum
    guest = request.membership.role == Role.GUEST
    agenda = agenda_of(meeting, departments=[d.pk for d in forum.departments.all()])
    decisions, actions = selectors.meeting_outcomes(meeting)
    by_item: dict[int, dict[str, list]] = {}
    for decision in decisions:
        by_item.setdefault(decision.agenda_item_id, {"decisions": [], "actions": []})[
            "decisions"
        ].append(decision)
    for action in actions:
        by_item.setdefault(action.agenda_item_id, {"decisions": [], "actions": []})[
            "actions"
        ].append(action)
    for item in agenda:
        found = by_item.get(item.topic.pk if item.topic else None, {})
        item.decisions, item.actions = found.get("decisions", []), found.get("actions", [])
    if guest:
        agenda = [item for item in agenda if item.shared_with_guests]
    total = sum(item.minutes or 0 for item in agenda)
    show_minutes = not guest or meeting.minutes_shared_with_guests
    attendance = selectors.meeting_attendance(meeting) if meeting.is_frozen else {}
    present = {user_id for user_id, here in attendance.items() if here}
    return {
        "meeting": meeting,
        "forum": forum,
        "agenda": agenda,
        "total_minutes": total,
        "over_time": total > meeting.duration_minutes,
        "minutes_html": render_minutes(meeting.minutes) if show_minutes else "",
        "people": [] if guest else selectors.meeting_people(meeting),
        "present": present,
        "can_run": can_run(request.membership, forum),
        "poll_seconds": POLL_SECONDS,
        "local_start": timezone.localtime(meeting.starts_at, forum.zone),
        # The glossary filter marks terms for members; a guest's page explains none of them.
        "glossary_workspace": None if guest else request.workspace,
    }


def _changed(request: WorkspaceRequest, meeting: Meeting, message: str) -> HttpResponse:
    if request.htmx:
        return trigger_client_event(HttpResponse(status=204), CHANGED)
    messages.success(request, message)
    return redirect("meeting_detail", ws=request.workspace.slug, pk=meeting.pk)


def _page(
    request: WorkspaceRequest, meeting: Meeting, *, status: int = 200, **forms: Form
) -> HttpResponse:
    context = _record_context(request, meeting)
    running = meeting.is_frozen and not meeting.is_locked
    context.update(
        {
            "topic_form": forms.get("topic_form") or TopicForm(auto_id="topic_%s"),
            "can_add_topic": is_participant(request.membership, meeting.forum)
            and meeting.status != Meeting.Status.CANCELLED
            and not meeting.is_locked,
            "minutes_form": forms.get("minutes_form")
            or MinutesForm(
                initial={
                    "minutes": meeting.minutes,
                    "minutes_shared_with_guests": meeting.minutes_shared_with_guests,
                },
                auto_id="minutes_%s",
            ),
            "move_form": forms.get("move_form")
            or MoveForm(
                initial={
                    "starts_at": context["local_start"].replace(tzinfo=None),
                    "duration_minutes": meeting.duration_minutes,
                },
                auto_id="move_%s",
            ),
            "running": running,
            "error": forms.get("error", ""),
        }
    )
    return render(request, "forums/meeting.html", context, status=status)


@workspace_view(Role.GUEST)
@cached_page(per_minute=True)
def meeting_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    return _page(request, meeting)


@workspace_view(Role.GUEST)
def meeting_record(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The record, for the page's poll: 204 while ``?v=`` is the current version."""
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    if request.GET.get("v") == str(meeting.version):
        return HttpResponse(status=204)
    return render(request, "forums/meeting.html#record", _record_context(request, meeting))


def _act(
    request: WorkspaceRequest,
    pk: int,
    action: Callable[[Meeting], Any],
    done: str,
    form: Form | None = None,
    form_name: str = "",
) -> HttpResponse:
    """Run a facilitator's action on the meeting; a refusal comes back on the page."""
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    if form is not None and not form.is_valid():
        return _page(request, meeting, status=400, **{form_name: form})
    try:
        action(meeting)
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            add_service_errors(form, error)
            return _page(request, meeting, status=400, **{form_name: form})
        return _page(request, meeting, status=400, error=" ".join(error.messages))
    return _changed(request, meeting, done)


def _step(service: Callable[..., Meeting], done: str) -> Callable[..., HttpResponse]:
    """The view of one of the meeting's steps (start, end, publish, cancel): a POST that calls
    ``service`` for whoever runs the meeting, and says ``done``."""

    @workspace_view(Role.MEMBER)
    @require_POST
    def view(request: WorkspaceRequest, pk: int) -> HttpResponse:
        def act(meeting: Meeting) -> None:
            service(membership=request.membership, meeting=meeting)

        return _act(request, pk, act, done)

    view.__name__ = view.__qualname__ = service.__name__
    return view


meeting_start = _step(
    services.meeting_start, "The meeting has started: its agenda is in the record."
)
meeting_end = _step(
    services.meeting_end, "The meeting has ended; the topics not discussed move on."
)
minutes_publish = _step(services.minutes_publish, "The minutes are published.")
meeting_cancel = _step(services.meeting_cancel, "This meeting is cancelled; the series goes on.")


@workspace_view(Role.MEMBER)
@require_POST
def meeting_move(request: WorkspaceRequest, pk: int) -> HttpResponse:
    form = MoveForm(request.POST, auto_id="move_%s")

    def move(meeting: Meeting) -> None:
        local = form.cleaned_data["starts_at"].replace(tzinfo=meeting.forum.zone)
        services.meeting_move(
            membership=request.membership,
            meeting=meeting,
            starts_at=local.astimezone(dt.UTC),
            duration_minutes=form.cleaned_data["duration_minutes"],
        )

    return _act(request, pk, move, "Moved this meeting.", form, "move_form")


@workspace_view(Role.MEMBER)
@require_POST
def topic_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    form = TopicForm(request.POST, auto_id="topic_%s")

    def add(meeting: Meeting) -> None:
        services.topic_add(membership=request.membership, meeting=meeting, **form.cleaned_data)

    return _act(request, pk, add, "Added your topic to the agenda.", form, "topic_form")


@workspace_view(Role.MEMBER)
@require_POST
def agenda_arrange(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The order (``order``: item keys) and time boxes (``minutes-<key>``) of the agenda; a
    ``move`` of ``<key>:up`` or ``<key>:down`` moves one item."""
    order = request.POST.getlist("order")
    move = request.POST.get("move", "")
    key, _, direction = move.rpartition(":")
    if key in order:
        at = order.index(key)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
    minutes: dict[str, int | None] = {}
    for item_key in order:
        raw = request.POST.get(f"minutes-{item_key}", "").strip()
        minutes[item_key] = int(raw) if raw.isdecimal() and raw.isascii() else None

    def arrange(meeting: Meeting) -> None:
        services.agenda_arrange(
            membership=request.membership, meeting=meeting, order=order, minutes=minutes
        )

    return _act(request, pk, arrange, "Saved the agenda's order and time boxes.")


@workspace_view(Role.MEMBER)
@require_POST
def attendance_set(request: WorkspaceRequest, pk: int) -> HttpResponse:
    present = {int(pk) for pk in request.POST.getlist("present") if pk.isdecimal()}

    def record(meeting: Meeting) -> None:
        services.attendance_record(membership=request.membership, meeting=meeting, present=present)

    return _act(request, pk, record, "Saved who attended.")


@workspace_view(Role.MEMBER)
@require_POST
def minutes_save(request: WorkspaceRequest, pk: int) -> HttpResponse:
    form = MinutesForm(request.POST, auto_id="minutes_%s")

    def save(meeting: Meeting) -> None:
        services.minutes_save(
            membership=request.membership,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"],
            shared_with_guests=form.cleaned_data["minutes_shared_with_guests"],
        )

    return _act(request, pk, save, "Saved the minutes.", form, "minutes_form")


# --- One agenda item: what was said, decided and to be done -----------------------------------


# Items whose source is a goal: an ask raised on them is for that goal.
GOAL_KINDS = (AgendaItem.Kind.GOAL_AT_RISK, AgendaItem.Kind.DIVERGENT)


def _outcome_forms(meeting: Meeting, item: AgendaItem, **forms: Form) -> dict[str, Form]:
    goal = item.source_id if item.kind in GOAL_KINDS else None
    return {
        "ask_form": forms.get("ask_form")
        or AskForm(meeting=meeting, initial={"goal": goal}, auto_id="ask_%s"),
        "record_form": forms.get("record_form") or ItemRecordForm(auto_id="record_%s"),
        "decision_form": forms.get("decision_form")
        or DecisionForm(meeting=meeting, auto_id="decision_%s"),
        "action_form": forms.get("action_form") or ActionForm(meeting=meeting, auto_id="action_%s"),
    }


def _item_panel(
    request: WorkspaceRequest, meeting: Meeting, item, *, status: int = 200, **forms: Form
) -> HttpResponse:
    if "record_form" not in forms:
        forms["record_form"] = ItemRecordForm(
            initial={"discussed": item.discussed, "notes": item.notes}, auto_id="record_%s"
        )
    context = {"meeting": meeting, "item": item, **_outcome_forms(meeting, item, **forms)}
    template = "forums/item.html#panel" if request.htmx else "forums/item.html"
    response = render(request, template, context, status=status)
    if status == 200 and request.method == "POST":
        return trigger_client_event(response, CHANGED)
    return response


@workspace_view(Role.MEMBER)
def item_detail(request: WorkspaceRequest, pk: int, item_pk: int) -> HttpResponse:
    """An agenda item's outcomes, for whoever runs the meeting."""
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    ensure_can_run(request.membership, meeting.forum)
    item = selectors.item_get(meeting=meeting, pk=item_pk)
    return _item_panel(request, meeting, item)


def _item_post(request: WorkspaceRequest, pk: int, item_pk: int, form_name: str, form_class, save):
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    item = selectors.item_get(meeting=meeting, pk=item_pk)
    kwargs = {} if form_class is ItemRecordForm else {"meeting": meeting}
    form = form_class(request.POST, auto_id=f"{form_name.split('_')[0]}_%s", **kwargs)
    if form.is_valid():
        try:
            save(item, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, "Recorded.")
                return redirect("meeting_detail", ws=request.workspace.slug, pk=meeting.pk)
            item.refresh_from_db()
            return _item_panel(request, meeting, item)
    return _item_panel(request, meeting, item, status=400, **{form_name: form})


@workspace_view(Role.MEMBER)
@require_POST
def item_record(request: WorkspaceRequest, pk: int, item_pk: int) -> HttpResponse:
    def save(item, data) -> None:
        services.item_record(membership=request.membership, item=item, **data)

    return _item_post(request, pk, item_pk, "record_form", ItemRecordForm, save)


@workspace_view(Role.MEMBER)
@require_POST
def decision_create(request: WorkspaceRequest, pk: int, item_pk: int) -> HttpResponse:
    def save(item, data) -> None:
        outcomes.decision_record(membership=request.membership, item=item, **data)

    return _item_post(request, pk, item_pk, "decision_form", DecisionForm, save)


@workspace_view(Role.MEMBER)
@require_POST
def action_create(request: WorkspaceRequest, pk: int, item_pk: int) -> HttpResponse:
    def save(item, data) -> None:
        outcomes.action_create(membership=request.membership, item=item, **data)

    return _item_post(request, pk, item_pk, "action_form", ActionForm, save)


@workspace_view(Role.MEMBER)
@require_POST
def ask_create(request: WorkspaceRequest, pk: int, item_pk: int) -> HttpResponse:
    def save(item, data) -> None:
        outcomes.ask_raise(membership=request.membership, item=item, **data)

    return _item_post(request, pk, item_pk, "ask_form", AskForm, save)
