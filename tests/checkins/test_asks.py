"""Asks between departments: the inbox, commit, decline, deliver, and late asks."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from checkins.cycles import current_bounds
from checkins.models import Ask, Reminder
from checkins.selectors import asks_for_goal
from checkins.services.reminders import reminders_plan
from core.models import Notification
from tests.checkins.conftest import local
from tests.factories import GoalFactory

INBOX = reverse("ask_inbox", kwargs={"ws": "acme"})


def respond_url(ask, ws="acme") -> str:
    return reverse("ask_respond", kwargs={"ws": ws, "pk": ask.pk})


@pytest.fixture
def ask(acme, goal) -> Ask:
    """Product (leo) asks sales (sam) for case studies, due in a month."""
    return Ask.objects.create(
        workspace=acme.workspace,
        goal=goal,
        from_department=acme.product,
        to_department=acme.sales,
        text="Two customer case studies",
        due_on=acme.workspace.today() + dt.timedelta(days=30),
        created_by=acme.leo,
    )


def test_inbox_lists_the_asks_to_my_departments(acme, ask, sam, as_user):
    GoalFactory(workspace=acme.workspace)
    Ask.objects.create(
        workspace=acme.workspace,
        goal=ask.goal,
        from_department=acme.sales,
        to_department=acme.operations,
        text="Not for sales",
        due_on=ask.due_on,
    )
    page = as_user(sam).get(INBOX)
    assert [a.text for a in page.context["page"]] == ["Two customer case studies"]
    assert page.context["page"][0].answerable
    assert "Commit<span" in page.content.decode()


def test_sent_box_lists_what_my_departments_asked(acme, ask, as_user):
    page = as_user(acme.leo).get(INBOX + "?box=sent")
    assert [a.pk for a in page.context["page"]] == [ask.pk]
    assert not page.context["page"][0].answerable


def test_a_member_sees_the_inbox_but_no_actions(acme, ask, as_user):
    page = as_user(acme.mia).get(INBOX)
    assert page.status_code == 200
    assert list(page.context["page"]) == []
    assert "No asks for your departments" in page.content.decode()


def test_commit_with_a_date_tells_the_asking_lead(acme, ask, sam, as_user):
    date = ask.due_on - dt.timedelta(days=5)
    response = as_user(sam).post(
        respond_url(ask),
        {"action": "commit", "committed_on": date.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "ask-answered" in response.headers["HX-Trigger"]
    assert f"Committed for {date:%-d %b}" in response.content.decode()
    ask.refresh_from_db()
    assert (ask.status, ask.committed_on, ask.responded_by) == ("committed", date, sam)
    note = Notification.objects.get(recipient=acme.leo)
    assert note.title.startswith("Sales committed to deliver by")
    assert mail.outbox == []


def test_decline_with_a_reason_emails_both_leads(
    acme, ask, sam, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(acme.ada).post(
            respond_url(ask), {"action": "decline", "decline_reason": "No customers yet."}
        )
    assert response.status_code == 302
    ask.refresh_from_db()
    assert (ask.status, ask.decline_reason) == ("declined", "No customers yet.")
    assert sorted(m.to[0] for m in mail.outbox) == ["leo@acme.test", "sam@acme.test"]
    assert mail.outbox[0].subject == "Sales declined an ask from Product"
    assert "No customers yet." in mail.outbox[0].body
    assert Notification.objects.filter(kind="reminder.ask_declined").count() == 2


def test_the_lead_who_declines_is_not_told_of_it(
    acme, ask, sam, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(sam).post(respond_url(ask), {"action": "decline", "decline_reason": "Busy."})
    assert [m.to for m in mail.outbox] == [["leo@acme.test"]]


def test_deliver_closes_the_ask(acme, ask, sam, as_user):
    as_user(sam).post(respond_url(ask), {"action": "deliver"})
    ask.refresh_from_db()
    assert ask.status == "delivered"
    assert Notification.objects.get(recipient=acme.leo).kind == "ask.deliver"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "commit"}, "committed_on", "Say by when you will deliver."),
        (
            {"action": "commit", "committed_on": "2020-01-01"},
            "committed_on",
            "The date cannot be in the past.",
        ),
        (
            {"action": "commit", "committed_on": "next week"},
            "committed_on",
            "Enter a date, such as 2026-12-04.",
        ),
        (
            {"action": "decline", "decline_reason": "  "},
            "decline_reason",
            "Say why you decline, so the other side can plan around it.",
        ),
        (
            {"action": "shrug"},
            "action",
            "Select a valid choice. shrug is not one of the available choices.",
        ),
    ],
)
def test_bad_answer_is_refused_next_to_the_field(acme, ask, sam, as_user, data, field, message):
    response = as_user(sam).post(respond_url(ask), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert message in response.content.decode() or field == "action"
    ask.refresh_from_db()
    assert ask.status == "open"
    assert not Notification.objects.exists()


def test_bad_answer_without_javascript_shows_the_inbox_with_the_error(acme, ask, sam, as_user):
    response = as_user(sam).post(respond_url(ask), {"action": "decline"})
    assert response.status_code == 400
    assert "Say why you decline" in response.content.decode()
    assert Ask.objects.get().status == "open"


def test_an_answered_ask_cannot_be_answered_again(acme, ask, sam, as_user):
    Ask.objects.filter(pk=ask.pk).update(status="delivered")
    response = as_user(sam).post(respond_url(ask), {"action": "decline", "decline_reason": "x"})
    assert response.status_code == 400
    assert "This ask is already delivered." in response.content.decode()
    assert Ask.objects.get().status == "delivered"


def test_the_asking_lead_cannot_answer_for_the_other_department(acme, ask, sam, as_user):
    response = as_user(acme.leo).post(respond_url(ask), {"action": "deliver"})
    assert response.status_code == 403
    assert Ask.objects.get().status == "open"


def test_ask_of_another_workspace_is_404(acme, ask, globex, as_user):
    first, second = globex.departments.order_by("name")[:2]
    foreign = Ask.objects.create(
        workspace=globex,
        goal=GoalFactory(workspace=globex),
        from_department=first,
        to_department=second,
        text="x",
        due_on=ask.due_on,
    )
    assert as_user(acme.ada).post(respond_url(foreign), {"action": "deliver"}).status_code == 404
    assert Ask.objects.get(pk=foreign.pk).status == "open"


# --- Late asks ---------------------------------------------------------------------------


def _make_late(ask: Ask) -> None:
    Ask.objects.filter(pk=ask.pk).update(due_on=dt.date(2026, 1, 5))


def _plan_in_a_quiet_week(workspace) -> None:
    """Plan at 10:00 on the first Monday of the cycle, when no check-in reminder is due."""
    reminders_plan(workspace=workspace, now=local(workspace, current_bounds(workspace).starts_on))


def test_late_asks_are_emailed_to_both_leads_once(
    acme, ask, sam, django_capture_on_commit_callbacks
):
    _make_late(ask)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _plan_in_a_quiet_week(acme.workspace)
    late = Reminder.objects.filter(kind="ask_late")
    assert sorted(late.values_list("recipient__username", flat=True)) == ["leo", "sam"]
    assert sorted(m.to[0] for m in mail.outbox) == ["leo@acme.test", "sam@acme.test"]
    assert mail.outbox[0].subject == "Late ask: Product → Sales"


def test_a_delivered_ask_is_not_late(acme, ask, sam, django_capture_on_commit_callbacks):
    _make_late(ask)
    Ask.objects.filter(pk=ask.pk).update(status="delivered")
    with django_capture_on_commit_callbacks(execute=True):
        _plan_in_a_quiet_week(acme.workspace)
    assert not Reminder.objects.exists()


def test_a_commitment_moves_the_date_an_ask_is_late_from(acme, ask):
    today = acme.workspace.today()
    Ask.objects.filter(pk=ask.pk).update(
        due_on=today - dt.timedelta(days=3),
        status="committed",
        committed_on=today + dt.timedelta(days=3),
    )
    [flagged] = asks_for_goal(ask.goal, today=today)
    assert flagged.late == 0
    Ask.objects.filter(pk=ask.pk).update(committed_on=today - dt.timedelta(days=1))
    assert asks_for_goal(ask.goal, today=today)[0].late == 1


def test_asks_for_goal_lists_late_ones_first(acme, ask, goal):
    today = acme.workspace.today()
    late = Ask.objects.create(
        workspace=acme.workspace,
        goal=goal,
        from_department=acme.product,
        to_department=acme.marketing,
        text="Launch copy",
        due_on=today - dt.timedelta(days=1),
    )
    assert [(a.pk, a.late) for a in asks_for_goal(goal, today=today)] == [(late.pk, 1), (ask.pk, 0)]


# --- Query counts --------------------------------------------------------------------------


def _asks(acme, goal, count: int) -> None:
    Ask.objects.bulk_create(
        Ask(
            workspace=acme.workspace,
            goal=goal,
            from_department=acme.product,
            to_department=acme.sales,
            text=f"Ask {n}",
            due_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            created_by=acme.leo,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("box", ["received", "sent"])
def test_inbox_query_count_stays_the_same_as_asks_grow(
    acme, goal, sam, as_user, count_queries, box
):
    client = as_user(sam if box == "received" else acme.leo)
    _asks(acme, goal, 10)
    small = count_queries(client, f"{INBOX}?box={box}")
    _asks(acme, goal, 40)
    assert count_queries(client, f"{INBOX}?box={box}") == small
    assert small.count <= 12


def test_answer_query_count_stays_the_same_as_asks_grow(acme, goal, sam, as_user, count_queries):
    client = as_user(sam)
    _asks(acme, goal, 10)
    first, second = Ask.objects.order_by("pk")[:2]
    small = count_queries(
        client,
        respond_url(first),
        method="post",
        data={"action": "commit", "committed_on": "2099-01-01"},
        HTTP_HX_REQUEST="true",
    )
    _asks(acme, goal, 40)
    large = count_queries(
        client,
        respond_url(second),
        method="post",
        data={"action": "commit", "committed_on": "2099-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert large == small


def test_asks_for_goal_defaults_to_the_workspaces_today(acme, ask, goal):
    assert [a.pk for a in asks_for_goal(goal)] == [ask.pk]


@pytest.mark.parametrize("query", ["?status=bogus", "?box=elsewhere", "?page=abc", "?page=999"])
def test_garbled_inbox_filters_fall_back_to_all_asks(acme, ask, sam, as_user, query):
    response = as_user(sam).get(INBOX + query)
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [ask.pk]


@pytest.mark.parametrize(
    ("status", "expected"), [("open", 1), ("committed", 0), ("late", 0), ("", 1)]
)
def test_inbox_filters_by_status(acme, ask, sam, as_user, status, expected):
    page = as_user(sam).get(f"{INBOX}?status={status}").context["page"]
    assert len(page.object_list) == expected
