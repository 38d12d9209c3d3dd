"""The forums endpoints of API v1: forums, meetings with their agendas, running a meeting,
topics; who sees what (a guest only their forums and what is shared), and bad input."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from forums import services
from forums.models import AgendaItem, Forum, Meeting
from forums.permissions import RUN_REFUSED, TOPIC_REFUSED
from tests.api.forums_helpers import BASE, make_forum, next_meeting
from tests.factories import GoalFactory, member

pytestmark = pytest.mark.django_db

FORUMS, MEETINGS = f"{BASE}forums/", f"{BASE}meetings/"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def forum(acme) -> Forum:
    """The CMO's monthly forum of marketing, sales and product; claire facilitates, gus is
    invited."""
    return make_forum(
        acme.workspace,
        name="CMO forum",
        facilitator=acme.claire,
        departments=[acme.marketing, acme.sales, acme.product],
        guests=[acme.gus],
    )


@pytest.fixture
def meeting(forum) -> Meeting:
    return next_meeting(forum)


def _url(meeting: Meeting, tail: str = "") -> str:
    return f"{MEETINGS}{meeting.pk}/{tail}"


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()


def _later(acme, days: int) -> str:
    return str(acme.workspace.today() + dt.timedelta(days=days))


# --- Forums ------------------------------------------------------------------------------------


def test_a_member_lists_every_forum_and_a_guest_only_their_own(acme, forum, api_as):
    make_forum(acme.workspace, name="Ops review", departments=[acme.operations])

    body = api_as(acme.mia).get(FORUMS).json()

    assert [row["name"] for row in body["results"]] == ["CMO forum", "Ops review"]
    row = body["results"][0]
    assert row.pop("ical_url").endswith(f"/calendar/forums/{forum.feed_key}.ics")
    assert row.pop("created_at")
    assert row.pop("updated_at")
    assert row == {
        "id": forum.pk,
        "name": "CMO forum",
        "purpose": "",
        "departments": [acme.marketing.pk, acme.product.pk, acme.sales.pk],
        "facilitator": acme.claire.pk,
        "guests": [acme.gus.pk],
        "timezone": "Europe/Berlin",
        "cadence": "monthly_weekday",
        "recurrence": forum.rrule,
        "first_date": str(forum.first_date),
        "start_time": "10:00",
        "duration_minutes": 60,
    }
    assert [row["name"] for row in api_as(acme.gus).get(FORUMS).json()["results"]] == ["CMO forum"]


def test_a_guest_gets_404_for_a_forum_they_are_not_invited_to(acme, api_as):
    other = make_forum(acme.workspace, name="Ops review")
    response = api_as(acme.gus).get(f"{FORUMS}{other.pk}/")
    assert response.status_code == 404


def test_an_executive_sets_up_a_forum_and_its_meetings_are_scheduled(acme, api_as):
    response = api_as(acme.claire).post(
        FORUMS,
        {
            "name": "  Partner review  ",
            "purpose": "With our agency.",
            "departments": [acme.marketing.pk],
            "facilitator": acme.claire.pk,
            "guests": [acme.gus.pk],
            "first_date": _later(acme, 10),
            "start_time": "14:30",
            "duration_minutes": 90,
            "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            "timezone": "America/New_York",
        },
    )

    assert response.status_code == 201, response.content
    forum = Forum.objects.get()
    body = response.json()
    assert body["id"] == forum.pk
    assert (body["name"], body["cadence"], body["recurrence"]) == (
        "Partner review",
        "custom",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
    )
    assert (body["timezone"], body["start_time"], body["guests"]) == (
        "America/New_York",
        "14:30",
        [acme.gus.pk],
    )
    assert forum.meetings.count() > 5


def test_a_forum_without_a_timezone_takes_the_workspaces(acme, api_as):
    data = {
        "name": "Sync",
        "departments": [acme.marketing.pk, acme.product.pk],
        "facilitator": acme.leo.pk,
        "first_date": _later(acme, 3),
        "start_time": "09:00",
        "cadence": "biweekly",
    }
    body = api_as(acme.claire).post(FORUMS, data).json()
    assert body["timezone"] == "Europe/Berlin"
    assert body["recurrence"].startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "may not be blank"),
        ({"departments": []}, "departments", "Choose at least one participating department."),
        ({"departments": ["marketing"]}, "departments", "not str"),
        ({"facilitator": "gus"}, "facilitator", "a member (not a guest)"),
        ({"recurrence": "FREQ=SECONDLY"}, "recurrence", "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"),
        ({"cadence": "custom"}, "recurrence", "Write the rule"),
        ({"cadence": "weekly", "recurrence": "FREQ=DAILY"}, "recurrence", "custom cadence only"),
        ({"cadence": "hourly"}, "cadence", "not a valid choice"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a known time zone"),
        ({"duration_minutes": 4}, "duration_minutes", "greater than or equal to 5"),
        ({"first_date": "1999-12-31"}, "first_date", "from 2000 to 2100"),
        ({"start_time": "25:00"}, "start_time", "Time has wrong format"),
    ],
)
def test_a_bad_forum_is_a_400_on_its_field(acme, api_as, change, field, message):
    data = {
        "name": "Sync",
        "departments": [acme.marketing.pk],
        "facilitator": acme.claire.pk,
        "first_date": _later(acme, 3),
        "start_time": "09:00",
        **change,
    }
    if change.get("facilitator") == "gus":
        data["facilitator"] = acme.gus.pk
    errors = _errors(api_as(acme.claire).post(FORUMS, data))
    assert message in " ".join(errors[field]), errors
    assert not Forum.objects.exists()


def test_people_and_departments_of_another_workspace_read_as_missing(acme, globex, api_as):
    outsider = globex.memberships.get().user
    data = {
        "name": "Sync",
        "departments": [globex.departments.first().pk],
        "facilitator": outsider.pk,
        "guests": [outsider.pk],
        "first_date": _later(acme, 3),
        "start_time": "09:00",
    }
    errors = _errors(api_as(acme.claire).post(FORUMS, data))
    assert set(errors) == {"departments", "facilitator", "guests"}
    assert all("exists in this workspace" in messages[0] for messages in errors.values())


def test_a_forum_name_is_unique_in_the_workspace(acme, forum, api_as):
    data = {
        "name": "cmo FORUM",
        "departments": [acme.marketing.pk],
        "facilitator": acme.claire.pk,
        "first_date": _later(acme, 3),
        "start_time": "09:00",
    }
    errors = _errors(api_as(acme.claire).post(FORUMS, data))
    assert errors["non_field_errors"] == ["A forum with this name already exists."]


def test_changing_a_forum_keeps_what_was_not_sent(acme, forum, api_as):
    response = api_as(acme.claire).patch(f"{FORUMS}{forum.pk}/", {"purpose": "Decide together."})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["purpose"] == "Decide together."
    assert body["guests"] == [acme.gus.pk]
    assert body["departments"] == [acme.marketing.pk, acme.product.pk, acme.sales.pk]


def test_a_new_start_time_moves_the_meetings_from_the_date_given(acme, forum, api_as):
    meetings = list(forum.meetings.order_by("starts_at"))
    response = api_as(acme.claire).patch(
        f"{FORUMS}{forum.pk}/",
        {"start_time": "15:00", "from_date": str(meetings[1].starts_at.date()), "guests": []},
    )

    assert response.status_code == 200, response.content
    assert response.json()["guests"] == []
    starts = [m.starts_at.astimezone(BERLIN).time() for m in forum.meetings.order_by("starts_at")]
    assert starts[0] == dt.time(10)
    assert set(starts[1:]) == {dt.time(15)}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "non_field_errors", "Send at least one field to change."),
        ({"departments": []}, "departments", "Choose at least one participating department."),
        ({"recurrence": "FREQ=NEVER"}, "recurrence", "Start the rule with FREQ="),
        ({"from_date": "2101-01-01"}, "from_date", "from 2000 to 2100"),
    ],
)
def test_a_bad_change_of_a_forum_is_a_400(acme, forum, api_as, data, field, message):
    errors = _errors(api_as(acme.claire).patch(f"{FORUMS}{forum.pk}/", data))
    assert message in " ".join(errors[field])
    forum.refresh_from_db()
    assert forum.departments.count() == 3


# --- Meetings ----------------------------------------------------------------------------------


def test_meetings_are_upcoming_by_default_on_the_forums_clock(acme, forum, meeting, api_as):
    past = Meeting.objects.create(
        workspace=acme.workspace,
        forum=forum,
        occurrence=timezone.now() - dt.timedelta(days=30),
        starts_at=timezone.now() - dt.timedelta(days=30),
        duration_minutes=60,
        status=Meeting.Status.PUBLISHED,
    )

    body = api_as(acme.mia).get(MEETINGS).json()

    upcoming = list(forum.meetings.exclude(pk=past.pk).order_by("starts_at"))
    assert [row["id"] for row in body["results"]] == [m.pk for m in upcoming]
    row = body["results"][0]
    local = meeting.starts_at.astimezone(BERLIN)
    assert row["starts_at"] == local.isoformat()
    assert row["starts_at"][10:] in ("T10:00:00+01:00", "T10:00:00+02:00")
    assert row["ends_at"] == (local + dt.timedelta(hours=1)).isoformat()
    assert (row["forum"], row["forum_name"], row["status"]) == (forum.pk, "CMO forum", "scheduled")
    assert (row["can_run"], row["minutes_published"]) == (False, False)

    [held] = api_as(acme.mia).get(MEETINGS, {"upcoming": "false"}).json()["results"]
    assert (held["id"], held["status"], held["minutes_published"]) == (past.pk, "held", True)


def test_meetings_filter_by_forum_and_days(acme, forum, meeting, api_as):
    other = next_meeting(make_forum(acme.workspace, name="Ops review"))
    day = str(meeting.starts_at.astimezone(BERLIN).date())
    client = api_as(acme.mia)

    ids = [row["id"] for row in client.get(MEETINGS, {"from": day, "to": day}).json()["results"]]
    assert ids == [meeting.pk, other.pk]
    by_forum = client.get(MEETINGS, {"forum": forum.pk, "to": day}).json()["results"]
    assert [row["id"] for row in by_forum] == [meeting.pk]
    errors = _errors(client.get(MEETINGS, {"from": day, "to": "2000-01-01"}))
    assert errors["to"] == ["Choose a day on or after “from”."]


def test_a_guest_lists_only_the_meetings_of_their_forums(acme, forum, api_as):
    make_forum(acme.workspace, name="Ops review")
    rows = api_as(acme.gus).get(MEETINGS).json()["results"]
    assert {row["forum"] for row in rows} == {forum.pk}


def test_the_agenda_is_built_from_the_data_until_the_meeting_starts(acme, meeting, api_as):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], status="at_risk")
    topic = services.topic_add(
        membership=member(acme.mia), meeting=meeting, title="Pricing", minutes_allotted=15
    )

    body = api_as(acme.mia).get(_url(meeting)).json()

    assert [(item["key"], item["position"]) for item in body["agenda"]] == [
        (f"goal_at_risk:{goal.pk}", 1),
        (f"topic:{topic.pk}", 2),
    ]
    data_item, topic_item = body["agenda"]
    assert data_item["id"] is None
    assert data_item["source"] == {"type": "goal", "id": goal.pk}
    assert data_item["url"].endswith(f"/w/acme/goals/{goal.pk}/")
    assert (topic_item["id"], topic_item["kind"], topic_item["source"]) == (topic.pk, "topic", None)
    assert (topic_item["minutes"], body["total_minutes"]) == (15, 15)


def test_a_guest_sees_only_what_is_shared_with_guests(acme, meeting, api_as):
    claire = member(acme.claire)
    shared = services.topic_add(
        membership=claire, meeting=meeting, title="Agency brief", shared_with_guests=True
    )
    services.topic_add(membership=claire, meeting=meeting, title="Agency fees")
    services.meeting_start(membership=claire, meeting=meeting)
    services.minutes_save(
        membership=claire, meeting=meeting, minutes="We agreed.", shared_with_guests=False
    )

    body = api_as(acme.gus).get(_url(meeting)).json()
    assert [(item["id"], item["position"]) for item in body["agenda"]] == [(shared.pk, 1)]
    assert body["minutes"] == ""
    assert len(api_as(acme.mia).get(_url(meeting)).json()["agenda"]) == 2

    services.minutes_save(
        membership=claire, meeting=meeting, minutes="We agreed.", shared_with_guests=True
    )
    assert api_as(acme.gus).get(_url(meeting)).json()["minutes"] == "We agreed."


def test_the_facilitator_runs_a_meeting_from_start_to_published_minutes(acme, meeting, api_as):
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.product], status="off_track")
    claire = api_as(acme.claire)

    started = claire.post(_url(meeting, "start/"))
    assert started.status_code == 200, started.content
    body = started.json()
    assert (body["status"], body["can_run"]) == ("in_progress", True)
    [item] = body["agenda"]
    assert item["id"] == AgendaItem.objects.get(meeting=meeting).pk
    assert item["key"] == f"topic:{item['id']}"
    assert item["source"]["type"] == "goal"

    refused = _errors(claire.post(_url(meeting, "publish/")))
    assert refused["non_field_errors"] == ["End the meeting before publishing its minutes."]
    assert claire.post(_url(meeting, "end/")).json()["status"] == "held"
    assert "minutes" in _errors(claire.post(_url(meeting, "publish/")))
    services.minutes_save(
        membership=member(acme.claire), meeting=meeting, minutes="Agreed.", shared_with_guests=False
    )
    published = claire.post(_url(meeting, "publish/")).json()
    assert (published["status"], published["minutes_published"]) == ("held", True)
    assert published["minutes"] == "Agreed."


def test_only_whoever_runs_the_forum_runs_its_meetings(acme, meeting, api_as):
    for tail in ("start/", "end/", "publish/", "cancel/"):
        response = api_as(acme.leo).post(_url(meeting, tail))
        assert response.status_code == 403
        assert response.json()["detail"] == RUN_REFUSED
    assert api_as(acme.ada).post(_url(meeting, "start/")).status_code == 200


def test_one_meeting_is_cancelled_and_the_series_goes_on(acme, forum, meeting, api_as):
    response = api_as(acme.claire).patch(_url(meeting), {"status": "cancelled"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert forum.meetings.filter(status=Meeting.Status.SCHEDULED).count() > 3
    again = _errors(api_as(acme.claire).post(_url(meeting, "cancel/")))
    assert again["non_field_errors"] == ["Only a meeting that has not started can be cancelled."]


def test_a_meeting_moves_on_the_forums_clock_or_at_the_offset_sent(acme, meeting, api_as):
    day = (meeting.starts_at + dt.timedelta(days=2)).astimezone(BERLIN).date()
    response = api_as(acme.claire).post(
        _url(meeting, "move/"), {"starts_at": f"{day}T16:30:00", "duration_minutes": 45}
    )

    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.starts_at.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime.combine(
        day, dt.time(16, 30)
    )
    assert (meeting.duration_minutes, meeting.sequence) == (45, 1)
    body = response.json()
    assert (
        body["ends_at"]
        == meeting.starts_at.astimezone(BERLIN).replace(hour=17, minute=15).isoformat()
    )

    api_as(acme.claire).patch(_url(meeting), {"starts_at": f"{day}T08:00:00Z"})
    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)
    assert meeting.duration_minutes == 45


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"starts_at": "2026-01-01T10:00:00Z"}, "starts_at", "Choose a time in the future."),
        ({"starts_at": "2101-01-01T10:00:00Z"}, "starts_at", "from 2000 to 2100"),
        ({"starts_at": "soon"}, "starts_at", "Datetime has wrong format"),
        (
            {"status": "cancelled", "starts_at": "2030-01-01T10:00:00"},
            "non_field_errors",
            "not both",
        ),
        ({"status": "held"}, "status", "not a valid choice"),
        ({}, "non_field_errors", "Send `status`"),
    ],
)
def test_a_bad_move_or_cancel_is_a_400(acme, meeting, api_as, data, field, message):
    errors = _errors(api_as(acme.claire).patch(_url(meeting), data))
    assert message in " ".join(errors[field])
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (Meeting.Status.SCHEDULED, 0)


def test_a_participant_adds_a_topic(acme, meeting, api_as):
    response = api_as(acme.mia).post(
        _url(meeting, "topics/"),
        {"title": " Pricing ", "details": "Q3 list prices", "minutes_allotted": 10},
    )

    assert response.status_code == 201, response.content
    topic = AgendaItem.objects.get()
    assert response.json() == {
        "id": topic.pk,
        "key": f"topic:{topic.pk}",
        "kind": "topic",
        "title": "Pricing",
        "details": "Q3 list prices",
        "source": None,
        "url": "",
        "minutes": 10,
        "position": 1,
        "discussed": False,
        "notes": "",
        "shared_with_guests": False,
        "carried_from": None,
    }
    assert topic.added_by == acme.mia


def test_topics_come_from_the_forums_participants_only(acme, api_as):
    meeting = next_meeting(make_forum(acme.workspace, departments=[acme.product]))
    response = api_as(acme.mia).post(_url(meeting, "topics/"), {"title": "Pricing"})
    assert response.status_code == 403
    assert response.json()["detail"] == TOPIC_REFUSED
    errors = _errors(api_as(acme.leo).post(_url(meeting, "topics/"), {"minutes_allotted": 0}))
    assert set(errors) == {"title", "minutes_allotted"}
    assert not AgendaItem.objects.exists()
