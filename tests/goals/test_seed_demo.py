"""``manage.py seed_demo``: the demo workspace, and the scale workspace for benchmarks."""

from datetime import timedelta
from io import StringIO
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from alignment.seed.common import quarter_of
from checkins.cycles import cycle_bounds
from checkins.models import Ask, CheckIn, Cycle
from checkins.services.cycles import cycle_current
from conflicts.models import Conflict, Position
from forums.models import ActionItem, AgendaItem, Attendance, Decision, Forum, Meeting
from goals.models import KPI, Goal, Measurement, Period, Retrospective, Win
from health.models import PulseAnswer
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


def seed(*args: str) -> str:
    out = StringIO()
    with nplusone.seeding_the_demo():
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


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
