"""The demo workspace "Acme Analytics", from the seeds' scenario.

Everything but the measurement and check-in history goes through the services, so every rule
of the product holds for it. The random numbers come from a fixed seed: every run is the same.

Its people are seeded by demo_people, its KPIs and goals by demo_goals, their check-ins by
demo_checkins, its forums by demo_forums, its conflicts by demo_conflicts, its glossary by
demo_glossary, its pulse by demo_health, its workshops by demo_workshops, and how last
quarter's workshop goals ended (a win, retrospectives) by demo_wins; this module makes the
workspace and runs them in order.
"""

import random
from datetime import date

from django.conf import settings
from django.db import transaction

from alignment.seed.common import (
    PASSWORD,
    TIMEZONE,
    periods_create,
    quarters_around,
    users_delete,
    workspace_delete,
)
from alignment.seed.demo_checkins import _demo_checkins
from alignment.seed.demo_conflicts import demo_conflicts
from alignment.seed.demo_forums import demo_forums
from alignment.seed.demo_glossary import demo_glossary
from alignment.seed.demo_goals import DEMO_GOALS, DEMO_KPIS, Demo, _demo_goal, _demo_kpi
from alignment.seed.demo_health import demo_health
from alignment.seed.demo_people import DEMO_DOMAIN, DEMO_LOGIN, DEMO_PEOPLE, _demo_team, _demo_users
from alignment.seed.demo_wins import demo_wins
from alignment.seed.demo_workshops import demo_workshops
from goals.services.goals import goal_refresh_progress
from teams.models import Membership, Workspace
from teams.services import workspace_create

DEMO_SLUG = "acme"
DEMO_NAME = "Acme Analytics"
DEMO_MISSION = (
    "Acme Analytics helps independent retailers turn their sales data into confident "
    "decisions. Marketing, Product, Sales and Operations share one plan: we reach the retailers "
    "who get value in their first month, build what those customers ask for, sell what we can "
    "deliver on time and launch without breaking promises, so that every customer we win "
    "stays and grows with us."
)


def demo_login_lines() -> list[str]:
    others = ", ".join(p.username for p in DEMO_PEOPLE if p.username != DEMO_LOGIN)
    return [
        f'Demo workspace "{DEMO_NAME}" is ready at {settings.SITE_URL}/w/{DEMO_SLUG}/',
        f"Sign in as {DEMO_LOGIN} / {PASSWORD} (executive). Others: {others} (same password).",
    ]


@transaction.atomic
def demo_seed(today: date) -> Workspace:
    """The demo workspace, replacing the one there is and the demo's people."""
    workspace_delete(DEMO_SLUG)
    users_delete(DEMO_DOMAIN, username__in=[p.username for p in DEMO_PEOPLE])
    rng = random.Random(42)  # noqa: S311 -- demo data, the same on every run
    users = _demo_users()
    admin = users["admin"]
    workspace = workspace_create(
        creator=admin,
        name=DEMO_NAME,
        slug=DEMO_SLUG,
        mission=DEMO_MISSION,
        timezone_name=TIMEZONE,
    )
    departments = _demo_team(workspace, users)
    memberships = {
        m.user.username: m
        for m in Membership.objects.filter(workspace=workspace)
        .select_related("user", "workspace")
        .prefetch_related("departments")
    }
    periods = periods_create(memberships["admin"], quarters_around(today, past=1, future=1))
    demo = Demo(
        workspace=workspace,
        users=users,
        memberships=memberships,
        departments=departments,
        period=periods[1],
    )
    for spec in DEMO_KPIS:
        _demo_kpi(demo, spec, today, rng)
    for spec, notes in DEMO_GOALS:
        _demo_goal(demo, spec, notes)
    _demo_checkins(demo, today, rng)
    # Steps come after their shared goal, so each shared goal ends rolled up from all its steps.
    for goal, _, _ in demo.checkin_goals:
        goal_refresh_progress(goal=goal)
    demo_forums(demo, today)
    demo_conflicts(demo, today)
    demo_glossary(demo)
    demo_health(demo, today, rng)
    committed = demo_workshops(demo, previous=periods[0], following=periods[2])
    demo_wins(demo, periods[0], committed, rng)
    return workspace
