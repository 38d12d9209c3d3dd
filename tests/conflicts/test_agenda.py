"""Open conflicts on forum agendas, through the source conflicts registers in forums."""

import datetime as dt

import pytest
from django.utils import timezone

from conflicts import decisions, services
from conflicts.agenda import conflicts_on_agenda
from forums import services as forum_services
from forums.agenda import AGENDA_SOURCES, agenda_live
from forums.models import AgendaItem, Forum
from tests.factories import member

Kind = AgendaItem.Kind


def _forum(acme, name: str, departments) -> Forum:
    return forum_services.forum_create(
        membership=member(acme.claire),
        name=name,
        departments=departments,
        facilitator=acme.claire,
        first_date=timezone.now().date() + dt.timedelta(days=3),
        start_time=dt.time(10, 0),
        cadence=Forum.Cadence.WEEKLY,
    )


def _agenda(forum: Forum, index: int = 0) -> list:
    meeting = forum.meetings.order_by("starts_at")[index]
    departments = list(forum.departments.values_list("pk", flat=True))
    return agenda_live(meeting, departments=departments)


def _conflict_keys(items) -> list[str]:
    return [item.key for item in items if item.kind == Kind.CONFLICT]


@pytest.fixture
def growth(acme) -> Forum:
    return _forum(acme, "Growth forum", [acme.marketing, acme.sales, acme.product])


def test_the_source_is_registered():
    assert conflicts_on_agenda in AGENDA_SOURCES


def test_an_open_conflict_is_on_the_next_meeting_of_a_forum_of_all_its_departments(
    acme, growth, conflict
):
    (item,) = [item for item in _agenda(growth) if item.kind == Kind.CONFLICT]
    assert item.key == f"conflict:{conflict.pk}"
    assert item.title == "Launch budget"
    assert item.url.endswith(f"/conflicts/{conflict.pk}/")
    assert _conflict_keys(_agenda(growth, 1)) == []


def test_not_on_a_forum_that_lacks_one_of_its_departments(acme, conflict):
    forum = _forum(acme, "Sales and marketing", [acme.marketing, acme.sales])
    assert _conflict_keys(_agenda(forum)) == []


def test_gone_once_decided_or_withdrawn(acme, growth, conflict, facilitated):
    other = services.conflict_raise(
        membership=member(acme.mia),
        title="Timing",
        kind="timeline",
        at_stake="x",
        raised_by_department=acme.sales,
        departments=[acme.product],
        decide_by=acme.workspace.today() + dt.timedelta(days=3),
    )
    assert len(_conflict_keys(_agenda(growth))) == 2
    decisions.conflict_decide(
        membership=member(acme.ada),
        conflict=conflict,
        title="Split",
        rationale="Both",
        trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
    )
    services.conflict_move(membership=member(acme.mia), conflict=other, status="withdrawn")
    assert _conflict_keys(_agenda(growth)) == []


def test_frozen_into_the_record_when_the_meeting_starts(acme, growth, conflict):
    meeting = growth.meetings.order_by("starts_at").first()
    forum_services.meeting_start(membership=member(acme.claire), meeting=meeting)
    row = meeting.items.get(kind=Kind.CONFLICT)
    assert row.source_id == conflict.pk


def test_decided_while_its_meeting_runs_the_decision_is_that_meeting_s(acme, growth, facilitated):
    meeting = growth.meetings.order_by("starts_at").first()
    started = forum_services.meeting_start(membership=member(acme.claire), meeting=meeting)
    row = meeting.items.get(kind=Kind.CONFLICT)
    decision = decisions.conflict_decide(
        membership=member(acme.ada),
        conflict=facilitated,
        title="Split",
        rationale="Both",
        trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
    )
    assert (decision.meeting, decision.agenda_item) == (meeting, row)
    meeting.refresh_from_db()
    assert meeting.version == started.version + 1  # open pages of the meeting show it


def test_decided_outside_a_running_meeting_the_decision_has_none(acme, growth, facilitated):
    meeting = growth.meetings.order_by("starts_at").first()
    forum_services.meeting_start(membership=member(acme.claire), meeting=meeting)
    forum_services.meeting_end(membership=member(acme.claire), meeting=meeting)
    decision = decisions.conflict_decide(
        membership=member(acme.ada),
        conflict=facilitated,
        title="Split",
        rationale="Both",
        trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
    )
    assert (decision.meeting, decision.agenda_item) == (None, None)
