"""Never lost, never twice: forum reminders through a real Celery worker on a real Redis
broker, through a worker killed with SIGKILL mid-batch and a broker restarted mid-batch (the
scenarios and their harness are the check-ins' ones: :mod:`tests.checkins.faults`)."""

import pytest
from django.utils import timezone

from checkins.cycles import reminder_day
from forums.models import ActionItem, Decision, ForumReminder
from forums.reminders import ACTION_DUE_AHEAD, OUTBOX
from teams.models import Membership, Role
from tests.checkins.faults import BATCH, Outbox, redis_restarted, worker_killed_twice
from tests.factories import UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _outbox() -> Outbox:
    """A workspace whose one member owns a batch of open action items due tomorrow (the day
    after the reminder day, which starts at 09:00 local time): one "due" reminder each, planned
    now. (Planning at a fixed moment would stamp rows in the future, and the sweep would never
    re-send what a broker restart lost.)"""
    workspace = WorkspaceFactory(timezone="UTC")
    owner = UserFactory(email="owner@faults.test")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.MEMBER)
    now = timezone.now()
    due_on = reminder_day(workspace, now) + ACTION_DUE_AHEAD
    ActionItem.objects.bulk_create(
        ActionItem(
            workspace=workspace, title=f"Action {n}", owner=owner, created_by=owner, due_on=due_on
        )
        for n in range(BATCH)
    )
    return Outbox(
        model=ForumReminder,
        header=OUTBOX.header,
        label=OUTBOX.label,
        plan_task="forums.tasks.plan_workspace_forum_reminders",
        plan_args=[workspace.pk, now.isoformat()],
        sweep_task="forums.tasks.sweep_forum_reminders",
    )


def _reviews() -> Outbox:
    """A workspace whose one member took a batch of decisions due for review on the reminder
    day: one review reminder each, planned now."""
    workspace = WorkspaceFactory(timezone="UTC")
    owner = UserFactory(email="decider@faults.test")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.EXECUTIVE)
    now = timezone.now()
    Decision.objects.bulk_create(
        Decision(
            workspace=workspace,
            title=f"Decision {n}",
            rationale="Because.",
            decided_by=owner,
            created_by=owner,
            review_on=reminder_day(workspace, now),
        )
        for n in range(BATCH)
    )
    return Outbox(
        model=ForumReminder,
        header=OUTBOX.header,
        label=OUTBOX.label,
        plan_task="forums.tasks.plan_workspace_forum_reminders",
        plan_args=[workspace.pk, now.isoformat()],
        sweep_task="forums.tasks.sweep_forum_reminders",
    )


def _only(kind: str) -> bool:
    return set(ForumReminder.objects.values_list("kind", flat=True)) == {kind}


@pytest.mark.parametrize(
    ("outbox", "kind"),
    [(_outbox, ForumReminder.Kind.ACTION_DUE), (_reviews, ForumReminder.Kind.DECISION_REVIEW)],
    ids=["actions", "decision reviews"],
)
def test_worker_killed_mid_batch_twice_sends_every_reminder_once(tmp_path, outbox, kind):
    worker_killed_twice(outbox(), tmp_path)
    assert _only(kind)


@pytest.mark.parametrize(
    ("outbox", "kind"),
    [(_outbox, ForumReminder.Kind.ACTION_DUE), (_reviews, ForumReminder.Kind.DECISION_REVIEW)],
    ids=["actions", "decision reviews"],
)
def test_redis_restarted_mid_batch_sends_every_reminder_once(tmp_path, outbox, kind):
    assert redis_restarted(outbox(), tmp_path) == {}
    assert _only(kind)
