"""Forum reminders: the agenda before each meeting, the facilitator's prompts to prepare it
and to publish the minutes, action items before they are due and once overdue; each planned
once per (meeting or action, person, kind), claimed before sending, swept when lost."""

import datetime as dt
import smtplib
from typing import ClassVar

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from forums import outcomes, reminders, selectors, services, tasks
from forums.models import ActionItem, ForumReminder, Meeting
from goals.models import Goal
from tests.checkins.conftest import local
from tests.factories import GoalFactory, member

pytestmark = pytest.mark.django_db
DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)
Kind = ForumReminder.Kind


@pytest.fixture
def plan(acme, django_capture_on_commit_callbacks):
    """``plan(now, send=True)`` plans acme's forum reminders at ``now``; with ``send``, the
    rows go out (eagerly) once planning commits."""

    def run(now: dt.datetime, *, send: bool = True) -> list[int]:
        with django_capture_on_commit_callbacks(execute=send):
            return reminders.forum_reminders_plan(workspace=acme.workspace, now=now)

    return run


@pytest.fixture
def guest(acme, forum):
    """gus, the partner, invited to the forum."""
    forum.guests.add(acme.gus)
    return acme.gus


def planned(kind: str) -> list[str]:
    rows = ForumReminder.objects.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", flat=True))


def _action(acme, meeting: Meeting, *, due_on: dt.date, owner=None) -> ActionItem:
    return ActionItem.objects.create(
        workspace=acme.workspace,
        meeting=meeting,
        title="Rebalance the Q1 campaign plan",
        owner=owner or acme.leo,
        due_on=due_on,
        created_by=acme.claire,
    )


def _ended(acme, meeting: Meeting) -> Meeting:
    membership = member(acme.claire)
    services.meeting_start(membership=membership, meeting=meeting)
    return services.meeting_end(membership=membership, meeting=meeting)


# --- Who, and when -------------------------------------------------------------------------


def test_the_facilitator_is_asked_to_prepare_two_days_ahead_then_everyone_gets_the_agenda(
    acme, meeting, guest, plan
):
    assert plan(meeting.starts_at - 3 * DAY, send=False) == []
    plan(meeting.starts_at - 2 * DAY + HOUR, send=False)
    assert planned(Kind.PREPARE) == ["claire"]
    assert planned(Kind.AGENDA) == []

    plan(meeting.starts_at - DAY + HOUR, send=False)
    people = sorted(user.username for user in selectors.meeting_people(meeting))
    assert people == ["claire", "gus", "leo", "mia"]
    assert planned(Kind.AGENDA) == people
    assert planned(Kind.PREPARE) == ["claire"]


def test_planning_again_writes_and_sends_nothing_twice(acme, meeting, guest, plan):
    first = plan(meeting.starts_at - DAY + HOUR)
    assert len(first) == 4
    assert plan(meeting.starts_at - DAY + 2 * HOUR) == []
    assert plan(meeting.starts_at - HOUR) == []
    assert ForumReminder.objects.count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == [
        "claire@acme.test",
        "gus@acme.test",
        "leo@acme.test",
        "mia@acme.test",
    ]
    assert set(ForumReminder.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert Notification.objects.filter(kind="forum.meeting_agenda").count() == 4


def test_a_cancelled_meeting_gets_no_reminder_and_a_row_planned_before_is_cancelled(
    acme, forum, meeting, plan
):
    following = forum.meetings.filter(starts_at__gt=meeting.starts_at).order_by("starts_at")[0]
    ids = plan(following.starts_at - DAY + HOUR, send=False)
    for cancelled in (meeting, following):
        services.meeting_cancel(membership=member(acme.claire), meeting=cancelled)
    assert plan(meeting.starts_at - DAY + HOUR) == []
    assert not ForumReminder.objects.filter(meeting=meeting).exists()

    outcomes = reminders.forum_reminders_send(reminder_ids=ids)
    assert set(outcomes.values()) == {"cancelled"}
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_unpublished_minutes_remind_the_facilitator_a_day_after_the_meeting(acme, meeting, plan):
    ended = _ended(acme, meeting).ended_at
    assert plan(ended + DAY - HOUR) == []
    plan(ended + DAY + HOUR)
    plan(ended + 2 * DAY)
    assert planned(Kind.MINUTES) == ["claire"]
    [email] = mail.outbox
    assert email.subject.startswith("Publish the minutes: CMO forum of ")
    assert (
        settings.SITE_URL + reverse("meeting_detail", kwargs={"ws": "acme", "pk": meeting.pk})
        in email.body
    )


def test_published_minutes_need_no_reminder(acme, meeting, plan):
    membership = member(acme.claire)
    ended = _ended(acme, meeting).ended_at
    services.minutes_save(
        membership=membership, meeting=meeting, minutes="We agreed.", shared_with_guests=False
    )
    services.minutes_publish(membership=membership, meeting=meeting)
    assert plan(ended + DAY + HOUR) == []


def test_a_meeting_never_ended_counts_from_its_scheduled_end(acme, meeting, plan):
    services.meeting_start(membership=member(acme.claire), meeting=meeting)
    end = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
    assert plan(end + DAY - HOUR, send=False) == []
    plan(end + DAY + HOUR, send=False)
    assert planned(Kind.MINUTES) == ["claire"]


def test_an_action_reminds_its_owner_the_day_before_from_nine_in_the_workspace(acme, meeting, plan):
    today = acme.workspace.today()
    _action(acme, meeting, due_on=today + DAY)
    assert plan(local(acme.workspace, today, hour=8), send=False) == []
    plan(local(acme.workspace, today, hour=10))
    plan(local(acme.workspace, today, hour=16))
    assert planned(Kind.ACTION_DUE) == ["leo"]
    [email] = mail.outbox
    assert email.to == ["leo@acme.test"]
    assert email.subject.startswith("Action due ")
    assert settings.SITE_URL + reverse("my_work", kwargs={"ws": "acme"}) in email.body
    assert (
        settings.SITE_URL + reverse("meeting_detail", kwargs={"ws": "acme", "pk": meeting.pk})
        in email.body
    )
    note = Notification.objects.get(recipient=acme.leo)
    assert (note.kind, note.url) == ("forum.action_due", reverse("my_work", kwargs={"ws": "acme"}))


def test_an_overdue_action_nudges_its_owner_once(acme, meeting, plan):
    today = acme.workspace.today()
    _action(acme, meeting, due_on=today - DAY)
    plan(local(acme.workspace, today))
    plan(local(acme.workspace, today + DAY))
    assert planned(Kind.ACTION_OVERDUE) == ["leo"]
    assert planned(Kind.ACTION_DUE) == []
    [email] = mail.outbox
    assert email.subject.startswith("Action overdue since ")


def test_a_done_or_dropped_action_gets_nothing(acme, meeting, plan):
    today = acme.workspace.today()
    due, overdue = _action(acme, meeting, due_on=today), _action(acme, meeting, due_on=today - DAY)
    outcomes.action_set_status(membership=member(acme.leo), action=due, status="done")
    outcomes.action_set_status(membership=member(acme.leo), action=overdue, status="dropped")
    assert plan(local(acme.workspace, today)) == []


def test_an_action_done_after_planning_is_not_sent(acme, meeting, plan):
    today = acme.workspace.today()
    action = _action(acme, meeting, due_on=today + DAY)
    ids = plan(local(acme.workspace, today), send=False)
    outcomes.action_set_status(membership=member(acme.leo), action=action, status="done")
    assert reminders.forum_reminders_send(reminder_ids=ids) == {ids[0]: "cancelled"}
    assert mail.outbox == []


# --- What the agenda email says ------------------------------------------------------------


def test_the_agenda_email_lists_the_live_agenda_and_a_guest_sees_only_what_is_shared(
    acme, meeting, guest, plan
):
    goal = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], status=Goal.Status.AT_RISK
    )
    for title, shared in (("Partner pricing", True), ("Internal budget", False)):
        services.topic_add(
            membership=member(acme.claire),
            meeting=meeting,
            title=title,
            minutes_allotted=15,
            shared_with_guests=shared,
        )
    plan(meeting.starts_at - DAY + HOUR)
    emails = {m.to[0]: m for m in mail.outbox}
    lead, partner = emails["leo@acme.test"], emails["gus@acme.test"]
    starts = timezone.localtime(meeting.starts_at, meeting.forum.zone)
    assert lead.subject == f"Agenda: CMO forum on {starts:%a} {starts.day} {starts:%b} at 10:00"
    for text in (lead.body, lead.alternatives[0][0]):
        assert goal.title in text
        assert "Partner pricing" in text
        assert "Internal budget" in text
        assert (
            settings.SITE_URL + reverse("goal_detail", kwargs={"ws": "acme", "pk": goal.pk}) in text
        )
    for text in (partner.body, partner.alternatives[0][0]):
        assert "Partner pricing" in text
        assert "Internal budget" not in text
        assert goal.title not in text
        assert (
            settings.SITE_URL + reverse("meeting_detail", kwargs={"ws": "acme", "pk": meeting.pk})
            in text
        )
    assert "15 of 60 minutes" in partner.body
    assert "reminders/settings" in lead.body
    assert "reminders/settings" not in partner.body


def test_a_participant_who_wants_no_email_gets_the_notification_only(acme, meeting, plan):
    from checkins.models import ReminderPreference

    ReminderPreference.objects.create(workspace=acme.workspace, user=acme.mia, by_email=False)
    plan(meeting.starts_at - DAY + HOUR)
    assert "mia@acme.test" not in [m.to[0] for m in mail.outbox]
    assert Notification.objects.filter(recipient=acme.mia, kind="forum.meeting_agenda").exists()


# --- Exactly once --------------------------------------------------------------------------


class FlakyBackend(locmem.EmailBackend):
    """The test mailbox, whose server drops the connection on the second message it gets."""

    calls: ClassVar[list[str]] = []

    def send_messages(self, messages) -> int:
        for message in messages:
            self.calls.append(message.extra_headers["X-Alignment-Forum-Reminder"])
            if len(self.calls) == 2:
                raise smtplib.SMTPServerDisconnected("connection dropped")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings) -> list[str]:
    settings.EMAIL_BACKEND = "tests.forums.test_reminders.FlakyBackend"
    FlakyBackend.calls = []
    return FlakyBackend.calls


def test_a_failed_smtp_send_is_retried_and_nothing_is_sent_twice(acme, meeting, guest, plan, flaky):
    ids = plan(meeting.starts_at - DAY + HOUR)
    assert len(flaky) == 5  # four rows, one of them twice
    got = sorted(ForumReminder.objects.values_list("status", "attempts"))
    assert got == [("sent", 1), ("sent", 1), ("sent", 1), ("sent", 2)]
    headers = sorted(m.extra_headers["X-Alignment-Forum-Reminder"] for m in mail.outbox)
    assert headers == sorted(str(pk) for pk in ids)
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<forum-reminder-")
    assert Notification.objects.count() == 4
    assert reminders.forum_reminders_send(reminder_ids=ids) == dict.fromkeys(ids, "skipped")
    assert len(mail.outbox) == 4


def test_the_sweep_sends_what_a_lost_message_or_a_dead_worker_left(
    acme, meeting, plan, django_capture_on_commit_callbacks
):
    ids = plan(meeting.starts_at - DAY + HOUR, send=False)  # the broker lost the messages
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    ForumReminder.objects.filter(pk__in=ids).update(queued_at=long_ago)
    ForumReminder.objects.filter(pk=ids[0]).update(
        status="sending", claimed_at=long_ago, attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_forum_reminders.delay().get() == 3
    assert tasks.sweep_forum_reminders.delay().get() == 0
    assert sorted(ForumReminder.objects.values_list("status", "attempts")) == [
        ("sent", 1),
        ("sent", 1),
        ("sent", 2),
    ]
    assert len(mail.outbox) == 3


# --- Queries ----------------------------------------------------------------------------------


def _crowd(acme, forum, meeting: Meeting, indexes: range) -> dt.datetime:
    """For each index: a meeting within a day of the moment returned, a meeting over for two
    days with its minutes unpublished, and an action due the next day."""
    now = meeting.starts_at - DAY + HOUR
    for index in indexes:
        upcoming = meeting.starts_at + index * dt.timedelta(minutes=5)
        past = {"status": Meeting.Status.ENDED, "ended_at": now - 2 * DAY}
        for start, fields in ((upcoming, {}), (now - 3 * DAY - index * HOUR, past)):
            if start != meeting.starts_at:
                Meeting.objects.create(
                    workspace=acme.workspace,
                    forum=forum,
                    occurrence=start,
                    starts_at=start,
                    duration_minutes=60,
                    **fields,
                )
        _action(acme, meeting, due_on=acme.workspace.today(now) + DAY)
    return now


def test_planning_makes_as_many_queries_for_many_meetings_and_actions_as_for_one(
    acme, forum, meeting, guest
):
    def queries(indexes: range) -> int:
        ForumReminder.objects.all().delete()
        now = _crowd(acme, forum, meeting, indexes)
        with CaptureQueriesContext(connection) as ctx:
            ids = reminders.forum_reminders_plan(workspace=acme.workspace, now=now)
        # Each meeting's agenda to its four people, each minutes prompt, each action.
        assert len(ids) == indexes.stop * (4 + 1 + 1)
        return len(ctx)

    assert queries(range(1)) == queries(range(1, 6))


# --- Tasks and beat ------------------------------------------------------------------------


def test_tasks_plan_each_workspace_and_take_ids_and_a_moment(
    acme, globex, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    planned_for = []
    monkeypatch.setattr(
        tasks.plan_workspace_forum_reminders,
        "apply_async",
        lambda args, expires: planned_for.append((args[0], expires)),
    )
    assert tasks.plan_forum_reminders.delay().get() == 2
    assert sorted(planned_for) == sorted([(acme.workspace.pk, 840), (globex.pk, 840)])
    monkeypatch.undo()
    at = (meeting.starts_at - DAY + HOUR).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_workspace_forum_reminders.delay(acme.workspace.pk, at).get() == 3
    assert tasks.plan_workspace_forum_reminders.delay(999_999).get() == 0
    assert len(mail.outbox) == 3


def test_the_daily_task_keeps_meetings_planned_to_the_moving_horizon(acme, forum):
    last = forum.meetings.order_by("-starts_at")[0]
    last.delete()  # as if the horizon had just moved past it
    assert tasks.plan_meetings.delay().get() == 1
    assert forum.meetings.filter(occurrence=last.occurrence).exists()
    assert tasks.plan_forum_meetings.delay(forum.pk).get() == 0
    assert tasks.plan_forum_meetings.delay(999_999).get() == 0


def test_beat_plans_forum_reminders_and_meetings_each_before_its_next_run():
    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["forums.tasks.plan_forum_reminders"]["schedule"] == 15 * 60
    assert entries["forums.tasks.sweep_forum_reminders"]["schedule"] == 5 * 60
    assert entries["forums.tasks.plan_meetings"]["schedule"] == 24 * 60 * 60
    for entry in entries.values():
        assert entry["options"]["expires"] < entry["schedule"]
