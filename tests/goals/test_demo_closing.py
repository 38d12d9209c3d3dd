"""The demo's last quarter: its workshop's shared goals ended, one achieved and celebrated as a
win, one missed, each with its retrospective; and what each demo persona finds on first
sign-in."""

from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alignment.seed.common import TIMEZONE
from alignment.seed.demo import demo_seed
from alignment.seed.demo_people import DEMO_PEOPLE
from core.models import Notification
from goals.models import Goal, Retrospective, Win
from teams.models import Role, User
from tests import nplusone

pytestmark = pytest.mark.django_db


def _seed():
    with nplusone.seeding_the_demo():
        return demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))


@pytest.fixture
def demo():
    return _seed()


def _previous(workspace):
    return workspace.periods.order_by("start_date").first()


def _shared(workspace, status):
    return Goal.objects.get(
        workspace=workspace, period=_previous(workspace), parent=None, status=status
    )


def test_the_achieved_shared_goal_is_the_win_and_its_departments_were_told(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        demo = _seed()

    achieved = _shared(demo, Goal.Status.ACHIEVED)
    assert sorted(achieved.owner_departments.values_list("kind", flat=True)) == [
        "marketing",
        "sales",
    ]
    assert achieved.current_value >= achieved.target
    assert achieved.progress == 100
    (win,) = Win.objects.filter(workspace=demo)
    assert win.goal == achieved
    assert win.text == f"Marketing and Sales achieved “{achieved.title}”"
    assert win.created_at.date() == _previous(demo).end_date
    told = Notification.objects.filter(workspace=demo, kind="win")
    assert set(told.values_list("recipient__username", flat=True)) == {
        "cmo",
        "marketing.lead",
        "sales.lead",
    }
    assert {n.created_at for n in told} == {win.created_at}
    emails = [m for m in mail.outbox if m.subject.startswith("Win in Acme Analytics")]
    assert sorted(to for m in emails for to in m.to) == [
        "marketing.lead@acme.example",
        "sales.lead@acme.example",
    ]


def test_the_closed_goals_have_their_retrospectives_and_check_ins(demo, client):
    previous = _previous(demo)
    goals = Goal.objects.filter(workspace=demo, period=previous).select_related("retrospective")
    assert len(goals) == 6
    missed = _shared(demo, Goal.Status.MISSED)
    assert sorted(missed.owner_departments.values_list("kind", flat=True)) == [
        "operations",
        "product",
    ]
    assert missed.current_value < missed.target
    for goal in goals:
        assert goal.is_closed
        retrospective = goal.retrospective
        assert retrospective.outcome == goal.status
        assert retrospective.what_worked
        assert retrospective.what_to_change
        assert retrospective.created_at.date() == previous.end_date
        checkins = list(goal.checkins.select_related("cycle"))
        assert all(c.cycle.due_on <= previous.end_date for c in checkins)
        if checkins:  # as far back as the demo's cycles reach
            latest = max(checkins, key=lambda c: c.cycle.starts_on)
            assert latest.value == goal.current_value
    # The missed goal's lesson is where this quarter's time-to-market goal came from.
    assert "time to market" in missed.retrospective.what_to_change

    client.force_login(User.objects.get(username="coo"))
    page = client.get(reverse("goal_detail", args=[demo.slug, missed.pk])).content.decode()
    assert 'id="retrospective"' in page
    assert "Missed, by Omar Haddad" in page
    lessons = client.get(reverse("retrospectives", args=[demo.slug])).content.decode()
    assert (
        lessons.count('class="card lesson"') == Retrospective.objects.filter(workspace=demo).count()
    )
    assert "No lessons yet" not in lessons


def test_the_demo_has_no_open_goal_left_in_a_past_period(demo):
    """Last quarter's goals are all closed, so none is overdue on the dashboard."""
    previous = _previous(demo)
    assert not Goal.objects.filter(
        workspace=demo,
        due_date__lte=previous.end_date,
        status__in=["draft", "on_track", "at_risk", "off_track"],
    ).exists()


def test_every_demo_persona_finds_content_on_first_sign_in(demo, client):
    win = Win.objects.get(workspace=demo)
    for person in DEMO_PEOPLE:
        client.force_login(User.objects.get(username=person.username))
        home = client.get(reverse("dashboard", args=[demo.slug])).content.decode()
        if person.role == Role.GUEST:
            assert "You are a guest here" in home, person
            forums = client.get(reverse("forum_panel", args=[demo.slug])).content.decode()
            assert "Quarterly partner review" in forums, person
            continue
        assert win.text in home, person
        assert "No wins yet" not in home, person
        workshops = client.get(reverse("workshop_list", args=[demo.slug])).content.decode()
        assert "No workshops yet" not in workshops, person
        assert 'id="workshops"' in workshops, person
        lessons = client.get(reverse("retrospectives", args=[demo.slug])).content.decode()
        assert "No lessons yet" not in lessons, person
