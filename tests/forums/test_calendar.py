"""The forums' calendars (forums.calendar): each feed is parsed back with icalendar and expanded
with recurring-ical-events, as a calendar app would read it."""

import datetime as dt
import zoneinfo

import pytest
import recurring_ical_events
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from core.models import AuditEvent
from forums.calendar import calendar_feed_get_or_create, calendar_feed_rotate
from forums.models import CalendarFeed, Forum, Meeting, new_feed_key
from forums.services import forum_create, forum_update, meetings_plan
from teams.models import Membership
from tests.factories import member

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
HOUR = dt.timedelta(hours=1)


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=dt.UTC)


# The council meets on the first Monday of the month at 10:00 in Berlin: 09:00 UTC in winter,
# 08:00 UTC once the clocks go forward on 28 March 2027.
COUNCIL = [utc(2, 1, 9), utc(3, 1, 9), utc(4, 5, 8), utc(5, 3, 8)]
FROM, UNTIL = utc(1, 15, 0), utc(5, 31, 0)


def make_forum(acme, name: str, departments, *, zone: str = "Europe/Berlin", **fields) -> Forum:
    """A forum from 1 February 2027, 10:00 local, facilitated by claire unless said."""
    fields.setdefault("facilitator", acme.claire)
    forum = forum_create(
        membership=member(acme.ada),
        name=name,
        departments=departments,
        first_date=dt.date(2027, 2, 1),
        start_time=dt.time(10),
        timezone_name=zone,
        **fields,
    )
    # The service plans from today on: this gives the meetings from February 2027 whatever day
    # the suite runs.
    meetings_plan(forum=forum, after=utc(1, 1, 0))
    return forum


@pytest.fixture
def council(acme) -> Forum:
    """Monthly (first Monday), product's forum; gus is its guest."""
    return make_forum(
        acme,
        "Product council",
        [acme.product],
        guests=[acme.gus],
        purpose="Decide what ships next.",
        cadence=Forum.Cadence.MONTHLY_WEEKDAY,
    )


@pytest.fixture
def many_forums(acme, council, globex, oscar) -> None:
    """Beside the council: sales (facilitated by leo, in New York), operations (led by mia),
    marketing, and a forum of globex."""
    acme.operations.lead = acme.mia
    acme.operations.save()
    make_forum(acme, "Sales sync", [acme.sales], facilitator=acme.leo, zone="America/New_York")
    make_forum(acme, "Ops review", [acme.operations])
    make_forum(acme, "Brand board", [acme.marketing])
    forum_create(
        membership=member(oscar),
        name="Globex board",
        departments=[globex.departments.first()],
        facilitator=oscar,
        first_date=dt.date(2027, 2, 1),
        start_time=dt.time(10),
    )


def forum_feed_url(forum: Forum) -> str:
    return reverse("forum_feed", kwargs={"key": forum.feed_key})


def person_feed_url(acme, user) -> str:
    feed = calendar_feed_get_or_create(workspace=acme.workspace, user=user)
    return reverse("person_feed", kwargs={"key": feed.key})


def fetch(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def expand(calendar: Calendar) -> list[Event]:
    """The meetings a calendar app shows from mid-January to the end of May 2027."""
    return sorted(recurring_ical_events.of(calendar).between(FROM, UNTIL), key=lambda e: e.start)


def starts(calendar: Calendar) -> list[dt.datetime]:
    return [event.start for event in expand(calendar)]


def series(calendar: Calendar) -> Event:
    (master,) = [event for event in calendar.events if "RRULE" in event]
    return master


def page(path: str) -> str:
    return f"{settings.SITE_URL}/w/acme/{path}"


def assert_timezones_complete(calendar: Calendar) -> None:
    """A VTIMEZONE for every TZID used, and none other."""
    assert calendar.get_used_tzids()
    assert calendar.get_missing_tzids() == set()
    assert {tz.tz_name for tz in calendar.timezones} == calendar.get_used_tzids()


# --- A forum's feed ----------------------------------------------------------------------------


def test_forum_feed_is_one_series_at_local_time_across_daylight_saving(client, council):
    calendar = fetch(client, forum_feed_url(council))

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Alignment//Forums//EN"
    assert calendar.refresh_interval == HOUR
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"
    assert starts(calendar) == COUNCIL
    assert {start.astimezone(BERLIN).time() for start in starts(calendar)} == {dt.time(10)}
    (master,) = calendar.events
    assert master["UID"] == council.ical_uid
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master.start == COUNCIL[0]
    assert master["RRULE"].to_ical().decode() == council.rrule == "FREQ=MONTHLY;BYDAY=1MO"
    assert master.duration == HOUR
    assert master["SUMMARY"] == "Product council"
    assert master["DESCRIPTION"] == "Decide what ships next."
    assert master["URL"] == page(f"forums/{council.pk}/")
    assert calendar.get_used_tzids() == {"Europe/Berlin"}
    assert_timezones_complete(calendar)


def test_an_edit_keeps_the_uid_and_moves_sequence_and_last_modified(client, acme, council):
    Forum.objects.filter(pk=council.pk).update(updated_at=timezone.now() - HOUR)
    before = series(fetch(client, forum_feed_url(council)))

    forum_update(
        membership=member(acme.ada),
        forum=council,
        departments=[acme.product],
        guests=[acme.gus],
        start_time=dt.time(11),
        from_date=dt.date(2027, 1, 1),
    )

    calendar = fetch(client, forum_feed_url(council))
    after = series(calendar)
    assert after["UID"] == before["UID"] == council.ical_uid
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert starts(calendar) == [start + HOUR for start in COUNCIL]


def test_a_cancelled_meeting_disappears_and_a_moved_one_shows_at_its_new_time(client, council):
    meetings = council.meetings.filter(occurrence__in=COUNCIL)
    meetings.filter(occurrence=COUNCIL[1]).update(status=Meeting.Status.CANCELLED, sequence=1)
    moved = meetings.get(occurrence=COUNCIL[2])
    meetings.filter(pk=moved.pk).update(starts_at=utc(4, 6, 12), sequence=2)
    longer = meetings.get(occurrence=COUNCIL[3])
    meetings.filter(pk=longer.pk).update(duration_minutes=90, sequence=1)

    calendar = fetch(client, forum_feed_url(council))

    events = expand(calendar)
    assert [event.start for event in events] == [COUNCIL[0], utc(4, 6, 12), COUNCIL[3]]
    assert [event.duration for event in events] == [HOUR, HOUR, 1.5 * HOUR]
    overrides = {event["RECURRENCE-ID"].dt: event for event in calendar.events[1:]}
    assert set(overrides) == {COUNCIL[2], COUNCIL[3]}
    override = overrides[COUNCIL[2]]
    assert override["UID"] == council.ical_uid
    assert override["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert override["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert override["SEQUENCE"] == 2
    assert override["URL"] == page(f"meetings/{moved.pk}/")
    # The cancellation is an excluded date of the series.
    assert [when.dt for when in series(calendar)["EXDATE"].dts] == [COUNCIL[1]]


def test_meetings_the_changed_rule_no_longer_gives_are_events_of_their_own(client, acme, council):
    forum_update(
        membership=member(acme.ada),
        forum=council,
        departments=[acme.product],
        guests=[acme.gus],
        start_time=dt.time(11),
        from_date=dt.date(2027, 4, 1),
    )

    calendar = fetch(client, forum_feed_url(council))

    # February and March stay at 10:00; the new rule's 11:00 does not reach back before April.
    assert starts(calendar) == [COUNCIL[0], COUNCIL[1], COUNCIL[2] + HOUR, COUNCIL[3] + HOUR]
    kept = council.meetings.filter(occurrence__in=COUNCIL[:2])
    own = [event for event in calendar.events if "RRULE" not in event]
    assert {event["UID"] for event in own} == {f"{m.pk}-{council.ical_uid}" for m in kept}
    assert all("RECURRENCE-ID" not in event for event in own)


# --- A person's feed ---------------------------------------------------------------------------

EVERY_FORUM = {"Product council", "Sales sync", "Ops review", "Brand board"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ada", EVERY_FORUM),
        ("claire", EVERY_FORUM),
        # Belongs to and leads product; facilitates sales.
        ("leo", {"Product council", "Sales sync"}),
        # Belongs to sales; leads operations.
        ("mia", {"Sales sync", "Ops review"}),
        ("gus", {"Product council"}),
    ],
)
@pytest.mark.usefixtures("many_forums")
def test_person_feed_lists_only_the_forums_they_may_attend(client, acme, persona, expected):
    calendar = fetch(client, person_feed_url(acme, getattr(acme, persona)))

    assert {event["SUMMARY"] for event in calendar.events} == expected
    assert_timezones_complete(calendar)


@pytest.mark.usefixtures("many_forums")
def test_person_feed_holds_each_series_in_its_own_timezone(client, acme):
    calendar = fetch(client, person_feed_url(acme, acme.leo))

    assert calendar.get_used_tzids() == {"Europe/Berlin", "America/New_York"}
    assert_timezones_complete(calendar)
    by_forum: dict[str, list[dt.datetime]] = {}
    for event in expand(calendar):
        by_forum.setdefault(event["SUMMARY"], []).append(event.start)
    assert by_forum["Product council"] == COUNCIL
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert {start.astimezone(new_york).time() for start in by_forum["Sales sync"]} == {dt.time(10)}


def test_revoking_the_feed_url_makes_the_old_one_404(as_user, acme, council):
    client = as_user(acme.mia)
    settings_url = reverse("calendar_settings", kwargs={"ws": "acme"})
    response = client.get(settings_url)
    assert response.status_code == 200
    old_url = reverse("person_feed", kwargs={"key": CalendarFeed.objects.get(user=acme.mia).key})
    assert f'value="{settings.SITE_URL}{old_url}"' in response.content.decode()
    assert client.get(old_url).status_code == 200

    response = client.post(reverse("calendar_revoke", kwargs={"ws": "acme"}))

    assert response.status_code == 302
    assert response["Location"] == settings_url
    feed = CalendarFeed.objects.get(user=acme.mia)
    new_url = reverse("person_feed", kwargs={"key": feed.key})
    assert new_url != old_url
    assert new_url in client.get(settings_url).content.decode()
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    assert AuditEvent.objects.filter(
        verb="revoked", target_type="calendarfeed", target_id=feed.pk, actor=acme.mia
    ).exists()


def test_rotate_gives_a_new_key_each_time(acme):
    first = calendar_feed_get_or_create(workspace=acme.workspace, user=acme.leo)
    rotated = calendar_feed_rotate(workspace=acme.workspace, user=acme.leo)

    assert rotated.pk == first.pk
    assert rotated.key != first.key
    assert calendar_feed_get_or_create(workspace=acme.workspace, user=acme.leo).key == rotated.key


def test_unknown_or_stale_keys_answer_404(client, acme, council):
    old_forum_url = forum_feed_url(council)
    Forum.objects.filter(pk=council.pk).update(feed_key=new_feed_key())
    leaver_url = person_feed_url(acme, acme.mia)
    Membership.objects.filter(user=acme.mia).delete()

    assert client.get(old_forum_url).status_code == 404
    assert client.get(leaver_url).status_code == 404
    assert client.get(reverse("forum_feed", kwargs={"key": "unknown"})).status_code == 404
    assert client.get(reverse("person_feed", kwargs={"key": "unknown"})).status_code == 404


def test_only_people_of_the_workspace_get_a_feed(acme, oscar):
    with pytest.raises(PermissionDenied, match="people of a workspace"):
        calendar_feed_get_or_create(workspace=acme.workspace, user=oscar)


# --- One meeting's download --------------------------------------------------------------------


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_ics", kwargs={"ws": "acme", "pk": meeting.pk})


def test_a_member_downloads_one_meeting(as_user, acme, council):
    meeting = council.meetings.get(occurrence=COUNCIL[2])

    response = as_user(acme.mia).get(meeting_url(meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="product-council-2027-04-05.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.events
    assert event["UID"] == f"{meeting.pk}-{council.ical_uid}"
    assert event.start == COUNCIL[2]
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["URL"] == page(f"meetings/{meeting.pk}/")
    assert "RRULE" not in event
    assert "STATUS" not in event
    assert_timezones_complete(calendar)


def test_a_cancelled_meeting_downloads_as_cancelled(as_user, acme, council):
    meeting = council.meetings.get(occurrence=COUNCIL[0])
    council.meetings.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, sequence=1)

    response = as_user(acme.leo).get(meeting_url(meeting))

    (event,) = Calendar.from_ical(response.content).events
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_guest_downloads_only_meetings_of_forums_they_are_a_guest_of(as_user, acme, council):
    other = make_forum(acme, "Sales sync", [acme.sales])
    client = as_user(acme.gus)

    assert client.get(meeting_url(council.meetings.first())).status_code == 200
    assert client.get(meeting_url(other.meetings.first())).status_code == 404


def test_an_outsider_gets_404_for_a_meeting_download(as_user, oscar, council):
    assert as_user(oscar).get(meeting_url(council.meetings.first())).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_meeting_download(client, council):
    response = client.get(meeting_url(council.meetings.first()))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Query counts ------------------------------------------------------------------------------


def test_feed_query_counts_stay_constant_as_forums_and_meetings_grow(
    client, acme, council, count_queries
):
    person_url = person_feed_url(acme, acme.leo)
    forum_few = count_queries(client, forum_feed_url(council))
    person_few = count_queries(client, person_url)
    assert forum_few.count == 2, forum_few
    assert person_few.count == 4, person_few

    weekly = make_forum(acme, "Product weekly", [acme.product], cadence=Forum.Cadence.WEEKLY)
    make_forum(acme, "Sales sync", [acme.sales], facilitator=acme.leo, zone="America/New_York")
    first, second = weekly.meetings.all()[:2]
    weekly.meetings.filter(pk=first.pk).update(status=Meeting.Status.CANCELLED, sequence=1)
    weekly.meetings.filter(pk=second.pk).update(starts_at=second.starts_at + HOUR, sequence=1)

    assert weekly.meetings.count() > council.meetings.count()
    assert count_queries(client, forum_feed_url(weekly)) == forum_few
    assert count_queries(client, person_url) == person_few
