"""Forums through their services: the series, moving and cancelling one meeting, changing the
series from a date on, the agenda built from the data, running a meeting, its outcomes."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkins.models import Ask
from forums import outcomes, recurrence, selectors, services
from forums.agenda import agenda_live
from forums.models import AgendaItem, Forum, Meeting
from forums.selectors import DecisionFilters
from goals.models import Goal
from tests.factories import GoalFactory, member

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _agenda(meeting: Meeting) -> list[str]:
    departments = meeting.forum.departments.values_list("pk", flat=True)
    return [item.key for item in agenda_live(meeting, departments=departments)]


def _started(acme, meeting: Meeting) -> Meeting:
    return services.meeting_start(membership=member(acme.claire), meeting=meeting)


# --- The series ----------------------------------------------------------------------------------


def test_a_forum_has_its_meetings_ahead_at_the_same_local_time_across_daylight_saving(acme):
    forum = services.forum_create(
        membership=member(acme.claire),
        name="Marketing and product sync",
        departments=[acme.marketing, acme.product],
        facilitator=acme.leo,
        first_date=timezone.now().date() + dt.timedelta(days=1),
        start_time=dt.time(10, 0),
        cadence=Forum.Cadence.WEEKLY,
        timezone_name="Europe/Berlin",
    )
    starts = list(forum.meetings.values_list("starts_at", flat=True))
    assert len(starts) >= 26
    assert {start.astimezone(BERLIN).time() for start in starts} == {dt.time(10, 0)}
    assert len({start.utcoffset() for start in starts}) == 1  # stored in UTC
    assert {start.astimezone(dt.UTC).hour for start in starts} == {8, 9}  # summer and winter


def test_only_executives_and_admins_set_up_forums(acme):
    with pytest.raises(PermissionDenied):
        services.forum_create(
            membership=member(acme.leo),
            name="Lead's forum",
            departments=[acme.product],
            facilitator=acme.leo,
            first_date=dt.date(2027, 1, 5),
            start_time=dt.time(9),
        )
    assert not Forum.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cadence": "custom", "rrule": "FREQ=HOURLY"}, "rrule"),
        ({"cadence": "custom", "rrule": "FREQ=MONTHLY;BYDAY=XX"}, "rrule"),
        ({"departments": []}, "departments"),
        ({"duration_minutes": 600}, "duration_minutes"),
    ],
)
def test_bad_forums_are_refused_on_their_field(acme, fields, field):
    data = {
        "name": "Forum",
        "departments": [acme.marketing],
        "facilitator": acme.claire,
        "first_date": dt.date(2027, 1, 5),
        "start_time": dt.time(9),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.forum_create(membership=member(acme.claire), **data)
    assert field in error.value.message_dict
    assert not Forum.objects.exists()


def test_a_department_of_another_workspace_is_refused(acme, globex):
    with pytest.raises(ValidationError) as error:
        services.forum_create(
            membership=member(acme.claire),
            name="Forum",
            departments=[globex.departments.first()],
            facilitator=acme.claire,
            first_date=dt.date(2027, 1, 5),
            start_time=dt.time(9),
        )
    assert "departments" in error.value.message_dict


def test_one_meeting_moves_or_is_cancelled_and_the_series_goes_on(acme, forum):
    first, second, third = forum.meetings.order_by("starts_at")[:3]
    later = first.starts_at + dt.timedelta(days=1, hours=2)
    services.meeting_move(membership=member(acme.claire), meeting=first, starts_at=later)
    services.meeting_cancel(membership=member(acme.claire), meeting=second)

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.starts_at, first.sequence) == (later, 1)
    assert first.occurrence != first.starts_at
    assert (second.status, second.sequence) == (Meeting.Status.CANCELLED, 1)
    assert (third.status, third.sequence, third.starts_at) == ("scheduled", 0, third.occurrence)


def test_changing_the_series_from_a_date_keeps_the_meetings_before_it(acme, forum):
    meetings = list(forum.meetings.order_by("starts_at"))
    kept, changed_from = meetings[:2], meetings[2]
    topic = services.topic_add(
        membership=member(acme.claire), meeting=meetings[3], title="Budget for Q1"
    )
    services.forum_update(
        membership=member(acme.claire),
        forum=forum,
        departments=[acme.marketing, acme.sales, acme.product],
        from_date=changed_from.starts_at.astimezone(BERLIN).date(),
        start_time=dt.time(15, 30),
    )

    forum.refresh_from_db()
    assert forum.sequence == 1
    for meeting in kept:
        assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
    later = forum.meetings.filter(starts_at__gte=changed_from.starts_at).exclude(
        pk=topic.meeting_id
    )
    assert {m.starts_at.astimezone(BERLIN).time() for m in later} == {dt.time(15, 30)}
    # The meeting with a topic on its agenda stays where it was.
    assert Meeting.objects.get(pk=topic.meeting_id).starts_at == meetings[3].starts_at


# --- The agenda ----------------------------------------------------------------------------------


def test_the_agenda_lists_what_needs_the_forum_and_drops_what_is_resolved(acme, forum, meeting):
    at_risk = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.marketing], status="at_risk"
    )
    elsewhere = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.operations], status="off_track"
    )
    ask = Ask.objects.create(
        workspace=acme.workspace,
        goal=at_risk,
        from_department=acme.marketing,
        to_department=acme.product,
        text="Two engineers for the launch page",
        due_on=dt.date(2026, 11, 1),
        created_by=acme.claire,
    )
    agenda = _agenda(meeting)
    assert f"goal_at_risk:{at_risk.pk}" in agenda
    assert f"goal_at_risk:{elsewhere.pk}" not in agenda  # not one of the forum's departments
    assert f"ask:{ask.pk}" in agenda

    Goal.objects.filter(pk=at_risk.pk).update(status=Goal.Status.ON_TRACK)
    Ask.objects.filter(pk=ask.pk).update(status=Ask.Status.DELIVERED)
    assert _agenda(meeting) == []


def test_the_facilitator_orders_and_time_boxes_the_agenda(acme, forum, meeting):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], status="off_track")
    topic = services.topic_add(membership=member(acme.mia), meeting=meeting, title="Pricing")
    keys = [f"topic:{topic.pk}", f"goal_at_risk:{goal.pk}"]
    services.agenda_arrange(
        membership=member(acme.claire),
        meeting=meeting,
        order=keys,
        minutes={keys[0]: 20, keys[1]: 50},
    )
    meeting.refresh_from_db()
    departments = forum.departments.values_list("pk", flat=True)
    agenda = agenda_live(meeting, departments=departments)
    assert [(item.key, item.minutes) for item in agenda] == [(keys[0], 20), (keys[1], 50)]
    with pytest.raises(PermissionDenied):
        services.agenda_arrange(membership=member(acme.mia), meeting=meeting, order=[], minutes={})


def test_a_member_of_no_forum_department_adds_no_topic(acme, forum, meeting):
    forum.departments.set([acme.product])
    with pytest.raises(PermissionDenied):
        services.topic_add(membership=member(acme.mia), meeting=meeting, title="Pricing")


def test_starting_freezes_the_agenda_into_the_record(acme, forum, meeting):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product], status="at_risk")
    _started(acme, meeting)
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ON_TRACK)

    meeting.refresh_from_db()
    [row] = meeting.items.all()
    assert (row.kind, row.source_id, row.title) == ("goal_at_risk", goal.pk, goal.title)
    assert row.link.endswith(f"/goals/{goal.pk}/")
    assert meeting.status == Meeting.Status.STARTED


def test_what_was_not_discussed_carries_forward_to_the_next_meeting(acme, forum, meeting):
    membership = member(acme.claire)
    done = services.topic_add(membership=membership, meeting=meeting, title="Launch date")
    left = services.topic_add(membership=membership, meeting=meeting, title="Brand budget")
    _started(acme, meeting)
    services.item_record(membership=membership, item=done, discussed=True, notes="Agreed.")
    services.meeting_end(membership=membership, meeting=meeting)

    following = forum.meetings.filter(starts_at__gt=meeting.starts_at).order_by("starts_at")[0]
    [carried] = following.items.all()
    assert (carried.title, carried.carried_from_id) == ("Brand budget", left.pk)


# --- Outcomes ------------------------------------------------------------------------------------


def test_decisions_go_to_the_log_and_actions_to_their_owner(acme, forum, meeting):
    membership = member(acme.claire)
    item = services.topic_add(membership=membership, meeting=meeting, title="Brand budget")
    _started(acme, meeting)
    decision = outcomes.decision_record(
        membership=membership,
        item=item,
        title="Shift 10% of the brand budget to performance campaigns",
        rationale="Cost per lead doubled; brand awareness is above target.",
        decided_by=acme.claire,
        departments=[acme.marketing, acme.sales],
        review_on=acme.workspace.today() + dt.timedelta(days=90),
    )
    action = outcomes.action_create(
        membership=membership,
        item=item,
        title="Rebalance the Q1 campaign plan",
        owner=acme.leo,
        due_on=acme.workspace.today() + dt.timedelta(days=14),
    )

    assert list(
        selectors.decision_log(workspace=acme.workspace, filters=DecisionFilters(q="performance"))
    ) == [decision]
    assert not selectors.decision_log(
        workspace=acme.workspace, filters=DecisionFilters(q="hiring")
    ).exists()
    assert list(selectors.my_actions(membership=member(acme.leo))) == [action]
    outcomes.action_set_status(membership=member(acme.leo), action=action, status="done")
    assert not selectors.my_actions(membership=member(acme.leo)).exists()
    with pytest.raises(PermissionDenied):
        outcomes.action_set_status(membership=member(acme.mia), action=action, status="open")


def test_outcomes_need_a_running_meeting_and_a_future_review_date(acme, forum, meeting):
    membership = member(acme.claire)
    item = services.topic_add(membership=membership, meeting=meeting, title="Brand budget")
    decision = {
        "membership": membership,
        "item": item,
        "title": "Decide",
        "rationale": "Because",
        "decided_by": acme.claire,
        "departments": [acme.marketing],
    }
    with pytest.raises(ValidationError, match="Start the meeting"):
        outcomes.decision_record(**decision)
    _started(acme, meeting)
    with pytest.raises(ValidationError) as error:
        outcomes.decision_record(**decision, review_on=acme.workspace.today())
    assert "review_on" in error.value.message_dict


def test_published_minutes_lock_the_record(acme, forum, meeting):
    membership = member(acme.claire)
    _started(acme, meeting)
    with pytest.raises(ValidationError, match="End the meeting"):
        services.minutes_publish(membership=membership, meeting=meeting)
    services.meeting_end(membership=membership, meeting=meeting)
    with pytest.raises(ValidationError) as error:
        services.minutes_publish(membership=membership, meeting=meeting)
    assert "minutes" in error.value.message_dict
    services.minutes_save(
        membership=membership, meeting=meeting, minutes="We agreed.", shared_with_guests=False
    )
    services.minutes_publish(membership=membership, meeting=meeting)
    with pytest.raises(ValidationError, match="published"):
        services.minutes_save(
            membership=membership, meeting=meeting, minutes="Changed", shared_with_guests=False
        )
    with pytest.raises(ValidationError, match="published"):
        services.topic_add(membership=membership, meeting=meeting, title="Late")
    assert AgendaItem.objects.filter(meeting=meeting).count() == 0


@pytest.mark.parametrize(
    ("cadence", "first", "words"),
    [
        ("weekly", dt.date(2027, 1, 5), "Every Tuesday"),
        ("biweekly", dt.date(2027, 1, 5), "Every other Tuesday"),
        ("monthly_weekday", dt.date(2027, 1, 12), "The second Tuesday of each month"),
        ("monthly_weekday", dt.date(2027, 3, 30), "The last Tuesday of each month"),
        ("monthly_day", dt.date(2027, 1, 22), "On the 22nd of each month"),
        ("monthly_day", dt.date(2027, 1, 12), "On the 12th of each month"),
        ("monthly_day", dt.date(2027, 1, 31), "On the last day of each month"),
        ("quarterly", dt.date(2027, 1, 5), "The first Tuesday of every third month"),
    ],
)
def test_the_cadence_is_said_in_words_and_matches_its_rule(cadence, first, words):
    rule = recurrence.cadence_rule(cadence, first)
    assert recurrence.describe(cadence, first, rule) == words
    after = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    starts = recurrence.occurrences(
        rule=rule,
        first=first,
        start=dt.time(9),
        zone="UTC",
        after=after,
        before=after + dt.timedelta(days=120),
    )
    assert next(starts).date() == first


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL is a whole number"),
        ("FREQ=WEEKLY;BYDAY=MO RRULE:FREQ=DAILY", "one rule on one line"),
        ("FREQ=WEEKLY;BYDAY=MO\nRDATE:20260610T100000", "one rule on one line"),
        ("FREQ=DAILY;BYHOUR=0,6,12,18", "“BYHOUR=0,6,12,18” cannot be used here"),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "cannot be used here"),
        ("FREQ=MONTHLY;COUNT=0", "COUNT is a whole number"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "gives no date at all"),
    ],
)
def test_custom_rules_that_would_hang_or_that_a_calendar_could_not_read_are_refused(rule, says):
    with pytest.raises(ValidationError, match=says):
        recurrence.rule_clean(rule)


def test_a_change_of_length_keeps_the_meetings_and_their_ids(acme, forum):
    before = list(forum.meetings.order_by("starts_at").values_list("pk", "starts_at"))
    services.forum_update(
        membership=member(acme.claire),
        forum=forum,
        departments=[acme.marketing, acme.sales, acme.product],
        duration_minutes=90,
    )
    after = forum.meetings.order_by("starts_at")
    assert list(after.values_list("pk", "starts_at")) == before
    assert set(after.values_list("duration_minutes", flat=True)) == {90}


def test_removing_a_guest_changes_the_forum_s_feed_url(acme, forum):
    membership = member(acme.claire)
    departments = [acme.marketing, acme.sales, acme.product]
    services.forum_update(
        membership=membership, forum=forum, departments=departments, guests=[acme.gus]
    )
    forum.refresh_from_db()
    key = forum.feed_key
    services.forum_update(membership=membership, forum=forum, departments=departments, guests=[])
    forum.refresh_from_db()
    assert forum.feed_key != key


def test_attendance_is_recorded_for_the_expected_people_in_one_write(acme, forum, meeting):
    membership = member(acme.claire)
    _started(acme, meeting)
    services.attendance_record(membership=membership, meeting=meeting, present=[acme.leo.pk])
    attendance = dict(meeting.attendance.values_list("user__username", "present"))
    assert attendance["leo"] is True
    assert attendance["claire"] is False
    with pytest.raises(ValidationError):
        services.attendance_record(membership=membership, meeting=meeting, present=[acme.ada.pk])
    assert dict(meeting.attendance.values_list("user__username", "present")) == attendance


def test_an_ask_from_a_meeting_keeps_to_the_forum_s_departments_and_active_goals(
    acme, forum, meeting
):
    membership = member(acme.claire)
    item = services.topic_add(membership=membership, meeting=meeting, title="Help needed")
    _started(acme, meeting)
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.marketing], status="on_track"
    )
    closed = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.marketing], status="missed"
    )
    ask = {
        "membership": membership,
        "item": item,
        "from_department": acme.marketing,
        "to_department": acme.product,
        "text": "A designer",
        "due_on": acme.workspace.today() + dt.timedelta(days=3),
    }
    with pytest.raises(ValidationError) as error:
        outcomes.ask_raise(**{**ask, "to_department": acme.operations}, goal=goal)
    assert "to_department" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        outcomes.ask_raise(**ask, goal=closed)
    assert "goal" in error.value.message_dict
    assert outcomes.ask_raise(**ask, goal=goal).to_department == acme.product


def test_starting_a_meeting_makes_the_same_queries_however_long_its_agenda(acme, forum):
    first, second = forum.meetings.order_by("starts_at")[:2]

    def start(meeting: Meeting, goals: int) -> int:
        for _ in range(goals):
            GoalFactory(
                workspace=acme.workspace, owner_departments=[acme.sales], status="off_track"
            )
        with CaptureQueriesContext(connection) as queries:
            _started(acme, meeting)
        assert meeting.items.count() == Goal.objects.filter(status="off_track").count()
        return len(queries)

    assert start(first, 2) == start(second, 8)
