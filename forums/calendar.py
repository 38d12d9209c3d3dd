"""Forums as iCalendar: a forum's feed, a person's feed, and one meeting as a file.

A forum is one VEVENT series. Its UID (``Forum.ical_uid``) never changes; its DTSTART carries the
forum's TZID, so that 10:00 stays 10:00 across a daylight-saving change, and the calendar holds
a VTIMEZONE for every TZID it uses. SEQUENCE (``Forum.sequence``, bumped when the time or the
rule changes) and LAST-MODIFIED (``Forum.updated_at``) move with its edits. The forum's
:class:`~forums.models.Meeting` rows refine the series:

* A cancelled meeting is an EXDATE of the series, not an override with STATUS:CANCELLED. A
  subscribed feed is read whole on every refresh, and every calendar app and library drops an
  excluded date, whereas a cancelled override is still shown by several of them (struck
  through, or as a plain event; recurring-ical-events' expansion keeps it too).
* A moved meeting (another start or length) is an override: the series' UID, its
  RECURRENCE-ID (``occurrence``), its own DTSTART, DURATION and SEQUENCE, a link to its page.
* A meeting whose occurrence the current rule no longer gives (the series changed from a date
  on and kept the meetings before it, see ``forum_update``) is an event of its own, with the UID
  ``<meeting id>-<series UID>``.
* An occurrence the rule gives between the forum's first and last meeting rows but that has no
  row is excluded too: those are the dates a changed rule reaches back to, before the change,
  where the old rule's meetings are the record.

Agendas are not in the feeds (guests subscribe too, and see only what is shared with them): an
event's SUMMARY is the forum's name, its DESCRIPTION the forum's purpose.
"""

import datetime as dt
import itertools
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from icalendar import Calendar, Event, vDuration, vRecur

from core.audit import audit_record
from forums import recurrence
from forums.models import CalendarFeed, Forum, Meeting, new_feed_key
from teams.models import Membership, Role, User, Workspace

PRODID = "-//Alignment//Forums//EN"
# How often calendar apps should fetch a subscription again (RFC 7986, and Outlook's X- twin).
REFRESH = dt.timedelta(hours=1)
FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)
# The meeting columns the feeds read (a meeting's minutes can be long).
FEED_COLUMNS = (
    "forum",
    "occurrence",
    "starts_at",
    "duration_minutes",
    "status",
    "sequence",
    "updated_at",
)


# --- Who is in a feed -------------------------------------------------------------------------


def attended_forums(membership: Membership) -> QuerySet[Forum]:
    """The forums whose meetings the person may attend: those they facilitate or are a guest
    of, and those of a department they belong to or lead; executives and admins, every forum of
    the workspace. A guest's are only the forums they are a guest of."""
    forums = Forum.objects.filter(workspace_id=membership.workspace_id)
    if membership.has_role(Role.EXECUTIVE):
        return forums
    user_id = membership.user_id
    invited = Q(pk__in=Forum.guests.through.objects.filter(user_id=user_id).values("forum_id"))
    if membership.role == Role.GUEST:
        return forums.filter(invited)
    of_their_departments = Forum.departments.through.objects.filter(
        Q(department__memberships=membership) | Q(department__lead_id=user_id)
    ).values("forum_id")
    return forums.filter(Q(facilitator_id=user_id) | invited | Q(pk__in=of_their_departments))


def feed_forums(forums: QuerySet[Forum]) -> QuerySet[Forum]:
    """``forums`` with what a feed reads: the workspace, and the meetings (one query more)."""
    meetings = Meeting.objects.only(*FEED_COLUMNS)
    return forums.select_related("workspace").prefetch_related(Prefetch("meetings", meetings))


# --- Calendars ---------------------------------------------------------------------------------


def forum_calendar(forum: Forum, meetings: Iterable[Meeting]) -> bytes:
    """The feed of one forum (its workspace loaded) with all its ``meetings``."""
    return _calendar(forum.name, _series(forum, list(meetings)))


def forums_calendar(name: str, forums: Iterable[Forum]) -> bytes:
    """The feed of several forums, as :func:`feed_forums` gives them."""
    return _calendar(name, [event for f in forums for event in _series(f, list(f.meetings.all()))])


def meeting_calendar(meeting: Meeting) -> bytes:
    """One meeting as a file to import (its forum and workspace loaded): an event of its own,
    with the UID a detached meeting has in the feeds, so that importing it again updates it;
    STATUS:CANCELLED when it is cancelled."""
    event = _meeting_event(meeting.forum, meeting, uid=_own_uid(meeting.forum, meeting))
    if meeting.status == Meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return _calendar(meeting.forum.name, [event])


def _calendar(name: str, events: Iterable[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.calendar_name = name
    calendar.refresh_interval = REFRESH
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _series(forum: Forum, meetings: list[Meeting]) -> list[Event]:
    """The master event of ``forum`` (when its rule gives any date), its overrides, and the
    events of its meetings the rule no longer gives (see the module's docstring)."""
    first, given = _rule_starts(forum, meetings)
    events = []
    if first is not None:
        kept = {m.occurrence for m in meetings if m.status != Meeting.Status.CANCELLED}
        events.append(_master(forum, first, excluded=sorted(given - kept)))
    for meeting in meetings:
        if meeting.status == Meeting.Status.CANCELLED:
            continue
        if meeting.occurrence not in given:
            events.append(_meeting_event(forum, meeting, uid=_own_uid(forum, meeting)))
        elif meeting.starts_at != meeting.occurrence or (
            meeting.duration_minutes != forum.duration_minutes
        ):
            override = _meeting_event(forum, meeting, uid=forum.ical_uid)
            override.add("recurrence-id", meeting.occurrence.astimezone(forum.zone))
            events.append(override)
    return events


def _rule_starts(
    forum: Forum, meetings: list[Meeting]
) -> tuple[dt.datetime | None, set[dt.datetime]]:
    """The first start the rule gives, and all it gives from the first meeting row to the last
    (UTC)."""
    day_one = dt.datetime.combine(forum.first_date, dt.time.min, tzinfo=forum.zone)
    starts = recurrence.occurrences(
        rule=forum.rrule,
        first=forum.first_date,
        start=forum.start_time,
        zone=forum.timezone,
        after=day_one.astimezone(dt.UTC),
        before=FOREVER,
    )
    first = next(starts, None)
    if first is None or not meetings:
        return first, set()
    low = min(m.occurrence for m in meetings)
    high = max(m.occurrence for m in meetings)
    span = itertools.takewhile(lambda start: start <= high, itertools.chain([first], starts))
    return first, {start for start in span if start >= low}


def _master(forum: Forum, first: dt.datetime, *, excluded: list[dt.datetime]) -> Event:
    event = _event(
        forum,
        uid=forum.ical_uid,
        start=first,
        minutes=forum.duration_minutes,
        sequence=forum.sequence,
        modified=forum.updated_at,
        url=_page("forum_detail", forum, forum.pk),
    )
    event.add("rrule", vRecur.from_ical(forum.rrule))
    if excluded:
        event.add("exdate", [start.astimezone(forum.zone) for start in excluded])
    return event


def _meeting_event(forum: Forum, meeting: Meeting, *, uid: str) -> Event:
    return _event(
        forum,
        uid=uid,
        start=meeting.starts_at,
        minutes=meeting.duration_minutes,
        sequence=meeting.sequence,
        # The event shows the forum's name and purpose too.
        modified=max(forum.updated_at, meeting.updated_at),
        url=_page("meeting_detail", forum, meeting.pk),
    )


def _event(
    forum: Forum,
    *,
    uid: str,
    start: dt.datetime,
    minutes: int,
    sequence: int,
    modified: dt.datetime,
    url: str,
) -> Event:
    event = Event()
    event.add("uid", uid)
    # Without a METHOD, DTSTAMP is when the event was last revised (RFC 5545, 3.8.7.2): the same
    # feed gives the same bytes until something changes.
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", sequence)
    event.add("dtstart", start.astimezone(forum.zone))
    event.add("duration", dt.timedelta(minutes=minutes))
    event.add("summary", forum.name)
    if forum.purpose:
        event.add("description", forum.purpose)
    event.add("url", url)
    return event


def _own_uid(forum: Forum, meeting: Meeting) -> str:
    return f"{meeting.pk}-{forum.ical_uid}"


def _page(name: str, forum: Forum, pk: int) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"ws": forum.workspace.slug, "pk": pk})


# --- The person's feed key ---------------------------------------------------------------------


def calendar_feed_get_or_create(*, workspace: Workspace, user: User) -> CalendarFeed:
    """The person's feed of ``workspace``, made on first use (members and guests only)."""
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise PermissionDenied("Only the people of a workspace have its calendar feed.")
    feed, _ = CalendarFeed.objects.get_or_create(workspace=workspace, user=user)
    return feed


@transaction.atomic
def calendar_feed_rotate(*, workspace: Workspace, user: User) -> CalendarFeed:
    """A new secret key for the person's feed: the old URL answers 404 from now on."""
    made = calendar_feed_get_or_create(workspace=workspace, user=user)
    feed = CalendarFeed.objects.select_for_update().get(pk=made.pk)
    feed.key = new_feed_key()
    feed.save(update_fields=["key"])
    audit_record(
        workspace=workspace,
        actor=user,
        verb="revoked",
        target=feed,
        summary=f"{user} revoked their calendar feed URL and got a new one",
    )
    return feed
