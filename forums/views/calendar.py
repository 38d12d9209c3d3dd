"""Calendar feeds (a secret URL, no sign-in), one meeting's .ics download, and the page of a
person's feed URL. The calendars themselves are built in :mod:`forums.calendar`."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from forums import calendar
from forums.models import CalendarFeed, Forum, Meeting
from forums.permissions import ensure_visible
from teams.models import Membership, Role
from teams.tenancy import WorkspaceRequest, get_scoped, workspace_view

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics(content: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return response


@require_safe
def forum_feed(request: HttpRequest, key: str) -> HttpResponse:
    """A forum's feed, for anyone with its secret URL (two queries)."""
    forum = get_object_or_404(calendar.feed_forums(Forum.objects.all()), feed_key=key)
    content = calendar.forum_calendar(forum, forum.meetings.all())
    return _ics(content, f"{slugify(forum.name) or 'forum'}.ics")


@require_safe
def person_feed(request: HttpRequest, key: str) -> HttpResponse:
    """A person's feed of one workspace: it answers 404 once its key is revoked, the person's
    account is deactivated or they left the workspace (four queries)."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("workspace", "user"), key=key, user__is_active=True
    )
    membership = get_object_or_404(Membership, workspace=feed.workspace, user=feed.user)
    forums = calendar.feed_forums(calendar.attended_forums(membership))
    content = calendar.forums_calendar(f"{feed.workspace.name} forums · {feed.user}", forums)
    return _ics(content, f"{feed.workspace.slug}-forums.ics")


@workspace_view(Role.GUEST)
@require_safe
def meeting_ics(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """One meeting as an .ics file; a guest gets only the meetings of forums they are a guest
    of (else 404)."""
    meeting = get_scoped(
        Meeting.objects.select_related("forum__workspace"), request.workspace, pk=pk
    )
    ensure_visible(request.membership, meeting.forum)
    day = meeting.starts_at.astimezone(meeting.forum.zone)
    filename = f"{slugify(meeting.forum.name) or 'meeting'}-{day:%Y-%m-%d}.ics"
    return _ics(calendar.meeting_calendar(meeting), filename, attachment=True)


@never_cache
@workspace_view(Role.GUEST)
@require_safe
def calendar_settings(request: WorkspaceRequest) -> HttpResponse:
    """The person's feed URL for this workspace, the forums it holds, and a way to revoke it."""
    feed = calendar.calendar_feed_get_or_create(workspace=request.workspace, user=request.user)
    feed_url = settings.SITE_URL + reverse("person_feed", kwargs={"key": feed.key})
    context = {
        "feed_url": feed_url,
        # webcal:// opens the subscription in the device's calendar app.
        "webcal_url": "webcal://" + feed_url.partition("://")[2],
        "forums": calendar.attended_forums(request.membership),
    }
    return render(request, "forums/calendar.html", context)


@workspace_view(Role.GUEST)
@require_POST
def calendar_revoke(request: WorkspaceRequest) -> HttpResponse:
    calendar.calendar_feed_rotate(workspace=request.workspace, user=request.user)
    messages.success(
        request,
        "Revoked your old calendar feed URL: calendars subscribed to it stop updating. "
        "Subscribe again with the new one below.",
    )
    return redirect("calendar_settings", ws=request.workspace.slug)
