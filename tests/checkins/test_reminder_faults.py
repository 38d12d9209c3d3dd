"""Never lost, never twice: check-in reminders through a real Celery worker on a real Redis
broker, through a worker killed with SIGKILL mid-batch and a broker restarted mid-batch
(the scenarios: :mod:`tests.checkins.faults`).

The worker uses the test database (PostgreSQL, or locally the SQLite file of the run: see
``tests/conftest.py``) and a mail backend that records every message with its reminder id.
"""

import pytest

from checkins.services.reminders import OUTBOX
from goals.models import Goal
from teams.models import Cadence, Department, Membership, Role
from tests.checkins.faults import BATCH, Outbox, redis_restarted, worker_killed_twice
from tests.factories import GoalFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _outbox() -> Outbox:
    """A weekly workspace (a reminder is due every day of a weekly cycle) whose product lead
    owes a batch of check-ins."""
    workspace = WorkspaceFactory(timezone="UTC", checkin_cadence=Cadence.WEEKLY)
    lead = UserFactory(email="lead@faults.test")
    Membership.objects.create(workspace=workspace, user=lead, role=Role.LEAD)
    product = Department.objects.create(workspace=workspace, name="Product", lead=lead)
    goals = Goal.objects.bulk_create(
        GoalFactory.build(workspace=workspace, status=Goal.Status.ON_TRACK) for _ in range(BATCH)
    )
    Goal.owner_departments.through.objects.bulk_create(
        Goal.owner_departments.through(goal_id=goal.pk, department_id=product.pk) for goal in goals
    )
    return Outbox(
        model=OUTBOX.model,
        header=OUTBOX.header,
        label=OUTBOX.label,
        plan_task="checkins.tasks.plan_workspace_reminders",
        plan_args=[workspace.pk],
        sweep_task="checkins.tasks.sweep_reminders",
    )


def test_worker_killed_mid_batch_twice_sends_every_reminder_once(tmp_path):
    worker_killed_twice(_outbox(), tmp_path)


def test_redis_restarted_mid_batch_sends_every_reminder_once(tmp_path):
    assert redis_restarted(_outbox(), tmp_path) == {}
