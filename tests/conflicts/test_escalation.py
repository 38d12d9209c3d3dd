"""A conflict past its decide-by date without a decision escalates to the executives of its
departments, exactly once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from conflicts import decisions, escalation
from conflicts.models import ConflictReminder
from conflicts.tasks import plan_workspace_conflict_escalations
from core.models import Notification
from tests.factories import member


@pytest.fixture
def plan(acme, django_capture_on_commit_callbacks):
    def run(now: dt.datetime, *, send: bool = True) -> list[int]:
        with django_capture_on_commit_callbacks(execute=send):
            return escalation.escalations_plan(workspace=acme.workspace, now=now)

    return run


@pytest.fixture
def late() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=16)


@pytest.fixture
def sponsored(acme, conflict):
    """Sales gets ada as its executive; product has claire."""
    acme.sales.executive = acme.ada
    acme.sales.save()
    return conflict


def test_nothing_before_the_date(acme, sponsored, plan):
    assert plan(timezone.now()) == []
    assert mail.outbox == []


def test_past_the_date_each_executive_hears_once_planning_twice(acme, sponsored, plan, late):
    plan(late)
    plan(late + dt.timedelta(minutes=15))
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@acme.test", "claire@acme.test"]
    assert "Overdue for a decision" in mail.outbox[0].subject
    assert ConflictReminder.objects.filter(status="sent").count() == 2
    assert Notification.objects.filter(kind="conflict.escalation").count() == 2


def test_the_task_plans_for_a_moment(acme, sponsored, django_capture_on_commit_callbacks, late):
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_workspace_conflict_escalations(acme.workspace.pk, late.isoformat()) == 2
    assert len(mail.outbox) == 2


def test_a_decided_conflict_does_not_escalate(acme, sponsored, plan, late):
    decisions.conflict_decide(
        membership=member(acme.ada),
        conflict=sponsored,
        title="Split",
        rationale="Both",
        trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
    )
    assert plan(late) == []


def test_decided_before_the_row_went_out_it_is_cancelled(acme, sponsored, plan, late):
    ids = plan(late, send=False)
    decisions.conflict_decide(
        membership=member(acme.ada),
        conflict=sponsored,
        title="Split",
        rationale="Both",
        trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
    )
    escalation.escalations_send(reminder_ids=ids)
    assert mail.outbox == []
    assert set(ConflictReminder.objects.values_list("status", flat=True)) == {"cancelled"}
