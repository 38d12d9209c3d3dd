"""Forum pages: the list, setting one up, changing it, and the forum's own page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors
from core.http import paginate
from core.pagecache import cached_page
from forums import selectors, services
from forums.forms import ForumEditForm, ForumForm
from forums.permissions import can_run
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

PANEL_LIMIT = 5


@workspace_view(Role.GUEST)
def forum_list(request: WorkspaceRequest) -> HttpResponse:
    forums = selectors.forums_visible(request.membership)
    context = {
        "page": paginate(request, forums, per_page=20),
        "upcoming": selectors.upcoming_meetings(forums=forums, limit=10),
        "can_create": request.membership.has_role(Role.EXECUTIVE),
    }
    return render(request, "forums/list.html", context)


@workspace_view(Role.GUEST)
@cached_page(per_minute=True)
def forum_panel(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard's (and a guest's home page's) upcoming meetings."""
    forums = selectors.forums_visible(request.membership)
    context = {"upcoming": selectors.upcoming_meetings(forums=forums, limit=PANEL_LIMIT)}
    return render(request, "forums/panel.html", context)


@workspace_view(Role.EXECUTIVE)
def forum_create(request: WorkspaceRequest) -> HttpResponse:
    form = ForumForm(request.POST or None, workspace=request.workspace)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = form.forum_fields()
            try:
                forum = services.forum_create(
                    membership=request.membership,
                    timezone_name=fields.pop("timezone"),
                    **fields,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Set up “{forum}”: its meetings are scheduled.")
                return redirect("forum_detail", ws=request.workspace.slug, pk=forum.pk)
    return render(request, "forums/form.html", {"form": form, "forum": None}, status=status)


@workspace_view(Role.EXECUTIVE)
def forum_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    forum = selectors.forum_get(membership=request.membership, pk=pk)
    form = ForumEditForm(
        request.POST or None, workspace=request.workspace, initial=ForumForm.initial_for(forum)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = form.forum_fields()
            try:
                services.forum_update(
                    membership=request.membership,
                    forum=forum,
                    from_date=form.cleaned_data["from_date"],
                    **fields,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved “{forum}”.")
                return redirect("forum_detail", ws=request.workspace.slug, pk=forum.pk)
    return render(request, "forums/form.html", {"form": form, "forum": forum}, status=status)


@workspace_view(Role.GUEST)
def forum_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    forum = selectors.forum_get(membership=request.membership, pk=pk)
    past = request.GET.get("show") == "past"
    meetings = selectors.forum_meetings(forum=forum, upcoming=not past)
    context = {
        "forum": forum,
        "past": past,
        "page": paginate(request, meetings, per_page=12),
        "can_run": can_run(request.membership, forum),
        "can_edit": request.membership.has_role(Role.EXECUTIVE),
        "guests": list(forum.guests.order_by("first_name", "username")),
    }
    return render(request, "forums/detail.html", context)
