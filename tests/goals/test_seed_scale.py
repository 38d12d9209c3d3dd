"""``manage.py seed_demo --scale``: the scale workspace for benchmarks, its rows holding together,
analyzed after the load, in queries that do not grow with the rows."""

import re
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkins.models import Ask, CheckIn, Cycle
from conflicts.models import Acknowledgement, Conflict
from conflicts.permissions import is_neutral
from forums.models import Decision, Forum, Meeting
from forums.recurrence import cadence_rule, occurrences
from forums.services import meetings_plan
from goals.models import Goal, Measurement
from health.models import PulseAnswer
from health.selectors import pulse_partners
from teams.models import Department, Workspace
from tests.goals.test_seed_demo import row_counts, seed

SMALL_SCALE = {
    "departments": 5,
    "goals": 50,
    "kpis": 10,
    "measurements": 500,
    "checkins": 100,
    "members": 10,
    "forums": 3,
    "meetings": 60,
    "decisions": 40,
    "conflicts": 20,
    "asks": 20,
}


def scale_args(**sizes: int) -> list[str]:
    return ["--scale", *(f"--{name}={value}" for name, value in sizes.items())]


def test_scale_creates_exactly_the_rows_asked_for(db):
    output = seed(*scale_args(**SMALL_SCALE))

    counts = row_counts("scale")
    assert counts["departments"] == 5
    assert counts["goals"] == 50
    assert counts["kpis"] == 10
    assert counts["measurements"] == 500
    assert counts["checkins"] == 100
    assert counts["memberships"] == counts["users"] == 10
    assert counts["forums"] == 3
    assert counts["meetings"] == 60
    assert counts["decisions"] == 40
    assert counts["conflicts"] == 20
    assert counts["asks"] == 20
    assert counts["agenda items"] > counts["meetings"]
    assert counts["attendance"] > counts["meetings"]
    assert counts["action items"] > 0
    assert counts["positions"] >= 2 * counts["conflicts"]
    assert counts["pulse answers"] > 0
    goals = Goal.objects.filter(workspace__slug="scale").prefetch_related("owner_departments")
    assert sum(g.is_shared for g in goals) == 10
    steps = [g for g in goals if g.parent_id]
    assert len(steps) == 25
    assert all(g.parent.is_shared and g.parent.pk < g.pk for g in steps)
    assert len({g.status for g in goals}) >= 4
    for table, rows in [
        ("measurements", 500),
        ("check-ins", 100),
        ("goals", 50),
        ("meetings", 60),
        (re.escape("decisions (of conflicts)"), 17),
        ("decisions", 23),
        ("conflicts", 20),
        ("pulse answers", counts["pulse answers"]),
        ("asks", 20),
    ]:
        assert re.search(rf"^  {table} +{rows} rows +\d+\.\d\d s$", output, re.MULTILINE)
    assert re.search(r"^  analyze \(\d+ tables\) +\d+\.\d\d s$", output, re.MULTILINE)
    assert 'Scale workspace "Scale Test Co" is ready at' in output


def test_scale_meetings_are_their_forums_occurrences_held_or_just_ahead(db):
    seed(*scale_args(**SMALL_SCALE))
    now = timezone.now()

    forums = Forum.objects.filter(workspace__slug="scale").prefetch_related("departments")
    for forum in forums:
        assert len(forum.departments.all()) >= 2
        assert forum.rrule == cadence_rule(forum.cadence, forum.first_date)
        meetings = list(forum.meetings.order_by("starts_at"))
        first, last = meetings[0], meetings[-1]
        assert first.starts_at.astimezone(forum.zone).date() == forum.first_date
        assert [m.occurrence for m in meetings] == list(
            occurrences(
                rule=forum.rrule,
                first=forum.first_date,
                start=forum.start_time,
                zone=forum.timezone,
                after=first.starts_at,
                before=last.starts_at + timedelta(seconds=1),
            )
        )
    meetings = Meeting.objects.filter(workspace__slug="scale").prefetch_related(
        "items", "attendance"
    )
    statuses = Counter(m.status for m in meetings)
    assert statuses[Meeting.Status.PUBLISHED] > len(meetings) / 2
    assert statuses[Meeting.Status.SCHEDULED] > 0
    for meeting in meetings:
        ends = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        if meeting.status == Meeting.Status.SCHEDULED:
            assert now < ends
            assert meeting.starts_at < now + timedelta(days=22)
        else:
            assert ends < now
        if meeting.status in (Meeting.Status.ENDED, Meeting.Status.PUBLISHED):
            assert meeting.started_at < meeting.ended_at < now
            assert meeting.minutes
            assert len(meeting.items.all()) >= 2
            present = {a.user_id for a in meeting.attendance.all() if a.present}
            assert meeting.forum.facilitator_id in present
        if meeting.status == Meeting.Status.PUBLISHED:
            assert meeting.ended_at < meeting.published_at <= now
        if meeting.status == Meeting.Status.CANCELLED:
            assert not meeting.items.all()
    # The daily planning adds only the meetings beyond the seeded ones.
    for forum in forums:
        first, *_, last = forum.meetings.order_by("starts_at")
        planned = meetings_plan(forum=forum, after=first.starts_at)
        assert all(m.starts_at > last.starts_at for m in planned)


def test_scale_decisions_come_from_meetings_conflicts_and_directly(db):
    seed(*scale_args(**SMALL_SCALE))

    decisions = list(
        Decision.objects.filter(workspace__slug="scale")
        .select_related("meeting", "agenda_item")
        .prefetch_related("departments", "conflicts__departments")
    )
    assert all(d.departments.all() and d.created_at <= timezone.now() for d in decisions)
    in_meetings = [d for d in decisions if d.meeting_id]
    settled = [d for d in decisions if d.conflicts.all()]
    direct = [d for d in decisions if not d.meeting_id and not d.conflicts.all()]
    assert (len(in_meetings), len(settled), len(direct)) == (17, 17, 6)
    for decision in in_meetings:
        meeting = decision.meeting
        assert decision.agenda_item.meeting_id == meeting.pk
        assert decision.agenda_item.discussed
        assert (
            meeting.started_at - timedelta(minutes=5)
            <= decision.created_at
            <= meeting.ended_at + timedelta(minutes=5)
        )
        assert decision.decided_by_id == meeting.forum.facilitator_id
    for decision in settled:
        (conflict,) = decision.conflicts.all()
        assert set(decision.departments.all()) == set(conflict.departments.all())
        assert decision.created_at == conflict.decided_at
    assert len({d.title for d in decisions}) > len(decisions) * 0.8


def test_scale_conflicts_have_a_position_per_side_and_their_steps_in_order(db):
    seed(*scale_args(**SMALL_SCALE))

    conflicts = Conflict.objects.filter(workspace__slug="scale").prefetch_related(
        "departments", "positions", "acknowledgements"
    )
    assert Counter(c.status for c in conflicts) == {
        "open": 1,
        "in_discussion": 1,
        "decided": 2,
        "closed": 15,
        "withdrawn": 1,
    }
    for conflict in conflicts:
        sides = set(conflict.departments.all())
        assert len(sides) >= 2
        assert conflict.raised_by_department in sides
        assert {p.department for p in conflict.positions.all()} == sides
        if conflict.facilitator:
            assert is_neutral(conflict.facilitator, sides)
        steps = [conflict.created_at, conflict.discussed_at, conflict.decided_at]
        steps += [conflict.closed_at or conflict.withdrawn_at, timezone.now()]
        steps = [step for step in steps if step]
        assert steps == sorted(steps)
        acknowledged = [a.acknowledged_at is not None for a in conflict.acknowledgements.all()]
        if conflict.status == Conflict.Status.CLOSED:
            assert len(acknowledged) == len(sides)
            assert all(acknowledged)
        elif conflict.status == Conflict.Status.DECIDED:
            assert len(acknowledged) == len(sides)
            assert not all(acknowledged)
        else:
            assert not acknowledged
            assert conflict.decision_id is None
    assert Acknowledgement.objects.filter(conflict__workspace__slug="scale").count() > 0


def test_scale_pulse_answers_are_about_the_departments_sharing_active_goals(db):
    seed(*scale_args(**SMALL_SCALE))

    departments = Department.objects.filter(workspace__slug="scale")
    partners = {(d.pk, p.pk) for d in departments for p in pulse_partners(department=d)}
    leads = {d.pk: d.lead_id for d in departments}
    cycles = list(Cycle.objects.filter(workspace__slug="scale").order_by("-starts_on")[:8])
    answers = PulseAnswer.objects.filter(workspace__slug="scale")
    by_cycle = {cycle.pk: set() for cycle in cycles}
    for answer in answers:
        by_cycle[answer.cycle_id].add((answer.from_department_id, answer.about_department_id))
        assert answer.answered_by_id == leads[answer.from_department_id]
    current, *past = (by_cycle[cycle.pk] for cycle in cycles)
    assert all(pairs == partners for pairs in past)
    assert current
    assert current < partners


def test_scale_asks_go_out_with_checkins_a_week_into_their_cycle(db):
    before = timezone.now()
    seed(*scale_args(**SMALL_SCALE))
    london = ZoneInfo("Europe/London")

    checkins = CheckIn.objects.filter(cycle__workspace__slug="scale").select_related("cycle")
    for checkin in checkins:
        written = datetime.combine(checkin.cycle.starts_on + timedelta(days=7), time(10), london)
        if written < before:
            assert checkin.created_at == written
        else:  # not a week into the current cycle yet: written while seeding
            assert before <= checkin.created_at <= timezone.now()
    asks = Ask.objects.filter(workspace__slug="scale").select_related("checkin", "goal")
    assert len({ask.checkin_id for ask in asks}) == len(asks) == 20
    for ask in asks:
        assert ask.checkin.goal_id == ask.goal_id
        assert ask.created_at == ask.checkin.created_at
        assert ask.from_department_id != ask.to_department_id
        assert ask.from_department in ask.goal.owner_departments.all()
        assert ask.created_by_id == ask.checkin.author_id
        assert (ask.responded_at is None) == (ask.status == Ask.Status.OPEN)


def loaded_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in (Measurement, CheckIn, Decision, Meeting, Conflict, PulseAnswer, Ask)
    ]


def test_scale_analyzes_the_tables_it_loaded(db):
    """The planner has statistics right after the seed: each table's row count as loaded."""
    tables = loaded_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics of empty tables first, so that only the seed can bring them up.
            cursor.execute(f"ANALYZE {', '.join(tables)}")

    seed(*scale_args(**SMALL_SCALE))

    counts = row_counts("scale")
    expected = {
        "goals_measurement": counts["measurements"],
        "checkins_checkin": counts["checkins"],
        "forums_decision": counts["decisions"],
        "forums_meeting": counts["meetings"],
        "conflicts_conflict": counts["conflicts"],
        "health_pulseanswer": counts["pulse answers"],
        "checkins_ask": counts["asks"],
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [tables]
            )
        else:
            # ANALYZE writes each table's row count first in its indexes' statistics.
            cursor.execute("SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        analyzed = {table: int(rows) for table, rows in cursor.fetchall() if table in tables}
    assert analyzed == expected


def test_scale_seeded_again_changes_nothing_and_reset_recreates_it(db):
    seed(*scale_args(**SMALL_SCALE))
    before = row_counts("scale")

    assert "nothing changed" in seed(*scale_args(**SMALL_SCALE))
    assert row_counts("scale") == before

    seed("--reset", *scale_args(**SMALL_SCALE))
    assert row_counts("scale") == before


def queries_to_seed_scale(**sizes: int) -> list[str]:
    """The SQL that seeds the scale workspace into an empty database, rolled back afterwards.

    On PostgreSQL the history goes in through COPY, which Django does not log; on SQLite every
    insert is here.
    """
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            seed(*scale_args(**sizes))
        transaction.set_rollback(True)
    return [query["sql"] for query in queries.captured_queries]


def test_scale_queries_do_not_grow_with_the_rows(db):
    # Both sizes fit one insert batch of every table on SQLite too (999 parameters a query).
    small = {
        "departments": 5,
        "goals": 20,
        "kpis": 4,
        "measurements": 40,
        "checkins": 20,
        "forums": 2,
        "meetings": 20,
        "decisions": 20,
        "conflicts": 20,
        "asks": 10,
    }
    double = {name: 2 * value for name, value in small.items()}

    queries_small = queries_to_seed_scale(**small, members=6)
    queries_double = queries_to_seed_scale(**double, members=12)

    assert len(queries_double) == len(queries_small), "\n".join(queries_double)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--goals=10"], "The sizes apply to --scale only."),
        (["--scale", "--departments=3"], "--departments must be at least 4."),
        (["--scale", "--members=2"], "--members must be at least 3."),
        (["--scale", "--checkins=10", "--asks=11"], "--asks must be at most --checkins"),
        (["--scale", "--conflicts=20", "--decisions=16"], "--decisions must be at least 17"),
    ],
)
def test_sizes_without_scale_or_below_their_minimum_are_refused(db, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(*args)

    assert not Workspace.objects.exists()
