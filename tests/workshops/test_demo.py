"""The demo's workshops: next quarter's in its vote phase, last quarter's committed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from alignment.seed.common import TIMEZONE
from alignment.seed.demo import demo_seed
from core.models import AuditEvent
from goals.models import Goal
from teams.models import User
from tests import nplusone
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    with nplusone.seeding_the_demo():
        return demo_seed(timezone.localdate(timezone=ZoneInfo(TIMEZONE)))


def _periods(workspace):
    return list(workspace.periods.order_by("start_date"))


def _user(username: str) -> User:
    return User.objects.get(username=username)


def test_next_quarters_workshop_is_voting_on_proposals_of_marketing_and_operations(demo, client):
    *_, following = _periods(demo)
    workshop = Workshop.objects.get(workspace=demo, phase=Workshop.Phase.VOTE)
    assert workshop.period == following
    assert workshop.facilitator.username == "cmo"
    people = set(workshop.participants.values_list("user__username", flat=True))
    assert {"cmo", "coo"} <= people
    assert sorted(workshop.departments.values_list("kind", flat=True)) == [
        "marketing",
        "operations",
    ]
    proposals = list(workshop.proposals.prefetch_related("author__memberships__departments"))
    authored_by = {
        d.kind for p in proposals for m in p.author.memberships.all() for d in m.departments.all()
    }
    assert authored_by == {"marketing", "operations"}
    assert all(p.status == "active" and p.due_date == following.end_date for p in proposals)
    voters = set(workshop.votes.values_list("voter__username", flat=True))
    assert voters == {"coo", "marketing.lead"}  # the CMO, who signs in first, has not voted
    assert workshop.created_at < timezone.now() - timedelta(days=1)  # started two days ago

    client.force_login(_user("cmo"))
    listed = client.get(reverse("workshop_list", args=[demo.slug])).content.decode()
    assert workshop.title in listed
    assert "No workshops yet" not in listed
    board = client.get(reverse("workshop_board", args=[demo.slug, workshop.pk])).content.decode()
    assert 'data-phase="vote"' in board
    assert all(p.title in board for p in proposals)
    assert "3 of 3 votes left" in board
    assert "Move to Break down" in board
    client.force_login(_user("coo"))
    board = client.get(reverse("workshop_board", args=[demo.slug, workshop.pk])).content.decode()
    assert "1 of 3 votes left" in board


def test_last_quarters_workshop_was_committed_into_two_shared_goals_with_their_steps(demo, client):
    previous, *_ = _periods(demo)
    workshop = Workshop.objects.get(workspace=demo, phase=Workshop.Phase.CLOSED)
    assert workshop.period == previous
    assert previous.start_date < workshop.committed_at.date() < previous.end_date
    assert workshop.created_at < workshop.committed_at
    assert workshop.departments.count() == 4
    proposals = list(workshop.proposals.select_related("goal").order_by("goal__priority"))
    committed = [p for p in proposals if p.goal]
    assert len(proposals) == 3
    assert len(committed) == 2
    for proposal in committed:
        goal = proposal.goal
        assert goal.period == previous
        assert goal.is_shared
        assert goal.title == proposal.title
        assert goal.accountable_id == proposal.author_id
        assert goal.created_at == workshop.committed_at
        steps = list(goal.children.all())
        assert len(steps) == 2
        assert {s.pk for s in steps} == set(proposal.steps.values_list("goal", flat=True))
    assert [p.goal.priority for p in committed] == [1, 2]
    # Each step of the session was audited as it happened, the commit last.
    events = AuditEvent.objects.filter(
        workspace=demo, target_type="workshop", target_id=workshop.pk
    )
    assert events.latest("created_at").verb == "committed"
    assert events.latest("created_at").created_at == workshop.committed_at

    client.force_login(_user("member"))
    listed = client.get(reverse("workshop_list", args=[demo.slug])).content.decode()
    assert workshop.title in listed
    summary = client.get(reverse("workshop_summary", args=[demo.slug, workshop.pk]))
    assert summary.status_code == 200
    for proposal in committed:
        assert proposal.goal.title in summary.content.decode()
        for step in Goal.objects.filter(parent=proposal.goal):
            assert step.title in summary.content.decode()
