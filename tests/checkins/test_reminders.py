"""Reminders: planned once per (cycle, goal, person, kind), claimed before sending, swept
when lost; and the signed link they carry."""

import datetime as dt
import logging
import re
import smtplib
import time
from collections import Counter
from typing import ClassVar

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from checkins import tasks
from checkins.links import checkin_link_token
from checkins.models import Ask, CheckIn, Reminder, ReminderPreference
from checkins.services import reminders
from checkins.services.cycles import cycle_current
from core.models import Notification
from goals.models import Goal
from teams.models import Membership
from tests.checkins.conftest import local
from tests.factories import GoalFactory

DAY = dt.timedelta(days=1)


@pytest.fixture
def plan(acme, django_capture_on_commit_callbacks):
    """``plan(day)`` plans acme's reminders at 10:00 on ``day`` and sends them (eagerly)."""

    def run(day: dt.date) -> list[int]:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reminders_plan(
                workspace=acme.workspace, now=local(acme.workspace, day)
            )

    return run


def sent_to(kind: str) -> list[str]:
    return sorted(
        Reminder.objects.filter(kind=kind, status="sent").values_list(
            "recipient__username", flat=True
        )
    )


def test_before_the_due_date_the_lead_gets_one_email_with_a_link_into_the_form(
    acme, goal, bounds, plan, as_user
):
    plan(bounds.due_on - DAY)
    plan(bounds.due_on - DAY)
    [email] = mail.outbox
    assert email.to == ["leo@acme.test"]
    assert (
        email.subject
        == f"Check-in due {bounds.due_on:%A} {bounds.due_on.day} {bounds.due_on:%B}: {goal.title}"
    )
    assert email.alternatives[0][1] == "text/html"
    assert "Log the check-in" in email.alternatives[0][0]
    reminder = Reminder.objects.get()
    assert email.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@127.0.0.1>"
    assert (reminder.kind, reminder.status, reminder.attempts) == ("before_due", "sent", 1)
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/w/acme/checkins/link/\S+/)", email.body)[1]
    response = as_user(acme.leo).get(link)
    assert response["Location"] == reverse("checkin_form", kwargs={"ws": "acme", "goal": goal.pk})
    note = Notification.objects.get(recipient=acme.leo)
    assert note.kind == "reminder.before_due"
    assert note.url == response["Location"]


def test_nothing_is_due_in_the_first_week_of_a_cycle(acme, goal, bounds, plan):
    assert plan(bounds.starts_on) == []
    assert mail.outbox == []


def test_after_the_due_date_a_nudge_then_an_escalation_to_the_executive(acme, goal, bounds, plan):
    plan(bounds.due_on + DAY)
    assert sent_to("nudge") == ["leo"]
    assert sent_to("escalation") == []
    plan(bounds.due_on + 2 * DAY)
    assert sent_to("nudge") == ["leo"]
    assert sent_to("escalation") == ["claire"]
    assert [m.to[0] for m in mail.outbox] == ["leo@acme.test", "claire@acme.test"]
    assert mail.outbox[1].subject == f"Check-in overdue in Product: {goal.title}"
    assert "Leo" in mail.outbox[1].body


def test_a_shared_goal_reminds_the_lead_of_each_owner(acme, goal, sam, bounds, plan):
    goal.owner_departments.add(acme.sales)
    plan(bounds.due_on)
    assert sent_to("before_due") == ["leo", "sam"]


def test_goals_checked_in_closed_or_draft_owe_nothing(acme, goal, bounds, plan):
    CheckIn.objects.create(cycle=cycle_current(workspace=acme.workspace), goal=goal, confidence=7)
    for status in ("draft", "achieved", "dropped"):
        GoalFactory(workspace=acme.workspace, owner_departments=[acme.product], status=status)
    assert plan(bounds.due_on) == []


def test_a_lead_who_left_the_workspace_is_not_reminded(acme, goal, bounds, plan):
    Membership.objects.filter(user=acme.leo).delete()
    assert plan(bounds.due_on) == []


def test_people_choose_which_reminders_they_get(acme, goal, bounds, plan):
    ReminderPreference.objects.create(workspace=acme.workspace, user=acme.leo, nudge=False)
    ReminderPreference.objects.create(workspace=acme.workspace, user=acme.claire, by_email=False)
    plan(bounds.due_on + 2 * DAY)
    assert sent_to("nudge") == []
    assert sent_to("escalation") == ["claire"]
    assert mail.outbox == []
    assert Notification.objects.get().recipient == acme.claire


def _pending(acme, goal, **fields) -> Reminder:
    defaults = {
        "cycle": cycle_current(workspace=acme.workspace),
        "recipient": acme.leo,
        "kind": "nudge",
    }
    return Reminder.objects.create(workspace=acme.workspace, goal=goal, **(defaults | fields))


def test_an_attempt_after_one_that_never_finished_warns_of_a_possible_duplicate(acme, goal, caplog):
    """A claimed row whose worker died mid-send is retried with a warning: the message may
    have left already."""
    reminder = _pending(acme, goal)
    Reminder.objects.filter(pk=reminder.pk).update(attempts=1)  # claimed, then the worker died
    with caplog.at_level(logging.WARNING):
        assert reminders.reminders_send(reminder_ids=[reminder.pk]) == {reminder.pk: "sent"}
    assert f"Reminder {reminder.pk}: attempt 2 after an unfinished one" in caplog.text


def test_a_reminder_is_claimed_once_so_a_second_delivery_sends_nothing(acme, goal):
    reminder = _pending(acme, goal)
    assert reminders.reminders_send(reminder_ids=[reminder.pk]) == {reminder.pk: "sent"}
    assert reminders.reminders_send(reminder_ids=[reminder.pk]) == {reminder.pk: "skipped"}
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_reminder_gone_or_moot_is_dropped_quietly(acme, goal):
    assert tasks.send_reminders.delay([999_999]).get() == {"skipped": 1}
    reminder = _pending(acme, goal)
    CheckIn.objects.create(cycle=reminder.cycle, goal=goal, confidence=7)
    assert tasks.send_reminders.delay([reminder.pk]).get() == {"cancelled": 1}
    assert mail.outbox == []


def test_a_row_claimed_since_the_batch_was_read_is_left_to_its_claimer(acme, goal, monkeypatch):
    first, second = _pending(acme, goal), _pending(acme, goal, kind="escalation")
    real = reminders._for_sending

    def read_then_lose_the_race(ids):
        batch = real(ids)
        Reminder.objects.filter(pk=second.pk).update(status="sending", attempts=1)
        return batch

    monkeypatch.setattr(reminders, "_for_sending", read_then_lose_the_race)
    outcomes = reminders.reminders_send(reminder_ids=[first.pk, second.pk])
    assert outcomes == {first.pk: "sent", second.pk: "skipped"}
    assert [m.to for m in mail.outbox] == [["leo@acme.test"]]
    second.refresh_from_db()
    assert (second.status, second.attempts) == ("sending", 1)


class SessionBackend(locmem.EmailBackend):
    """The test mailbox, counting the messages sent in each session opened."""

    sessions: ClassVar[list[int]] = []

    def open(self) -> bool:
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        self.sessions.append(0)
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, messages) -> int:
        assert getattr(self, "is_open", False), "each message goes through an open session"
        self.sessions[-1] += len(messages)
        return super().send_messages(messages)


@pytest.fixture
def sessions(settings) -> list[int]:
    settings.EMAIL_BACKEND = "tests.checkins.test_reminders.SessionBackend"
    SessionBackend.sessions = []
    return SessionBackend.sessions


def _owed(acme, count: int) -> list[Goal]:
    return [
        GoalFactory(
            workspace=acme.workspace, owner_departments=[acme.product], status=Goal.Status.ON_TRACK
        )
        for _ in range(count)
    ]


def test_reminders_go_out_in_batches_each_over_one_smtp_session(
    acme, bounds, plan, sessions, monkeypatch
):
    monkeypatch.setattr(reminders, "SEND_BATCH", 2)
    _owed(acme, 5)
    assert len(plan(bounds.due_on)) == 5
    assert sessions == [2, 2, 1]
    assert len(mail.outbox) == 5
    assert Reminder.objects.filter(status="sent", attempts=1).count() == 5
    assert Notification.objects.count() == 5


def _batch(acme, goals, sam) -> list[int]:
    """Reminders of every kind, check-ins and asks, for ``goals``; their ids."""
    ask = Ask.objects.create(
        workspace=acme.workspace,
        goal=goals[0],
        from_department=acme.product,
        to_department=acme.sales,
        text="Two customer case studies",
        due_on=acme.workspace.today() + DAY,
        created_by=acme.leo,
    )
    rows = [_pending(acme, goal, kind=kind) for goal in goals for kind in Reminder.CHECKIN_KINDS]
    rows.append(_pending(acme, goals[0], cycle=None, ask=ask, kind="ask_received", recipient=sam))
    return [row.pk for row in rows]


def test_a_batch_reads_its_data_at_once_and_writes_each_row_on_its_own(acme, sam):
    def queries(count: int) -> list[str]:
        ids = _batch(acme, _owed(acme, count), sam)
        with CaptureQueriesContext(connection) as ctx:
            outcomes = reminders.reminders_send(reminder_ids=ids)
        assert set(outcomes.values()) == {"sent"}
        return [q["sql"].split()[0] for q in ctx.captured_queries]

    small, large = queries(1), queries(6)
    reads = [sql for sql in small if sql == "SELECT"]
    # The rows, their goals' departments (and their people), the asks.
    assert len(reads) == 3, small
    assert [sql for sql in large if sql == "SELECT"] == reads
    # Each row: its claim (UPDATE), then its sent mark (UPDATE) and notification (INSERT).
    writes = Counter(sql for sql in large if sql in {"UPDATE", "INSERT"})
    assert writes == {"UPDATE": 2 * (3 * 6 + 1), "INSERT": 3 * 6 + 1}


def test_an_smtp_error_is_retried_and_the_reminder_sent_once(acme, goal, monkeypatch):
    real, calls = reminders.send_templated_mail, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("connection dropped")
        real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated_mail", flaky)
    rows = [_pending(acme, goal, kind=kind) for kind in Reminder.CHECKIN_KINDS]
    tasks.send_reminders.delay([row.pk for row in rows])
    got = {row.pk: (row.status, row.attempts, row.last_error) for row in Reminder.objects.all()}
    assert got == {
        rows[0].pk: ("sent", 1, ""),
        rows[1].pk: ("sent", 2, ""),
        rows[2].pk: ("sent", 1, ""),
    }
    assert sorted(m.extra_headers["X-Alignment-Reminder"] for m in mail.outbox) == sorted(
        str(row.pk) for row in rows
    )


def _sweep_now(django_capture_on_commit_callbacks) -> list[int]:
    """The sweep, with the rows handed back just now already due again; sends eagerly."""
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.reminders_sweep(pending_after=dt.timedelta(0))


def _states() -> list[tuple[str, int]]:
    return list(Reminder.objects.order_by("pk").values_list("status", "attempts"))


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("smtp.example.com refused"),
        # 5xx, yet about our session or sender: every message would meet it.
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender rejected", "noreply@alignment.test"),
    ],
)
def test_a_mail_server_outage_hands_the_batch_back_and_the_sweep_sends_it_later(
    acme, goal, monkeypatch, django_capture_on_commit_callbacks, error, caplog
):
    real, calls = reminders.send_templated_mail, []

    def down(**kwargs):
        calls.append(kwargs["headers"]["X-Alignment-Reminder"])
        raise error

    monkeypatch.setattr(reminders, "send_templated_mail", down)
    rows = [_pending(acme, goal, kind=kind) for kind in Reminder.CHECKIN_KINDS]
    ids = [row.pk for row in rows]
    retries = tasks.send_reminders.max_retries
    # The task's own retries, final one included, try the first row only: none fails.
    assert tasks.send_reminders.delay(ids).get() == {"pending": 3}
    assert calls == [str(ids[0])] * (retries + 1)
    assert _states() == [("pending", retries + 1), ("pending", 0), ("pending", 0)]
    assert Reminder.objects.get(pk=ids[0]).last_error.startswith(type(error).__name__)
    assert not Reminder.objects.filter(queued_at__isnull=True).exists()

    monkeypatch.setattr(reminders, "send_templated_mail", real)
    with caplog.at_level(logging.WARNING):
        assert sorted(_sweep_now(django_capture_on_commit_callbacks)) == ids
    assert _states() == [("sent", retries + 2), ("sent", 1), ("sent", 1)]
    # Every earlier attempt ended with a recorded error: no duplicate is possible, none warned.
    assert "after an unfinished one" not in caplog.text
    assert sorted(m.extra_headers["X-Alignment-Reminder"] for m in mail.outbox) == sorted(
        str(pk) for pk in ids
    )
    assert Notification.objects.count() == 3
    assert _sweep_now(django_capture_on_commit_callbacks) == []
    assert len(mail.outbox) == 3


def test_a_reminder_fails_only_after_its_own_max_attempts(
    acme, goal, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(**kwargs):
        raise ConnectionRefusedError("smtp.example.com refused")

    monkeypatch.setattr(reminders, "send_templated_mail", down)
    rows = [_pending(acme, goal, kind=kind) for kind in Reminder.CHECKIN_KINDS]
    tasks.send_reminders.delay([row.pk for row in rows])
    with caplog.at_level(logging.ERROR):
        while _sweep_now(django_capture_on_commit_callbacks):
            failed = Reminder.objects.filter(status="failed")
            assert not failed.exclude(attempts=reminders.MAX_ATTEMPTS).exists(), _states()
    assert _states() == [("failed", reminders.MAX_ATTEMPTS)] * 3
    assert set(Reminder.objects.values_list("last_error", flat=True)) == {
        "ConnectionRefusedError: smtp.example.com refused"
    }
    assert f"Reminder {rows[2].pk} failed for good" in caplog.text
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (smtplib.SMTPRecipientsRefused({"leo@acme.test": (550, b"5.1.1 No such user")}), "failed"),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), "failed"),
        (smtplib.SMTPRecipientsRefused({"leo@acme.test": (452, b"4.2.2 Mailbox full")}), "pending"),
    ],
)
def test_a_refused_recipient_holds_up_only_its_own_row(acme, goal, monkeypatch, error, status):
    real, calls = reminders.send_templated_mail, []

    def refuse_the_nudge(**kwargs):
        calls.append(1)
        if kwargs["template"] == "emails/checkin_nudge":
            raise error
        real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated_mail", refuse_the_nudge)
    rows = [_pending(acme, goal, kind=kind) for kind in Reminder.CHECKIN_KINDS]
    assert tasks.send_reminders.delay([row.pk for row in rows]).get() == {"sent": 2, status: 1}
    assert len(calls) == 3, "no retry of the batch"
    assert _states() == [("sent", 1), (status, 1), ("sent", 1)]
    assert Reminder.objects.get(kind="nudge").last_error.startswith(type(error).__name__)
    assert len(mail.outbox) == 2


def test_a_broken_message_fails_its_own_row_and_the_batch_goes_on(acme, goal, monkeypatch, caplog):
    real = reminders._content

    def broken(reminder):
        if reminder.kind == "nudge":
            raise KeyError("a template bug")
        return real(reminder)

    monkeypatch.setattr(reminders, "_content", broken)
    rows = [_pending(acme, goal, kind=kind) for kind in Reminder.CHECKIN_KINDS]
    with caplog.at_level(logging.ERROR):
        outcomes = reminders.reminders_send(reminder_ids=[row.pk for row in rows])
    assert list(outcomes.values()) == ["sent", "failed", "sent"]
    assert Reminder.objects.get(kind="nudge").last_error == "KeyError: 'a template bug'"
    assert f"Reminder {rows[1].pk} failed for good" in caplog.text
    assert len(mail.outbox) == 2


def test_sweep_puts_back_dead_claims_and_re_enqueues_lost_messages(
    acme, goal, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    dead = _pending(acme, goal, status="sending", claimed_at=long_ago, attempts=1)
    lost = _pending(acme, goal, kind="escalation", queued_at=long_ago)
    busy = _pending(
        acme, goal, kind="before_due", status="sending", claimed_at=timezone.now(), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        enqueued = reminders.reminders_sweep()
    assert sorted(enqueued) == sorted([dead.pk, lost.pk])
    dead.refresh_from_db(), lost.refresh_from_db(), busy.refresh_from_db()
    assert (dead.status, dead.attempts) == ("sent", 2)
    assert (lost.status, lost.attempts) == ("sent", 1)
    assert busy.status == "sending"


def test_sweep_reads_no_more_rows_than_its_limit(acme, goal):
    for kind in Reminder.CHECKIN_KINDS:
        _pending(acme, goal, kind=kind)
    with CaptureQueriesContext(connection) as ctx:
        enqueued = reminders.reminders_sweep(limit=2)
    assert len(enqueued) == 2
    [read] = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert read.endswith("LIMIT 2")


def test_sweep_gives_up_after_max_attempts(acme, goal):
    stuck = _pending(acme, goal, attempts=reminders.MAX_ATTEMPTS)
    reminders.reminders_sweep()
    stuck.refresh_from_db()
    assert stuck.status == "failed"


def test_a_broker_outage_leaves_the_rows_for_the_sweep(
    acme, goal, bounds, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_reminders, "apply_async", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_plan(workspace=acme.workspace, now=local(acme.workspace, bounds.due_on))
    assert "the sweep will enqueue them" in caplog.text
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.queued_at is not None) == ("pending", True)


def test_beat_plans_each_workspace_in_its_own_task(acme, globex, monkeypatch):
    planned = []
    monkeypatch.setattr(
        tasks.plan_workspace_reminders,
        "apply_async",
        lambda args, expires: planned.append((args[0], expires)),
    )
    assert tasks.plan_reminders.delay().get() == 2
    assert sorted(planned) == sorted([(acme.workspace.pk, 840), (globex.pk, 840)])


def test_planning_task_takes_ids_and_a_moment(
    acme, goal, bounds, django_capture_on_commit_callbacks
):
    at = local(acme.workspace, bounds.due_on).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_workspace_reminders.delay(acme.workspace.pk, at).get() == 1
    assert tasks.plan_workspace_reminders.delay(999_999).get() == 0
    assert len(mail.outbox) == 1


def test_beat_entries_expire_before_their_next_run():
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["options"]["expires"] < entry["schedule"]
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"checkins.tasks.plan_reminders", "checkins.tasks.sweep_reminders"} <= names


# --- The signed link ---------------------------------------------------------------------


def link(acme, goal, user, ws="acme") -> str:
    token = checkin_link_token(
        goal_id=goal.pk, cycle_id=cycle_current(workspace=goal.workspace).pk, user_id=user.pk
    )
    return reverse("checkin_link", kwargs={"ws": ws, "token": token})


def test_the_link_needs_sign_in_first(acme, goal, client):
    url = link(acme, goal, acme.leo)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url.replace(':', '%3A')}"


def test_a_tampered_link_says_so_and_changes_nothing(acme, goal, as_user):
    url = link(acme, goal, acme.leo)
    response = as_user(acme.leo).get(url.replace("/link/", "/link/x"))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_an_expired_link_says_so(acme, goal, as_user, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
        url = link(acme, goal, acme.leo)
    response = as_user(acme.leo).get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_link_sent_to_someone_else_is_refused(acme, goal, as_user):
    response = as_user(acme.claire).get(link(acme, goal, acme.leo))
    assert response.status_code == 403
    assert "sent to someone else" in response.content.decode()


def test_a_link_to_a_goal_of_another_workspace_is_404(acme, globex, as_user):
    foreign = GoalFactory(workspace=globex, status=Goal.Status.ON_TRACK)
    assert as_user(acme.leo).get(link(acme, foreign, acme.leo)).status_code == 404


def test_a_link_from_an_earlier_cycle_opens_the_current_form_and_says_so(acme, goal, as_user):
    old = cycle_current(workspace=acme.workspace, today=dt.date(2026, 1, 7))
    token = checkin_link_token(goal_id=goal.pk, cycle_id=old.pk, user_id=acme.leo.pk)
    client = as_user(acme.leo)
    response = client.get(
        reverse("checkin_link", kwargs={"ws": "acme", "token": token}), follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/checkins/goals/{goal.pk}/")
    assert "That reminder was for an earlier cycle" in response.content.decode()


def test_link_query_count_is_constant(acme, goal, as_user, count_queries):
    client = as_user(acme.leo)
    small = count_queries(client, link(acme, goal, acme.leo))
    for _ in range(20):
        GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    assert count_queries(client, link(acme, goal, acme.leo)) == small
    assert small.count <= 6
