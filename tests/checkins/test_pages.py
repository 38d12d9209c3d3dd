"""The dashboard panel, My check-ins, notifications and reminder settings."""

import datetime as dt

import pytest
from django.urls import reverse

from checkins.models import Ask, CheckIn, ReminderPreference
from checkins.services.cycles import cycle_current
from core.models import Notification
from goals.models import Goal
from teams.models import Workspace
from tests.factories import GoalFactory


def ws_url(name: str, ws: str = "acme", **kwargs) -> str:
    return reverse(name, kwargs={"ws": ws, **kwargs})


@pytest.fixture
def past_due(monkeypatch, bounds):
    """Pages see the day after the current cycle's due date."""
    monkeypatch.setattr(
        Workspace, "today", lambda workspace, now=None: bounds.due_on + dt.timedelta(days=1)
    )


@pytest.fixture
def before_due(monkeypatch, bounds):
    """Pages see the current cycle's first day, before anything is due."""
    monkeypatch.setattr(Workspace, "today", lambda workspace, now=None: bounds.starts_on)


def _check_in(goal: Goal, author=None) -> CheckIn:
    return CheckIn.objects.create(
        cycle=cycle_current(workspace=goal.workspace), goal=goal, confidence=7, author=author
    )


# --- The dashboard panel ---------------------------------------------------------------


def test_panel_shows_completion_per_department(acme, goal, as_user, before_due):
    shared = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], status="draft")
    _check_in(shared)
    response = as_user(acme.mia).get(ws_url("checkin_panel"))
    rows = {d.name: (d.done, d.owed) for d in response.context["departments"]}
    assert rows["Product"] == (1, 2)
    assert rows["Sales"] == (1, 1)
    assert rows["Marketing"] == (0, 0)
    assert "1 of 2" in response.content.decode()
    assert response.context["overdue"] == []


def test_panel_lists_overdue_check_ins_after_the_due_date(acme, goal, as_user, past_due):
    done = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    _check_in(done)
    response = as_user(acme.mia).get(ws_url("checkin_panel"))
    assert [g.pk for g in response.context["overdue"]] == [goal.pk]
    assert "past due" in response.content.decode()


def test_panel_flags_late_and_declined_asks(acme, goal, as_user):
    today = dt.date.today()
    common = {"workspace": acme.workspace, "goal": goal, "from_department": acme.product}
    Ask.objects.create(
        **common, to_department=acme.sales, text="Late one", due_on=today - dt.timedelta(days=2)
    )
    Ask.objects.create(
        **common,
        to_department=acme.marketing,
        text="Declined one",
        due_on=today + dt.timedelta(days=9),
        status="declined",
        decline_reason="No budget",
        responded_at=dt.datetime.now(dt.UTC),
    )
    Ask.objects.create(
        **common,
        to_department=acme.operations,
        text="Fine one",
        due_on=today + dt.timedelta(days=9),
    )
    page = as_user(acme.mia).get(ws_url("checkin_panel")).content.decode()
    assert "Late one" in page
    assert "Declined one" in page
    assert "No budget" in page
    assert "Fine one" not in page


def test_panel_flags_declines_of_the_last_two_weeks_only_late_ones_first(
    acme, goal, as_user, monkeypatch
):
    today = dt.date(2026, 11, 20)
    monkeypatch.setattr(Workspace, "today", lambda workspace, now=None: today)
    common = {"workspace": acme.workspace, "goal": goal, "from_department": acme.product}
    start_of = dt.datetime.combine(today - dt.timedelta(days=14), dt.time(), tzinfo=dt.UTC)
    for text, responded_at in [
        ("Declined on the first day", start_of),
        ("Declined the day before", start_of - dt.timedelta(seconds=1)),
    ]:
        Ask.objects.create(
            **common,
            to_department=acme.marketing,
            text=text,
            due_on=today - dt.timedelta(days=30),
            status="declined",
            decline_reason="No budget",
            responded_at=responded_at,
        )
    Ask.objects.create(
        **common, to_department=acme.sales, text="Late one", due_on=today - dt.timedelta(days=1)
    )

    asks = as_user(acme.mia).get(ws_url("checkin_panel")).context["asks"]

    assert [ask.text for ask in asks] == ["Late one", "Declined on the first day"]


def test_panel_without_goals_says_what_owes_check_ins(acme, as_user):
    page = as_user(acme.mia).get(ws_url("checkin_panel")).content.decode()
    assert "No goal owes a check-in this cycle" in page
    assert "No late or declined asks" in page


def _grow(acme, count: int) -> None:
    today = dt.date.today()
    for n in range(count):
        goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])
        if n % 2:
            _check_in(goal, author=acme.leo)
        Ask.objects.create(
            workspace=acme.workspace,
            goal=goal,
            from_department=acme.product,
            to_department=acme.sales,
            text=f"Ask {n}",
            due_on=today - dt.timedelta(days=1),
            created_by=acme.leo,
        )
        Notification.objects.create(
            workspace=acme.workspace, recipient=acme.leo, kind="t", title=f"N{n}", url="/"
        )


@pytest.mark.parametrize(
    ("name", "persona", "budget"),
    [
        ("checkin_panel", "mia", 6),
        ("my_checkins", "leo", 12),
        ("ask_inbox", "leo", 12),
        ("notifications", "leo", 12),
        ("reminder_settings", "leo", 12),
    ],
)
def test_page_query_count_stays_the_same_as_data_grows(
    acme, as_user, count_queries, past_due, name, persona, budget
):
    client = as_user(getattr(acme, persona))
    _grow(acme, 10)
    small = count_queries(client, ws_url(name))
    _grow(acme, 40)
    assert count_queries(client, ws_url(name)) == small
    assert small.count <= budget


# --- My check-ins ------------------------------------------------------------------------


def test_my_check_ins_lists_what_i_owe_what_is_overdue_and_what_i_sent(
    acme, goal, as_user, past_due
):
    done = GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], title="Ship the API"
    )
    _check_in(done, author=acme.leo)
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], title="Not mine")
    response = as_user(acme.leo).get(ws_url("my_checkins"))
    assert [g.title for g in response.context["owed"]] == [goal.title]
    assert [g.title for g in response.context["done"]] == ["Ship the API"]
    assert [c.goal.title for c in response.context["page"]] == ["Ship the API"]
    page = response.content.decode()
    assert "Overdue" in page
    assert "overdue since" in page
    assert f'Check in<span class="visually-hidden"> on {goal.title}' in page


def test_a_member_owes_no_check_ins_and_is_told_why(acme, goal, as_user):
    page = as_user(acme.mia).get(ws_url("my_checkins")).content.decode()
    assert "You owe no check-ins" in page


# --- Notifications -----------------------------------------------------------------------


def _note(acme, user, title="Check-in due", url="/w/acme/checkins/") -> Notification:
    return Notification.objects.create(
        workspace=acme.workspace, recipient=user, kind="t", title=title, url=url
    )


def test_the_bell_counts_my_unread_notifications(acme, as_user):
    _note(acme, acme.leo)
    _note(acme, acme.leo)
    Notification.objects.create(
        workspace=acme.workspace,
        recipient=acme.leo,
        kind="t",
        title="Old",
        read_at=dt.datetime.now(dt.UTC),
    )
    _note(acme, acme.claire)
    page = as_user(acme.leo).get(ws_url("my_checkins")).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page


def test_the_bell_asks_again_each_minute_and_tells_its_count(acme, as_user, count_queries):
    page = as_user(acme.leo).get(ws_url("my_checkins")).content.decode()
    bell = ws_url("notification_bell")
    assert f'hx-get="{bell}" hx-trigger="every 60s" hx-swap="outerHTML"' in page
    assert 'data-announce-state="No unread notifications"' in page
    _note(acme, acme.leo)
    client = as_user(acme.leo)
    response = client.get(bell, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'aria-label="Notifications, 1 unread"' in html
    assert 'data-announce-state="1 unread notification"' in html
    assert "active" not in html
    assert 'aria-current="page"' in client.get(f"{bell}?here=1").content.decode()
    for _ in range(20):
        _note(acme, acme.leo)
    assert count_queries(client, bell).count <= 6


def test_opening_a_notification_marks_it_read_and_follows_it(acme, as_user):
    note = _note(acme, acme.leo)
    response = as_user(acme.leo).get(ws_url("notification_open", pk=note.pk))
    assert response["Location"] == "/w/acme/checkins/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_notification_never_sends_anyone_off_site(acme, as_user):
    note = _note(acme, acme.leo, url="https://evil.example/")
    response = as_user(acme.leo).get(ws_url("notification_open", pk=note.pk))
    assert response["Location"] == ws_url("notifications")


def test_someone_elses_notification_is_404(acme, as_user):
    note = _note(acme, acme.claire)
    assert as_user(acme.leo).get(ws_url("notification_open", pk=note.pk)).status_code == 404
    assert (
        as_user(acme.leo)
        .post(ws_url("notifications_mark_read"), {"notification": note.pk})
        .status_code
        == 302
    )
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_through_htmx_refreshes_the_list_and_the_bell(acme, as_user):
    for _ in range(3):
        _note(acme, acme.leo)
    response = as_user(acme.leo).post(ws_url("notifications_mark_read"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "notifications-read" in response.headers["HX-Trigger"]
    assert 'id="notification-bell" hx-swap-oob="true"' in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_a_garbled_notification_id_says_so(acme, as_user):
    _note(acme, acme.leo)
    client = as_user(acme.leo)
    response = client.post(
        ws_url("notifications_mark_read"), {"notification": "1 OR 1=1"}, follow=True
    )
    assert "That notification does not exist." in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_guest_reads_their_notifications(acme, as_user):
    _note(acme, acme.gus, title="Partner review on Friday")
    assert (
        "Partner review on Friday"
        in as_user(acme.gus).get(ws_url("notifications")).content.decode()
    )


def test_notification_queries_stay_the_same_as_they_grow(acme, as_user, count_queries):
    client = as_user(acme.leo)
    for _ in range(10):
        _note(acme, acme.leo)
    note = _note(acme, acme.leo)
    small_open = count_queries(client, ws_url("notification_open", pk=note.pk))
    small_read = count_queries(
        client, ws_url("notifications_mark_read"), method="post", HTTP_HX_REQUEST="true"
    )
    for _ in range(40):
        _note(acme, acme.leo)
    assert count_queries(client, ws_url("notification_open", pk=note.pk)) == small_open
    assert (
        count_queries(
            client, ws_url("notifications_mark_read"), method="post", HTTP_HX_REQUEST="true"
        )
        == small_read
    )
    assert small_read.count <= 6


# --- Reminder settings -------------------------------------------------------------------


def test_reminder_settings_start_with_everything_on(acme, as_user):
    form = as_user(acme.leo).get(ws_url("reminder_settings")).context["form"]
    assert all(
        form[name].value() for name in ("before_due", "nudge", "escalation", "asks", "by_email")
    )


def test_saving_reminder_settings(acme, as_user):
    client = as_user(acme.leo)
    response = client.post(
        ws_url("reminder_settings"), {"before_due": "on", "asks": "on"}, follow=True
    )
    assert "Saved which reminders you get." in response.content.decode()
    preference = ReminderPreference.objects.get(user=acme.leo)
    assert (preference.before_due, preference.nudge, preference.escalation) == (True, False, False)
    assert (preference.asks, preference.by_email) == (True, False)


def test_garbled_reminder_settings_are_read_as_plain_choices(acme, as_user):
    response = as_user(acme.leo).post(
        ws_url("reminder_settings"), {"nudge": "maybe", "by_email": "false"}
    )
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=acme.leo)
    assert (preference.nudge, preference.by_email, preference.before_due) == (True, False, False)
