"""``manage.py seed_demo``: the demo workspace, and the scale workspace for benchmarks."""

import re
from collections import Counter
from datetime import datetime, time, timedelta
from io import StringIO
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alignment.seed.common import quarter_of
from checkins.cycles import cycle_bounds
from checkins.models import Ask, CheckIn, Cycle
from checkins.services.cycles import cycle_current
from conflicts.models import Acknowledgement, Conflict, Position
from conflicts.permissions import is_neutral
from forums.models import ActionItem, AgendaItem, Attendance, Decision, Forum, Meeting
from forums.recurrence import cadence_rule, occurrences
from forums.services import meetings_plan
from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from health.models import PulseAnswer
from health.selectors import pulse_partners
from teams.models import Cadence, Department, Membership, Role, User, Workspace
from tests import nplusone
from tests.factories import UserFactory
from workshops.models import Workshop

DEMO_ROLES = {
    "admin": Role.ADMIN,
    "cmo": Role.EXECUTIVE,
    "coo": Role.EXECUTIVE,
    "product.lead": Role.LEAD,
    "sales.lead": Role.LEAD,
    "marketing.lead": Role.LEAD,
    "member": Role.MEMBER,
    "partner": Role.GUEST,
}
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


def seed(*args: str) -> str:
    out = StringIO()
    with nplusone.seeding_the_demo():
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def scale_args(**sizes: int) -> list[str]:
    return ["--scale", *(f"--{name}={value}" for name, value in sizes.items())]


def london_today():
    return timezone.localdate(timezone=ZoneInfo("Europe/London"))


def this_quarters_goals(**lookup):
    return Goal.objects.filter(period__start_date=quarter_of(london_today()).start, **lookup)


def row_counts(slug: str) -> dict[str, int]:
    """Rows of every table the seed writes, for the workspace ``slug``."""
    return {
        "workspaces": Workspace.objects.filter(slug=slug).count(),
        "departments": Department.objects.filter(workspace__slug=slug).count(),
        "memberships": Membership.objects.filter(workspace__slug=slug).count(),
        "users": User.objects.filter(memberships__workspace__slug=slug).count(),
        "periods": Period.objects.filter(workspace__slug=slug).count(),
        "kpis": KPI.objects.filter(workspace__slug=slug).count(),
        "measurements": Measurement.objects.filter(kpi__workspace__slug=slug).count(),
        "goals": Goal.objects.filter(workspace__slug=slug).count(),
        "goal owners": Goal.owner_departments.through.objects.filter(
            goal__workspace__slug=slug
        ).count(),
        "cycles": Cycle.objects.filter(workspace__slug=slug).count(),
        "checkins": CheckIn.objects.filter(goal__workspace__slug=slug).count(),
        "asks": Ask.objects.filter(workspace__slug=slug).count(),
        "forums": Forum.objects.filter(workspace__slug=slug).count(),
        "meetings": Meeting.objects.filter(workspace__slug=slug).count(),
        "agenda items": AgendaItem.objects.filter(meeting__workspace__slug=slug).count(),
        "attendance": Attendance.objects.filter(meeting__workspace__slug=slug).count(),
        "action items": ActionItem.objects.filter(workspace__slug=slug).count(),
        "decisions": Decision.objects.filter(workspace__slug=slug).count(),
        "conflicts": Conflict.objects.filter(workspace__slug=slug).count(),
        "positions": Position.objects.filter(conflict__workspace__slug=slug).count(),
        "pulse answers": PulseAnswer.objects.filter(workspace__slug=slug).count(),
        "workshops": Workshop.objects.filter(workspace__slug=slug).count(),
        "retrospectives": Retrospective.objects.filter(workspace__slug=slug).count(),
        "wins": Win.objects.filter(workspace__slug=slug).count(),
    }


def test_demo_creates_acme_with_the_four_departments_and_their_leads(db):
    seed()

    workspace = Workspace.objects.get(slug="acme")
    assert workspace.name == "Acme Analytics"
    assert workspace.timezone == "Europe/London"
    assert "Marketing, Product, Sales and Operations" in workspace.mission
    people = {d.name: (d.lead.username, d.executive.username) for d in workspace.departments.all()}
    assert people == {
        "Marketing": ("marketing.lead", "cmo"),
        "Product": ("product.lead", "coo"),
        "Sales": ("sales.lead", "cmo"),
        "Operations": ("coo", "coo"),
    }


def test_demo_people_have_their_roles_departments_and_the_demo_password(db):
    seed()

    memberships = Membership.objects.filter(workspace__slug="acme").select_related("user")
    assert {m.user.username: m.role for m in memberships} == DEMO_ROLES
    departments = {m.user.username: {d.name for d in m.departments.all()} for m in memberships}
    assert departments["cmo"] == {"Marketing"}
    assert departments["product.lead"] == {"Product"}
    assert departments["member"] == {"Product"}
    assert departments["partner"] == set()
    users = User.objects.filter(username__in=DEMO_ROLES)
    assert all(u.check_password("alignment-demo") for u in users)
    assert all(u.email == f"{u.username}@acme.example" for u in users)
    assert {u.username for u in users if u.is_staff and u.is_superuser} == {"admin"}


def test_demo_has_the_previous_current_and_next_quarter(db):
    seed()

    today = london_today()
    periods = list(Period.objects.filter(workspace__slug="acme").order_by("start_date"))
    assert len(periods) == 3
    previous, current, following = periods
    assert current.start_date <= today <= current.end_date
    assert current.name == f"Q{(today.month - 1) // 3 + 1} {today.year}"
    assert previous.end_date == current.start_date - timedelta(days=1)
    assert following.start_date == current.end_date + timedelta(days=1)


def test_demo_shared_goals_have_several_owners_and_department_steps(db):
    seed()

    shared = list(
        this_quarters_goals(parent=None)
        .prefetch_related("owner_departments", "contributing_departments", "children")
        .order_by("priority")
    )
    assert [g.priority for g in shared] == [1, 2, 3, 4]
    for goal in shared:
        assert goal.is_shared
        assert 2 <= goal.children.count() <= 3
        departments = {*goal.owner_departments.all(), *goal.contributing_departments.all()}
        for step in goal.children.all():
            (owner,) = step.owner_departments.all()
            assert owner in departments
            assert step.period_id == goal.period_id
            assert step.due_date <= goal.due_date
    awareness = shared[0]
    assert awareness.title.startswith("Increase product awareness by 30% this quarter")
    assert {d.name for d in awareness.owner_departments.all()} == {"Marketing", "Product"}
    assert {d.name for d in awareness.contributing_departments.all()} == {"Sales"}
    assert (awareness.metric, awareness.unit) == ("Aided brand awareness", "%")
    assert (awareness.baseline, awareness.target) == (20, 26)
    assert awareness.accountable.username == "cmo"
    assert awareness.status == Goal.Status.ON_TRACK
    assert awareness.start_date == awareness.period.start_date
    assert awareness.due_date == awareness.period.end_date
    assert [g.status for g in shared] == ["on_track", "at_risk", "on_track", "off_track"]
    assert all(0 < g.progress < 100 for g in shared)


def test_demo_kpis_have_a_year_of_weekly_manual_measurements(db):
    seed()

    kpis = {k.name: k for k in KPI.objects.filter(workspace__slug="acme")}
    assert set(kpis) == {
        "Customer acquisition cost",
        "Customer lifetime value",
        "Lead generation",
        "Time to market",
    }
    cac = kpis["Customer acquisition cost"]
    assert (cac.unit, cac.direction, cac.green_threshold, cac.red_threshold) == (
        "EUR",
        "decrease",
        180,
        250,
    )
    assert {d.name for d in cac.owner_departments.all()} == {"Marketing", "Sales"}
    for kpi in kpis.values():
        dates = list(kpi.measurements.order_by("date").values_list("date", flat=True))
        assert len(dates) == 52
        assert {later - earlier for earlier, later in pairwise(dates)} == {timedelta(weeks=1)}
        assert dates[-1] == london_today()
        assert set(kpi.measurements.values_list("source", flat=True)) == {"manual"}
    for goal in Goal.objects.filter(workspace__slug="acme", kpi__isnull=False):
        assert goal.current_value == goal.kpi.measurements.order_by("-date").first().value


def test_demo_open_goals_have_a_checkin_by_their_lead_for_every_past_cycle(db):
    seed()

    today = london_today()
    cycles = list(Cycle.objects.filter(workspace__slug="acme").order_by("starts_on"))
    assert len(cycles) == 7
    assert all(b.starts_on - a.starts_on == timedelta(days=14) for a, b in pairwise(cycles))
    for cycle in cycles:
        bounds = cycle_bounds(Cadence.BIWEEKLY, cycle.starts_on)
        assert (cycle.starts_on, cycle.due_on) == (bounds.starts_on, bounds.due_on)
    # The app's current cycle is the newest seeded one, not a new row.
    assert cycle_current(workspace=cycles[0].workspace, today=today) == cycles[-1]
    past = [c for c in cycles if c.due_on < today]
    assert len(past) == (7 if cycles[-1].due_on < today else 6)
    assert not CheckIn.objects.filter(cycle__in=[c for c in cycles if c not in past]).exists()
    goals = this_quarters_goals().prefetch_related("owner_departments")
    assert len(goals) == 13  # last quarter's, closed, are in tests/goals/test_demo_closing.py
    for goal in goals:
        checkins = list(goal.checkins.select_related("cycle"))
        assert sorted(c.cycle.starts_on for c in checkins) == [c.starts_on for c in past]
        leads = {d.lead_id for d in goal.owner_departments.all()}
        for checkin in checkins:
            assert checkin.author_id in leads
            assert 1 <= checkin.confidence <= 10
            assert checkin.moved
            assert checkin.next_steps
            written = checkin.created_at.astimezone(ZoneInfo("Europe/London")).date()
            assert checkin.cycle.starts_on <= written <= checkin.cycle.due_on
        latest = max(checkins, key=lambda c: c.cycle.starts_on)
        assert latest.value == goal.current_value


def test_demo_seeded_again_changes_nothing(db):
    seed()
    workspace_id = Workspace.objects.get(slug="acme").pk
    before = row_counts("acme")

    output = seed()

    assert row_counts("acme") == before
    assert Workspace.objects.get(slug="acme").pk == workspace_id
    assert 'The workspace "acme" exists already; nothing changed' in output
    assert "Sign in as cmo / alignment-demo (executive)." in output


def test_demo_reset_seeds_it_afresh_and_leaves_other_workspaces_alone(db, globex):
    seed()
    old_workspace = Workspace.objects.get(slug="acme").pk
    old_users = set(User.objects.filter(username__in=DEMO_ROLES).values_list("pk", flat=True))
    before = row_counts("acme")
    values = list(Measurement.objects.filter(kpi__workspace__slug="acme").values_list("value"))
    globex_before = row_counts("globex")

    seed("--reset")

    assert Workspace.objects.get(slug="acme").pk != old_workspace
    assert not User.objects.filter(pk__in=old_users).exists()
    assert User.objects.filter(username__in=DEMO_ROLES).count() == len(DEMO_ROLES)
    assert row_counts("acme") == before
    assert values == list(
        Measurement.objects.filter(kpi__workspace__slug="acme").values_list("value")
    )
    assert row_counts("globex") == globex_before


def test_demo_prints_where_it_is_and_how_to_sign_in(db, settings):
    settings.SITE_URL = "https://align.example.org"

    output = seed()

    assert output.splitlines() == [
        'Demo workspace "Acme Analytics" is ready at https://align.example.org/w/acme/',
        "Sign in as cmo / alignment-demo (executive). Others: admin, coo, product.lead, "
        "sales.lead, marketing.lead, member, partner (same password).",
    ]


def test_demo_refuses_usernames_of_people_outside_the_demo(db):
    stranger = UserFactory(username="admin", email="admin@elsewhere.example")

    with pytest.raises(CommandError, match="outside the demo"):
        seed()

    assert User.objects.get(pk=stranger.pk).email == "admin@elsewhere.example"
    assert not Workspace.objects.filter(slug="acme").exists()
    assert not User.objects.filter(email__endswith="@acme.example").exists()


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
