"""A decision's review: on its date, from 09:00 in the workspace's timezone, its owners (whoever
took it and the leads of its departments, if still in the workspace) are reminded exactly once,
and it is on the next forum agenda of its departments; a superseded decision is neither."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notification
from forums import outcomes, reminders
from forums.agenda import agenda_live
from forums.models import AgendaItem, Decision, ForumReminder
from tests.checkins.conftest import local
from tests.factories import member
from tests.forums.decisions import direct, settled

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
Kind = ForumReminder.Kind


@pytest.fixture
def plan(acme, django_capture_on_commit_callbacks):
    def run(now: dt.datetime, *, send: bool = True) -> list[int]:
        with django_capture_on_commit_callbacks(execute=send):
            return reminders.forum_reminders_plan(workspace=acme.workspace, now=now)

    return run


@pytest.fixture
def decision(acme) -> Decision:
    """Taken by mia for sales and product (leo leads product), reviewed in three days."""
    return direct(
        acme,
        "Hire two sales engineers",
        departments=[acme.sales, acme.product],
        review_on=acme.workspace.today() + 3 * DAY,
    )


def _reviews() -> list[str]:
    rows = ForumReminder.objects.filter(kind=Kind.DECISION_REVIEW)
    return sorted(rows.values_list("recipient__username", flat=True))


def test_its_owners_are_reminded_once_on_the_review_date_from_nine(acme, decision, plan):
    day = decision.review_on
    assert plan(local(acme.workspace, day - DAY, hour=16)) == []
    assert plan(local(acme.workspace, day, hour=8)) == []
    plan(local(acme.workspace, day, hour=9))
    plan(local(acme.workspace, day, hour=15))
    plan(local(acme.workspace, day + DAY, hour=10))
    assert _reviews() == ["leo", "mia"]
    assert sorted(email.to[0] for email in mail.outbox) == ["leo@acme.test", "mia@acme.test"]
    email = mail.outbox[0]
    assert email.subject == "Decision due for review: Hire two sales engineers"
    path = reverse("decision_detail", kwargs={"ws": "acme", "pk": decision.pk})
    assert settings.SITE_URL + path in email.body
    assert "on the agenda of the next forum meeting" in email.body
    note = Notification.objects.get(recipient=acme.leo)
    assert (note.kind, note.url) == ("forum.decision_review", path)


def test_only_people_still_in_the_workspace_hear_of_it(acme, decision, oscar, plan):
    acme.sales.lead = oscar  # an outsider named lead by mistake
    acme.sales.save()
    acme.workspace.memberships.filter(user=acme.leo).delete()
    plan(local(acme.workspace, decision.review_on, hour=10))
    assert _reviews() == ["mia"]


def test_a_superseded_decision_gets_none_and_its_pending_rows_are_cancelled(acme, decision, plan):
    ids = plan(local(acme.workspace, decision.review_on, hour=10), send=False)
    assert len(ids) == 2
    outcomes.decision_supersede(
        membership=member(acme.mia),
        decision=decision,
        title="Hire one",
        rationale="Budget was cut.",
        departments=[acme.sales],
    )
    statuses = set(ForumReminder.objects.values_list("status", flat=True))
    assert statuses == {ForumReminder.Status.CANCELLED}
    assert set(reminders.forum_reminders_send(reminder_ids=ids).values()) == {"skipped"}
    assert mail.outbox == []
    other = direct(acme, "Freeze travel", review_on=acme.workspace.today() + DAY)
    outcomes.decision_supersede(
        membership=member(acme.mia),
        decision=other,
        title="Travel by train",
        rationale="Cheaper.",
        departments=[acme.sales],
    )
    assert plan(local(acme.workspace, other.review_on, hour=10)) == []


def test_a_row_claimed_for_a_decision_superseded_since_goes_out_cancelled(acme, decision, plan):
    ids = plan(local(acme.workspace, decision.review_on, hour=10), send=False)
    Decision.objects.filter(pk=decision.pk).update(
        superseded_by=direct(acme, "Hire one", departments=[acme.sales])
    )
    assert set(reminders.forum_reminders_send(reminder_ids=ids).values()) == {"cancelled"}
    assert mail.outbox == []


def test_a_new_review_date_comes_back_once_more(acme, decision, plan):
    first = decision.review_on
    plan(local(acme.workspace, first, hour=10))
    Decision.objects.filter(pk=decision.pk).update(review_on=first + 30 * DAY)
    plan(local(acme.workspace, first + 30 * DAY, hour=10))
    plan(local(acme.workspace, first + 30 * DAY, hour=11))
    assert ForumReminder.objects.filter(decision=decision, recipient=acme.mia).count() == 2
    assert len(mail.outbox) == 4


def test_planning_makes_as_many_queries_for_many_decisions_as_for_one(acme, plan):
    day = acme.workspace.today() + 2 * DAY

    def queries(n: int) -> int:
        ForumReminder.objects.all().delete()
        for i in range(n):
            direct(acme, f"Decision {i}", departments=[acme.product], review_on=day)
        with CaptureQueriesContext(connection) as ctx:
            reminders.forum_reminders_plan(workspace=acme.workspace, now=local(acme.workspace, day))
        return len(ctx)

    assert queries(1) == queries(5)
    assert ForumReminder.objects.count() == 6 * 2


# --- The agenda --------------------------------------------------------------------------------


def _review_keys(meeting) -> list[str]:
    departments = list(meeting.forum.departments.values_list("pk", flat=True))
    items = agenda_live(meeting, departments=departments)
    return [item.key for item in items if item.kind == AgendaItem.Kind.DECISION_REVIEW]


def test_a_conflicts_decision_due_for_review_is_on_the_next_agenda_of_its_departments(
    acme, meeting
):
    decided = settled(acme, "Launch budget", review_on=acme.workspace.today() + 2 * DAY)
    assert _review_keys(meeting) == [f"decision_review:{decided.pk}"]


def test_a_superseded_decision_drops_off_the_agenda(acme, meeting, decision):
    assert _review_keys(meeting) == [f"decision_review:{decision.pk}"]
    outcomes.decision_supersede(
        membership=member(acme.claire),
        decision=decision,
        title="Hire one",
        rationale="Budget was cut.",
        departments=[acme.sales],
    )
    assert _review_keys(meeting) == []
