"""The check-in form: pre-filled, saved in one step, the goal and the dashboard follow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from checkins.models import Ask, CheckIn, Reminder
from core.models import AuditEvent, Notification
from goals.models import Goal
from tests.factories import CheckInFactory, CycleFactory, GoalFactory

FUTURE = "2099-01-15"


def url(goal, ws="acme") -> str:
    return reverse("checkin_form", kwargs={"ws": ws, "goal": goal.pk})


def form_data(**fields) -> dict:
    """A check-in that moves the value to 115 with confidence 5, and the asks given as
    (department, text, date) tuples."""
    asks = fields.pop("asks", [])
    data = {
        "value": "115",
        "confidence": "5",
        "moved": "Two webinars brought 15 leads.",
        "blockers": "No case studies yet.",
        "next_steps": "Run the partner webinar.",
        "set_status": "on",
        "asks-TOTAL_FORMS": str(max(len(asks), 1)),
        "asks-INITIAL_FORMS": "0",
        "asks-MIN_NUM_FORMS": "0",
        "asks-MAX_NUM_FORMS": "10",
    }
    for index, (department, text, due) in enumerate(asks):
        data |= {
            f"asks-{index}-to_department": str(department.pk) if department else "",
            f"asks-{index}-text": text,
            f"asks-{index}-due_on": due,
        }
    return data | fields


def test_form_is_prefilled_with_the_last_check_in(acme, goal, as_user):
    old = CycleFactory(
        workspace=acme.workspace, starts_on=dt.date(2026, 1, 5), due_on=dt.date(2026, 1, 14)
    )
    CheckInFactory(cycle=old, goal=goal, value=Decimal("108"), confidence=4, blockers="Budget")
    response = as_user(acme.leo).get(url(goal))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["value"].value() == Decimal("108")
    assert form["confidence"].value() == 4
    assert form["blockers"].value() == "Budget"
    assert form["moved"].value() is None
    assert b"4/10 \xc2\xb7 At risk" in response.content


def test_first_check_in_starts_from_the_goal_and_its_status(acme, goal, as_user):
    form = as_user(acme.leo).get(url(goal)).context["form"]
    assert form["value"].value() == Decimal("100")
    assert form["confidence"].value() == 8
    assert "Current Qualified leads (leads)" in form["value"].label


def test_saving_through_htmx_updates_the_goal_and_triggers_the_dashboard(acme, goal, as_user):
    response = as_user(acme.leo).post(url(goal), form_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == f'{{"checkin-saved": {{"goal": {goal.pk}}}}}'
    assert b"Check-in saved" in response.content
    checkin = CheckIn.objects.get(goal=goal)
    assert (checkin.value, checkin.confidence, checkin.author) == (Decimal("115"), 5, acme.leo)
    assert checkin.moved == "Two webinars brought 15 leads."
    goal.refresh_from_db()
    assert goal.current_value == Decimal("115")
    assert goal.progress == 50
    assert goal.status == Goal.Status.AT_RISK
    assert b"At risk" in response.content
    assert AuditEvent.objects.filter(verb="checked_in", target_id=checkin.pk).exists()


def test_saving_without_javascript_redirects_to_my_check_ins(acme, goal, as_user):
    client = as_user(acme.leo)
    response = client.post(url(goal), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("my_checkins", kwargs={"ws": "acme"})
    page = client.get(response["Location"])
    assert "Check-in saved for “Raise qualified leads" in page.content.decode()


def test_a_second_save_in_the_cycle_corrects_the_check_in(acme, goal, as_user):
    client = as_user(acme.leo)
    client.post(url(goal), form_data())
    client.post(url(goal), form_data(value="121", confidence="8"))
    checkin = CheckIn.objects.get(goal=goal)
    assert (checkin.value, checkin.confidence) == (Decimal("121"), 8)
    goal.refresh_from_db()
    assert (goal.progress, goal.status) == (70, Goal.Status.ON_TRACK)
    assert client.get(url(goal)).context["form"]["value"].value() == Decimal("121")


def test_the_lead_may_keep_the_goal_status(acme, goal, as_user):
    data = form_data(confidence="2")
    del data["set_status"]
    as_user(acme.leo).post(url(goal), data)
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ON_TRACK, 50)


def test_asks_go_to_the_other_departments_lead_by_email_and_in_the_app(
    acme, goal, sam, as_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(acme.leo).post(
            url(goal), form_data(asks=[(acme.sales, "Two customer case studies", FUTURE)])
        )
    assert response.status_code == 302
    ask = Ask.objects.get()
    assert (ask.from_department, ask.to_department, ask.goal) == (acme.product, acme.sales, goal)
    assert (ask.status, ask.due_on, ask.created_by) == ("open", dt.date(2099, 1, 15), acme.leo)
    assert ask.checkin == CheckIn.objects.get()
    [email] = mail.outbox
    assert email.to == ["sam@acme.test"]
    assert email.subject == "Product asks Sales for help by 15 January"
    assert "Two customer case studies" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert Notification.objects.get(recipient=sam).url == reverse(
        "ask_inbox", kwargs={"ws": "acme"}
    )
    assert Reminder.objects.get().status == Reminder.Status.SENT


def test_check_in_cancels_the_cycles_reminders_not_sent_yet(acme, goal, as_user):
    from checkins.services.cycles import cycle_current

    cycle = cycle_current(workspace=acme.workspace)
    reminder = Reminder.objects.create(
        workspace=acme.workspace, cycle=cycle, goal=goal, recipient=acme.leo, kind="nudge"
    )
    as_user(acme.leo).post(url(goal), form_data())
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED


# --- Bad input: a clear message, nothing written -----------------------------------------


def _nothing_written(goal: Goal) -> None:
    assert not CheckIn.objects.exists()
    assert not Ask.objects.exists()
    goal.refresh_from_db()
    assert (goal.current_value, goal.progress, goal.status) == (Decimal("100"), 0, "on_track")


@pytest.mark.parametrize("status", ["achieved", "missed", "dropped", "draft"])
def test_closed_or_draft_goal_takes_no_check_in(acme, goal, as_user, status):
    Goal.objects.filter(pk=goal.pk).update(status=status)
    client = as_user(acme.leo)
    page = client.get(url(goal))
    assert page.status_code == 200
    assert "takes check-ins once it is active" in page.content.decode() or (
        "closed goals take no more check-ins" in page.content.decode()
    )
    assert "form" not in page.context
    response = client.post(url(goal), form_data())
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "lots", "Enter a number, such as 1250 or 12.5."),
        ("value", "", "This field is required."),
        ("confidence", "11", "Ensure this value is less than or equal to 10."),
        ("confidence", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_value_or_confidence_is_refused_next_to_the_field(
    acme, goal, as_user, field, value, message
):
    response = as_user(acme.leo).post(
        url(goal), form_data(**{field: value}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert b"is-invalid" in response.content
    _nothing_written(goal)


@pytest.mark.parametrize(
    ("ask", "field", "message"),
    [
        (("product", "Help", FUTURE), "to_department", "Choose one of the departments listed."),
        (("sales", "Help", "2020-01-01"), "due_on", "The date cannot be in the past."),
        (("sales", "", FUTURE), "text", "Say what you need."),
        ((None, "Help", FUTURE), "to_department", "Choose the department you need help from."),
        (("sales", "Help", "soon"), "due_on", "Enter a date, such as 2026-12-04."),
    ],
)
def test_bad_ask_is_refused_and_nothing_is_written(acme, goal, as_user, ask, field, message):
    department, text, due = ask
    department = getattr(acme, department) if department else None
    response = as_user(acme.leo).post(url(goal), form_data(asks=[(department, text, due)]))
    assert response.status_code == 400
    assert response.context["asks"].forms[0].errors[field] == [message]
    _nothing_written(goal)


def test_lead_of_another_department_gets_403_and_writes_nothing(acme, goal, sam, as_user):
    client = as_user(sam)
    assert client.get(url(goal)).status_code == 403
    assert client.post(url(goal), form_data()).status_code == 403
    _nothing_written(goal)


def test_a_member_gets_403_unless_named_the_departments_lead(acme, goal, as_user):
    client = as_user(acme.mia)
    assert client.post(url(goal), form_data()).status_code == 403
    _nothing_written(goal)
    acme.product.lead = acme.mia
    acme.product.save()
    assert client.post(url(goal), form_data()).status_code == 302
    assert CheckIn.objects.get().author == acme.mia


def test_goal_of_another_workspace_is_404(acme, goal, globex, as_user):
    foreign = GoalFactory(workspace=globex, owner_departments=[globex.departments.first()])
    client = as_user(acme.ada)
    assert client.get(url(foreign)).status_code == 404
    assert client.post(url(foreign), form_data()).status_code == 404
    assert not CheckIn.objects.exists()


def test_admin_may_log_for_any_department_and_asks_come_from_its_owner(acme, goal, as_user):
    response = as_user(acme.ada).post(url(goal), form_data(asks=[(acme.sales, "Quotes", FUTURE)]))
    assert response.status_code == 302
    assert Ask.objects.get().from_department == acme.product


# --- Query counts --------------------------------------------------------------------------


def _history(acme, goal, count: int) -> None:
    """``count`` more past check-ins and other goals, so the data grows."""
    done = CheckIn.objects.filter(goal=goal).count()
    for n in range(done, done + count):
        start = dt.date(2024, 1, 1) + dt.timedelta(days=14 * n)
        cycle = CycleFactory(
            workspace=acme.workspace, starts_on=start, due_on=start + dt.timedelta(days=9)
        )
        CheckInFactory(cycle=cycle, goal=goal)
        GoalFactory(workspace=acme.workspace, owner_departments=[acme.product, acme.sales])


def test_form_query_count_stays_the_same_as_history_grows(acme, goal, as_user, count_queries):
    client = as_user(acme.leo)
    _history(acme, goal, 10)
    small = count_queries(client, url(goal))
    _history(acme, goal, 40)
    assert count_queries(client, url(goal)) == small
    assert small.count <= 12


def test_htmx_save_query_count_stays_the_same_as_history_grows(acme, goal, as_user, count_queries):
    client = as_user(acme.leo)
    data = form_data(asks=[(acme.sales, "Quotes", FUTURE)])
    _history(acme, goal, 10)
    small = count_queries(client, url(goal), method="post", data=data, HTTP_HX_REQUEST="true")
    _history(acme, goal, 40)
    large = count_queries(client, url(goal), method="post", data=data, HTTP_HX_REQUEST="true")
    assert large == small
