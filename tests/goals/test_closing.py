"""Closing a goal: the retrospective it asks for, the win an achieved shared goal posts, the
notifications and emails to the departments, and the searchable lessons."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent, Notification
from goals.models import Goal, Retrospective, Win
from goals.services.closing import goal_close
from goals.services.goals import StaleGoalError, goal_update
from goals.tasks import send_win_email
from tests.callbacks import app_callbacks
from tests.factories import GoalFactory, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

LESSON = {
    "what_worked": "A weekly sync of both teams.",
    "what_to_change": "Agree the metric first.",
}


def _close(goal) -> str:
    return reverse("goal_close", kwargs={"ws": "acme", "pk": goal.pk})


@pytest.fixture
def shared(acme):
    acme.marketing.lead = acme.claire
    acme.marketing.save()
    return GoalFactory(
        workspace=acme.workspace,
        title="Increase trial sign-ups by 20%",
        owner_departments=[acme.marketing, acme.product],
        contributing_departments=[acme.sales],
    )


def test_achieving_a_shared_goal_posts_a_win_and_tells_the_departments(
    acme, as_user, shared, django_capture_on_commit_callbacks
):
    seller = UserFactory(email="sam@acme.test")
    MembershipFactory(workspace=acme.workspace, user=seller, departments=[acme.sales])
    acme.sales.lead = seller
    acme.sales.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_user(acme.claire).post(_close(shared), {"status": "achieved", **LESSON})

    assert response.status_code == 302
    assert len(app_callbacks(callbacks)) == 3
    shared.refresh_from_db()
    assert shared.status == "achieved"
    lesson = Retrospective.objects.get(goal=shared)
    assert (lesson.author, lesson.outcome) == (acme.claire, "achieved")
    win = Win.objects.get(goal=shared)
    assert win.text == "Marketing and Product achieved “Increase trial sign-ups by 20%”"
    notified = set(
        Notification.objects.filter(kind="win").values_list("recipient__username", flat=True)
    )
    assert {"claire", "leo", "mia", seller.username} <= notified
    assert "ada" not in notified
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["claire@acme.test", "leo@acme.test", "sam@acme.test"]
    )
    assert all(m.subject == "Win in Acme: Increase trial sign-ups by 20%" for m in mail.outbox)
    assert mail.outbox[0].alternatives
    event = AuditEvent.objects.get(target_id=shared.pk, verb="closed")
    assert event.changes == {"status": ["on_track", "achieved"]}


def test_the_win_is_on_the_dashboard_feed(acme, as_user, shared):
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    html = as_user(acme.mia).get(reverse("dashboard", kwargs={"ws": "acme"})).content.decode()
    assert "Marketing and Product achieved" in html


def test_a_missed_goal_records_the_lesson_but_posts_no_win(
    acme, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        goal_close(goal=shared, membership=member(acme.claire), status="missed", **LESSON)
    assert Retrospective.objects.get(goal=shared).outcome == "missed"
    assert not Win.objects.exists()
    assert not mail.outbox


def test_an_achieved_single_department_goal_posts_no_win(acme):
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    goal_close(goal=goal, membership=member(acme.leo), status="achieved", **LESSON)
    assert not Win.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "achieved", "what_worked": "", "what_to_change": "x"}, "what_worked"),
        ({"status": "achieved", "what_worked": "x", "what_to_change": "  "}, "what_to_change"),
        ({"status": "dropped", **LESSON}, "status"),
        ({**LESSON}, "status"),
    ],
)
def test_closing_without_a_retrospective_is_refused_and_nothing_is_written(
    acme, as_user, shared, data, field
):
    response = as_user(acme.claire).post(_close(shared), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    shared.refresh_from_db()
    assert shared.status == "on_track"
    assert not Retrospective.objects.exists()
    assert not Win.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(target_type="goal").exists()


def test_the_service_refuses_an_empty_retrospective_too(acme, shared):
    with pytest.raises(ValidationError) as error:
        goal_close(
            goal=shared,
            membership=member(acme.claire),
            status="achieved",
            what_worked="",
            what_to_change="",
        )
    assert set(error.value.message_dict) == {"what_worked", "what_to_change"}


def test_the_edit_path_cannot_skip_the_retrospective(acme, shared):
    with pytest.raises(ValidationError) as error:
        goal_update(goal=shared, membership=member(acme.claire), status=Goal.Status.ACHIEVED)
    assert "status" in error.value.message_dict


def test_closing_after_someone_else_saved_is_refused(acme, as_user, shared):
    goal_update(goal=shared, membership=member(acme.ada), version=1, target=Decimal(140))
    response = as_user(acme.claire).post(
        _close(shared), {"status": "achieved", "version": "1", **LESSON}
    )
    assert response.status_code == 409
    assert "Someone changed this goal" in response.content.decode()
    assert not Retrospective.objects.exists()
    with pytest.raises(StaleGoalError):
        goal_close(
            goal=shared, membership=member(acme.claire), status="missed", version=1, **LESSON
        )


def test_a_win_is_posted_once_even_when_closed_twice(acme, shared):
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    goal_update(goal=shared, membership=member(acme.claire), status=Goal.Status.ON_TRACK)
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    assert Win.objects.count() == 1
    assert Retrospective.objects.count() == 1


def test_lead_cannot_close_another_departments_goal(acme, as_user, shared):
    assert (
        as_user(acme.leo).post(_close(shared), {"status": "achieved", **LESSON}).status_code == 403
    )


def test_the_close_form_names_who_will_hear_of_the_win(acme, as_user, shared):
    html = as_user(acme.claire).get(_close(shared)).content.decode()
    assert "posts a win" in html
    assert "What worked" in html
    assert "What to change" in html


def test_win_email_task_skips_a_department_without_a_lead(acme, shared):
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    mail.outbox.clear()
    send_win_email(Win.objects.get().pk, acme.operations.pk)
    send_win_email(0, acme.marketing.pk)
    assert not mail.outbox


# --- Lessons ---------------------------------------------------------------------------------


def test_lessons_are_searchable(acme, as_user, shared):
    other = GoalFactory(
        workspace=acme.workspace, title="Reduce churn to 3%", owner_departments=[acme.product]
    )
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    goal_close(
        goal=other,
        membership=member(acme.leo),
        status="missed",
        what_worked="Exit interviews",
        what_to_change="Start the survey sooner",
    )
    url = reverse("retrospectives", kwargs={"ws": "acme"})
    client = as_user(acme.mia)
    assert len(client.get(url).context["page"].object_list) == 2
    for q, title in [
        ("survey", "Reduce churn to 3%"),
        ("weekly sync", shared.title),
        ("CHURN", "Reduce churn to 3%"),
    ]:
        lessons = client.get(url, {"q": q}).context["page"].object_list
        assert [lesson.goal.title for lesson in lessons] == [title]


def test_lesson_search_over_htmx_returns_only_the_results(acme, as_user, shared):
    goal_close(goal=shared, membership=member(acme.claire), status="achieved", **LESSON)
    url = reverse("retrospectives", kwargs={"ws": "acme"})
    html = (
        as_user(acme.mia)
        .get(url, {"q": "nothing"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="lesson-results")
        .content.decode()
    )
    assert "<html" not in html
    assert "No lesson mentions" in html


def test_lessons_of_another_workspace_stay_hidden(acme, globex, oscar, as_user):
    foreign = GoalFactory(workspace=globex, owner_departments=[globex.departments.first()])
    goal_close(goal=foreign, membership=member(oscar), status="missed", **LESSON)
    url = reverse("retrospectives", kwargs={"ws": "acme"})
    assert not as_user(acme.mia).get(url).context["page"].object_list
