"""The demo's conflicts: the launch budget dispute on the growth forum's next agenda, and a
settled one whose decision is due for review."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alignment.seed.common import TIMEZONE
from alignment.seed.demo import demo_seed
from conflicts.models import Conflict
from forums.agenda import agenda_of
from forums.models import AgendaItem, Forum, Meeting
from tests import nplusone

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    today = timezone.localdate(timezone=ZoneInfo(TIMEZONE))
    with nplusone.seeding_the_demo():
        return demo_seed(today), today


def _next_agenda(forum: Forum) -> list:
    meeting = forum.meetings.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at").first()
    return agenda_of(meeting, departments=list(forum.departments.values_list("pk", flat=True)))


def test_the_launch_budget_conflict_is_open_with_both_positions_and_their_evidence(demo):
    workspace, _ = demo
    conflict = Conflict.objects.get(workspace=workspace, title__startswith="Launch budget")
    assert conflict.status == Conflict.Status.OPEN
    assert sorted(conflict.departments.values_list("kind", flat=True)) == [
        "marketing",
        "operations",
    ]
    assert conflict.facilitator.username == "sales.lead"
    evidence = {
        p.department.kind: sorted(e.kpi.name for e in p.evidence.all())
        for p in conflict.positions.select_related("department")
    }
    assert evidence == {
        "marketing": ["Customer acquisition cost", "Lead generation"],
        "operations": ["Time to market"],
    }


def test_the_launch_budget_conflict_is_on_the_growth_forums_next_agenda_only(demo):
    workspace, _ = demo
    conflict = Conflict.objects.get(workspace=workspace, title__startswith="Launch budget")
    key = f"{AgendaItem.Kind.CONFLICT}:{conflict.pk}"
    growth = Forum.objects.get(workspace=workspace, name="Growth forum")
    assert key in [item.key for item in _next_agenda(growth)]
    cmo_forum = Forum.objects.get(workspace=workspace, name="CMO forum")  # no operations in it
    assert key not in [item.key for item in _next_agenda(cmo_forum)]


def test_the_settled_conflict_waits_for_sales_and_its_decision_is_due_for_review(demo):
    workspace, today = demo
    conflict = Conflict.objects.get(workspace=workspace, title__startswith="Custom reports")
    assert conflict.status == Conflict.Status.DECIDED
    assert conflict.decision.review_on == today
    assert (conflict.decided_at - conflict.created_at).days == 14
    pending = conflict.acknowledgements.filter(acknowledged_at__isnull=True)
    assert [a.department.kind for a in pending] == ["sales"]
    # What the decision rested on, as it stood that day.
    (snapshot,) = conflict.snapshot.all()
    decided = conflict.decided_at.date().isoformat()
    assert snapshot.data["dates"]
    assert max(snapshot.data["dates"]) <= decided
    assert len(snapshot.data["dates"]) == len(snapshot.data["values"])
    assert all(p.updated_at < conflict.decided_at for p in conflict.positions.all())
    growth = Forum.objects.get(workspace=workspace, name="Growth forum")
    review = f"{AgendaItem.Kind.DECISION_REVIEW}:{conflict.decision_id}"
    assert review in [item.key for item in _next_agenda(growth)]
