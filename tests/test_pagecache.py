"""Cached pages (core/pagecache.py): served from the cache, never stale, per person.

The freshness tests run with the real shared cache (Redis in CI, the file cache otherwise), with
committed data, and with changes made by a second client, by code outside any request (as a
Celery worker writes) and by a second process.
"""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from forums import services as forum_services
from goals.models import KPI
from teams.models import Department, Role
from tests.factories import GoalFactory, KPIFactory, MembershipFactory, UserFactory, member
from tests.forums.conftest import next_weekday

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pieces(acme):
    """Every cached view: (name, URL, HTMX headers) with the data it shows."""
    kpi = KPIFactory(workspace=acme.workspace, name="Pipeline", owner_departments=[acme.sales])
    goal = GoalFactory(
        workspace=acme.workspace,
        title="Grow the pipeline",
        kpi=kpi,
        owner_departments=[acme.sales, acme.marketing],
    )
    forum = forum_services.forum_create(
        membership=member(acme.ada),
        name="Growth forum",
        purpose="Sales and marketing decide together.",
        departments=[acme.sales, acme.marketing],
        facilitator=acme.ada,
        first_date=next_weekday(1),
        start_time=dt.time(10, 0),
        duration_minutes=60,
        cadence="monthly_weekday",
    )
    meeting = forum.meetings.order_by("starts_at").first()
    ws = acme.workspace.slug
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("dashboard", reverse("dashboard", args=[ws]), {}),
        ("goal list", reverse("goal_list", args=[ws]), {}),
        (
            "goal results",
            reverse("goal_list", args=[ws]),
            {**htmx, "HTTP_HX_TARGET": "goal-results"},
        ),
        ("goal detail", reverse("goal_detail", args=[ws, goal.pk]), {}),
        ("KPI detail", reverse("kpi_detail", args=[ws, kpi.pk]), {}),
        ("KPI panel", reverse("kpi_panel", args=[ws]), htmx),
        ("check-in panel", reverse("checkin_panel", args=[ws]), htmx),
        ("forum panel", reverse("forum_panel", args=[ws]), htmx),
        ("meeting", reverse("meeting_detail", args=[ws, meeting.pk]), {}),
        ("health", reverse("health", args=[ws]), {}),
        ("health panel", reverse("health_panel", args=[ws]), htmx),
        ("decision log", reverse("decision_log", args=[ws]), {}),
    ]


def _rename_everything(acme, suffix: str) -> None:
    """A change every cached view shows: the names of the departments, KPIs and forums."""
    for department in Department.objects.filter(workspace=acme.workspace):
        department.name = f"{department.name} {suffix}"
        department.save(update_fields=["name"])
    for kpi in KPI.objects.filter(workspace=acme.workspace):
        kpi.name = f"{kpi.name} {suffix}"
        kpi.save(update_fields=["name"])
    acme.workspace.forums.update(name=f"Growth forum {suffix}")


def _body(response) -> str:
    """The page without its CSRF tokens, which are masked afresh for every response."""
    return CSRF_INPUT.sub("", re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode()))


def _shared_cache_url() -> str:
    """Redis database 15 beside the broker's (CI), so clearing it touches no queue."""
    return re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/15"


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The cache web processes share, as the settings make it: Redis when REDIS_URL is set
    (CI), else the file cache under VAR_DIR. Yields the environment a second process needs."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="alignment.settings", VAR_DIR=str(tmp_path))
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = _shared_cache_url()
        backend = {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": env["REDIS_URL"],
            "KEY_PREFIX": "alignment",
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    settings.CACHES = {"default": backend}
    cache.clear()
    yield env
    cache.clear()


def test_the_second_request_is_served_from_the_cache_with_fewer_queries(acme, as_user):
    client = as_user(acme.claire)
    for name, url, headers in _pieces(acme):
        cache.clear()  # nothing kept from the piece before (the health page's figures, say)
        with CaptureQueriesContext(connection) as first:
            rendered = client.get(url, **headers)
        with CaptureQueriesContext(connection) as second:
            cached = client.get(url, **headers)
        assert rendered.status_code == cached.status_code == 200, name
        assert _body(cached) == _body(rendered), name
        # What is left: the person and their membership (the role is checked); the session
        # comes from the cache.
        assert len(second) <= 2 < len(first), (name, [q["sql"] for q in second])


@pytest.mark.django_db(transaction=True)
def test_a_change_by_another_person_is_on_the_very_next_request(acme, shared_cache):
    reader, writer = Client(), Client()
    reader.force_login(acme.claire)
    writer.force_login(acme.ada)
    pieces = _pieces(acme)
    before = {name: _body(reader.get(url, **headers)) for name, url, headers in pieces}
    response = writer.post(
        reverse("department_edit", args=[acme.workspace.slug, acme.sales.pk]),
        {"name": "Revenue", "kind": "sales", "color": "#0d6efd"},
    )
    assert response.status_code == 302
    kpi = KPI.objects.get(workspace=acme.workspace, name="Pipeline")
    response = writer.patch(
        f"/api/v1/workspaces/{acme.workspace.slug}/kpis/{kpi.pk}/",
        {"name": "Revenue pipeline"},
        content_type="application/json",
    )
    assert response.status_code == 200
    forum = acme.workspace.forums.get()
    response = writer.patch(
        f"/api/v1/workspaces/{acme.workspace.slug}/forums/{forum.pk}/",
        {"name": "Revenue forum, weekly"},
        content_type="application/json",
    )
    assert response.status_code == 200
    for name, url, headers in pieces:
        after = _body(reader.get(url, **headers))
        assert after != before[name], name
        assert "Revenue" in after, name


@pytest.mark.django_db(transaction=True)
def test_a_change_made_outside_any_request_is_on_the_next_request(acme, shared_cache):
    reader = Client()
    reader.force_login(acme.claire)
    pieces = _pieces(acme)
    for _, url, headers in pieces:
        reader.get(url, **headers)
    _rename_everything(acme, "(renamed by a task)")
    for name, url, headers in pieces:
        assert "(renamed by a task)" in reader.get(url, **headers).content.decode(), name


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_is_on_the_next_request(acme, shared_cache):
    reader = Client()
    reader.force_login(acme.claire)
    url = reverse("dashboard", args=[acme.workspace.slug])
    assert "Marketing (elsewhere)" not in reader.get(url).content.decode()
    reader.get(url)  # from the cache now
    database = connection.settings_dict
    env = shared_cache
    if database["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    script = (
        "import django; django.setup()\n"
        "from teams.models import Department\n"
        f"d = Department.objects.get(pk={acme.marketing.pk})\n"
        "d.name = 'Marketing (elsewhere)'\n"
        "d.save(update_fields=['name'])\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    assert "Marketing (elsewhere)" in reader.get(url).content.decode()


def test_each_person_gets_their_own_page(acme, as_user):
    url = reverse("goal_list", args=[acme.workspace.slug])
    lead_page = as_user(acme.leo).get(url).content.decode()
    member_page = as_user(acme.mia).get(url).content.decode()
    assert "New goal" in lead_page
    assert "New goal" not in member_page
    assert "Leo" in as_user(acme.leo).get(url).content.decode()


def test_a_role_taken_away_is_checked_before_the_cache(acme, as_user):
    url = reverse("goal_list", args=[acme.workspace.slug])
    client = as_user(acme.mia)
    assert client.get(url).status_code == 200
    acme.workspace.memberships.filter(user=acme.mia).update(role=Role.GUEST)
    assert client.get(url).status_code == 404


def test_a_cached_page_carries_a_working_csrf_token(acme):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme.ada)
    url = reverse("dashboard", args=[acme.workspace.slug])
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    tokens = [re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1) for page in (first, second)]
    assert tokens[0] != tokens[1], "masked afresh"
    assert pagecache.CSRF_PLACEHOLDER not in second
    response = client.post(
        reverse("department_edit", args=[acme.workspace.slug, acme.sales.pk]),
        {"name": "Revenue", "kind": "sales", "color": "#0d6efd"},
        HTTP_X_CSRFTOKEN=tokens[1],
    )
    assert response.status_code == 302


def test_a_waiting_message_is_shown_on_a_page_that_was_cached(acme, as_user):
    client = as_user(acme.ada)
    url = reverse("dashboard", args=[acme.workspace.slug])
    client.get(url)
    client.post(
        reverse("department_edit", args=[acme.workspace.slug, acme.sales.pk]),
        {"name": "Revenue", "kind": "sales", "color": "#0d6efd"},
    )
    page = client.get(url).content.decode()
    assert 'role="alert"' in page


def test_a_new_member_sees_the_page_of_their_own(acme, as_user):
    url = reverse("dashboard", args=[acme.workspace.slug])
    as_user(acme.claire).get(url)
    newcomer = UserFactory(username="nina", first_name="Nina")
    MembershipFactory(workspace=acme.workspace, user=newcomer, departments=[acme.sales])
    assert "Nina" in as_user(newcomer).get(url).content.decode()


def test_a_deactivated_person_is_signed_out_on_the_next_request(acme, as_user):
    client = as_user(acme.mia)
    url = reverse("dashboard", args=[acme.workspace.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not any('FROM "teams_user"' in q["sql"] for q in ctx.captured_queries), "kept"
    type(acme.mia).objects.filter(pk=acme.mia.pk).update(is_active=False)
    assert client.get(url).status_code == 302


def test_a_membership_taken_away_is_a_404_on_the_next_request(acme, as_user):
    client = as_user(acme.mia)
    url = reverse("goal_list", args=[acme.workspace.slug])
    client.get(url)
    acme.workspace.memberships.filter(user=acme.mia).delete()
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_api_goal_list_shows_a_change_on_the_next_request(acme, shared_cache):
    reader, writer = Client(), Client()
    reader.force_login(acme.mia)
    writer.force_login(acme.ada)
    goal = GoalFactory(workspace=acme.workspace, title="Grow", owner_departments=[acme.sales])
    url = f"/api/v1/workspaces/{acme.workspace.slug}/goals/?page_size=50"
    assert reader.get(url).json()["results"][0]["title"] == "Grow"
    with CaptureQueriesContext(connection) as ctx:
        assert reader.get(url).json()["results"][0]["title"] == "Grow"
    assert not any('FROM "goals_goal"' in q["sql"] for q in ctx.captured_queries), "kept"
    response = writer.patch(
        f"/api/v1/workspaces/{acme.workspace.slug}/goals/{goal.pk}/",
        {"title": "Grow the pipeline"},
        content_type="application/json",
        HTTP_IF_MATCH=writer.get(f"/api/v1/workspaces/{acme.workspace.slug}/goals/{goal.pk}/")[
            "ETag"
        ],
    )
    assert response.status_code == 200, response.content
    assert reader.get(url).json()["results"][0]["title"] == "Grow the pipeline"
