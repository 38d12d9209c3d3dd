"""Query counts of the forums endpoints: the same for 2 or 8 of everything (forums, meetings,
guests, decisions, action items, agenda items), for a member and for a guest."""

import datetime as dt

import pytest
from django.utils import timezone

from forums import services
from forums.models import Forum, Meeting
from tests.api.forums_helpers import BASE, make_action, make_decision, make_forum, next_meeting
from tests.factories import GoalFactory, UserFactory, member

pytestmark = pytest.mark.django_db

READ_BUDGET = 8
# The live agenda reads each of its sources once (goals, check-ins, asks, KPIs…).
AGENDA_BUDGET = 15


def _grow(acme, size: int) -> Forum:
    """``size`` more forums (Gus and a new guest invited to each, one meeting held a month
    ago), decisions and action items of Mia; returns the last forum, its next meeting with
    ``size`` topics and goals at risk."""
    forum = None
    for _ in range(size):
        guest = UserFactory()
        acme.workspace.memberships.create(user=guest, role="guest")
        forum = make_forum(acme.workspace, guests=[acme.gus, guest])
        held = timezone.now() - dt.timedelta(days=30)
        Meeting.objects.create(
            workspace=acme.workspace,
            forum=forum,
            occurrence=held,
            starts_at=held,
            duration_minutes=60,
            status=Meeting.Status.PUBLISHED,
        )
        make_decision(acme.workspace, departments=[acme.sales, acme.product])
        make_action(acme.workspace, owner=acme.mia)
        GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales], status="at_risk")
        services.topic_add(
            membership=member(acme.mia), meeting=next_meeting(forum), title="Pricing"
        )
    return forum


@pytest.mark.parametrize(
    ("persona", "tail"),
    [
        ("mia", "forums/"),
        ("gus", "forums/"),
        ("mia", "meetings/"),
        ("gus", "meetings/"),
        ("mia", "meetings/?upcoming=false"),
        ("mia", "decisions/"),
        ("mia", "decisions/?search=budget"),
        ("mia", "action-items/"),
        ("mia", "forums/{forum}/"),
        ("mia", "decisions/{decision}/"),
        ("mia", "action-items/{action}/"),
    ],
)
def test_lists_make_the_same_queries_for_2_or_8_of_everything(
    acme, api_as, count_queries, persona, tail
):
    client = api_as(getattr(acme, persona))
    counts = []
    for size in (2, 8):
        forum = _grow(acme, size)
        ids = {
            "forum": forum.pk,
            "decision": forum.workspace.decisions.first().pk,
            "action": forum.workspace.actions.first().pk,
        }
        counts.append(count_queries(client, BASE + tail.format(**ids)))
    assert counts[0] == counts[1]
    assert counts[1].count <= READ_BUDGET, counts[1]


@pytest.mark.parametrize("persona", ["mia", "gus"])
def test_a_meeting_and_its_agenda_make_the_same_queries_for_2_or_8_items(
    acme, api_as, count_queries, persona
):
    client = api_as(getattr(acme, persona))
    counts = []
    for size in (2, 8):
        meeting = next_meeting(_grow(acme, size))
        live = count_queries(client, f"{BASE}meetings/{meeting.pk}/")
        services.meeting_start(membership=member(acme.ada), meeting=meeting)
        counts.append((live, count_queries(client, f"{BASE}meetings/{meeting.pk}/")))
    assert counts[0] == counts[1]
    assert counts[1][0].count <= AGENDA_BUDGET, counts[1][0]
    assert counts[1][1].count <= READ_BUDGET, counts[1][1]
