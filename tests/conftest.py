"""Personas shared by every test.

In workspace "acme": ada (admin), claire (executive, CMO: marketing), leo (lead of product),
mia (member of sales), gus (guest). In workspace "globex": oscar (admin), the outsider.
"""

import datetime as dt
import os

# Before Django's settings load: the test run needs no real secret and no static manifest.
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
if os.environ.get("CI") == "true" and not os.environ.get("DATABASE_URL"):
    raise RuntimeError("CI runs the suite on PostgreSQL: set DATABASE_URL.")

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import freshness
from goals.models import KPI, Period
from teams.models import Department, Role, User, Workspace
from teams.services import workspace_create
from tests import nplusone
from tests.factories import KPIFactory, MembershipFactory, PeriodFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file of this run, not memory: the threads and worker
    processes a test starts reach it too, and runs side by side each have their own."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def _no_nplusone():
    """Every test runs under the N+1 guard, its fixtures too (tests/nplusone.py)."""
    with nplusone.guard():
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The memory cache outlives a test, and ids come back after each rollback: start empty.
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from alignment.celery import app

    app.conf.task_always_eager = True


@dataclass
class Acme:
    workspace: Workspace
    marketing: Department
    product: Department
    sales: Department
    operations: Department
    ada: User
    claire: User
    leo: User
    mia: User
    gus: User


@pytest.fixture
def acme(db) -> Acme:
    ada = UserFactory(username="ada", first_name="Ada", last_name="Admin", email="ada@acme.test")
    workspace = workspace_create(
        creator=ada, name="Acme", slug="acme", timezone_name="Europe/Berlin"
    )
    depts = {d.kind: d for d in workspace.departments.all()}
    people = {}
    for username, first, role, kind in [
        ("claire", "Claire", Role.EXECUTIVE, "marketing"),
        ("leo", "Leo", Role.LEAD, "product"),
        ("mia", "Mia", Role.MEMBER, "sales"),
        ("gus", "Gus", Role.GUEST, None),
    ]:
        user = UserFactory(username=username, first_name=first, email=f"{username}@acme.test")
        MembershipFactory(
            workspace=workspace, user=user, role=role, departments=[depts[kind]] if kind else []
        )
        people[username] = user
    depts["product"].lead = people["leo"]
    depts["product"].executive = people["claire"]
    depts["product"].save()
    return Acme(
        workspace=workspace,
        marketing=depts["marketing"],
        product=depts["product"],
        sales=depts["sales"],
        operations=depts["operations"],
        ada=ada,
        **people,
    )


@pytest.fixture
def cac(acme) -> KPI:
    """Customer acquisition cost in EUR, owned by marketing and product (leo leads product):
    lower is better, green at 100, red at 150."""
    return KPIFactory(
        workspace=acme.workspace,
        name="Customer acquisition cost",
        unit="EUR",
        direction="decrease",
        green_threshold=Decimal("100"),
        red_threshold=Decimal("150"),
        owner_departments=[acme.marketing, acme.product],
    )


@pytest.fixture
def quarter(acme) -> Period:
    """Acme's Q4 2026, 1 October to 31 December."""
    return PeriodFactory(
        workspace=acme.workspace,
        name="Q4 2026",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )


@pytest.fixture
def globex(db):
    """Another organisation, with oscar as its admin: the outsider in every permission test."""
    oscar = UserFactory(username="oscar", first_name="Oscar", email="oscar@globex.test")
    workspace = workspace_create(creator=oscar, name="Globex", slug="globex")
    return workspace


@pytest.fixture
def oscar(globex) -> User:
    return User.objects.get(username="oscar")


@pytest.fixture
def as_user(client):
    """``as_user(user)`` signs the test client in as that person and returns it."""

    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in


@dataclass(eq=False)
class QueryCount:
    """The queries one request made; equal to another when the counts are, printed as SQL."""

    count: int
    sql: list[str]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, QueryCount) and self.count == other.count

    def __repr__(self) -> str:
        return f"{self.count} queries:\n" + "\n".join(f"  {q}" for q in self.sql)


@pytest.fixture
def count_queries():
    """``count_queries(client, url)``: GET the url twice (the first warms the session) and
    return the second request's :class:`QueryCount`, with nothing served from the data cache
    (``freshness.uncached``): what the page costs when it is computed."""

    def count(client, url: str, *, method: str = "get", data=None, **extra) -> QueryCount:
        send = getattr(client, method)
        send(url, data, **extra)
        with CaptureQueriesContext(connection) as ctx, freshness.uncached():
            response = send(url, data, **extra)
        assert response.status_code < 400, response
        return QueryCount(len(ctx), [q["sql"] for q in ctx.captured_queries])

    return count
