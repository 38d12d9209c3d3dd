"""Version tokens: which writes replace which tokens, and when (core/freshness.py)."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core import freshness
from teams.models import Department, Workspace
from teams.services import workspace_create
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('SELECT "goals_goal"."id" FROM "goals_goal"', None),
        ('SELECT 1 FROM "goals_goal" FOR UPDATE', None),
        ('(SELECT "a"."id" FROM "a") UNION (SELECT "b"."id" FROM "b")', None),
        ('SAVEPOINT "s1"', None),
        ('RELEASE SAVEPOINT "s1"', None),
        ('INSERT INTO "goals_goal" ("title") VALUES (%s)', 7),
        ('UPDATE "goals_goal" SET "title" = %s', 7),
        ('DELETE FROM "goals_goal" WHERE "id" = %s', 7),
        ("update goals_goal set title = %s", 7),
        ('UPDATE "teams_membership" SET "role" = %s', freshness.EVERYTHING),
        ('UPDATE "teams_user" SET "last_login" = %s', freshness.EVERYTHING),
        ('UPDATE "teams_workspace" SET "name" = %s', freshness.EVERYTHING),
        ('UPDATE "django_session" SET "session_data" = %s', None),
        ('INSERT INTO "django_celery_beat_periodictask" ("name") VALUES (%s)', None),
        ('TRUNCATE "goals_goal"', 7),
        ('WITH moved AS (UPDATE "goals_goal" SET "rank" = 1) SELECT 1', freshness.EVERYTHING),
    ],
)
def test_a_statement_changes_its_workspace_everything_or_nothing(sql, expected):
    freshness.enter_workspace(7)
    try:
        assert freshness.scope_of(sql) == expected
    finally:
        freshness.enter_workspace(None)


def test_a_write_outside_any_workspace_request_changes_everything():
    assert freshness.scope_of('UPDATE "goals_goal" SET "title" = %s') == freshness.EVERYTHING


def test_each_write_replaces_the_token_of_its_workspace_only(acme, db):
    other = workspace_create(creator=UserFactory(), name="Globex", slug="globex")
    acme_before, other_before = freshness.version(acme.workspace.pk), freshness.version(other.pk)
    freshness.enter_workspace(acme.workspace.pk)
    try:
        Department.objects.filter(pk=acme.sales.pk).update(name="Revenue")
    finally:
        freshness.enter_workspace(None)
    assert freshness.version(acme.workspace.pk) != acme_before
    assert freshness.version(other.pk) == other_before


def test_a_read_replaces_nothing(acme):
    before = freshness.version(acme.workspace.pk)
    list(Department.objects.all())
    assert freshness.version(acme.workspace.pk) == before


@pytest.mark.django_db(transaction=True)
def test_the_token_is_replaced_at_the_write_and_again_at_the_commit():
    workspace = workspace_create(creator=UserFactory(), name="Acme", slug="acme")
    tokens = [freshness.version(workspace.pk)]
    with transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(name="Acme Inc")
        tokens.append(freshness.version(workspace.pk))
        Workspace.objects.filter(pk=workspace.pk).update(name="Acme Inc.")
        tokens.append(freshness.version(workspace.pk))
    tokens.append(freshness.version(workspace.pk))
    assert len(set(tokens)) == 4, "each write, and then the commit, gave a new token"


@pytest.mark.django_db(transaction=True)
def test_after_a_rolled_back_transaction_the_next_commit_still_replaces_the_token():
    workspace = workspace_create(creator=UserFactory(), name="Acme", slug="acme")
    with transaction.atomic():
        sid = transaction.savepoint()
        Workspace.objects.filter(pk=workspace.pk).update(name="Never")
        transaction.savepoint_rollback(sid)
    with transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(name="Never")
        transaction.set_rollback(True)
    with transaction.atomic():
        Workspace.objects.filter(pk=workspace.pk).update(name="Acme Inc")
        pending = [func for _, func, _ in connection.run_on_commit]
        assert any(isinstance(func, freshness.VersionChange) for func in pending)


def test_a_cache_that_cannot_be_reached_does_not_fail_the_write(acme, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    Department.objects.filter(pk=acme.sales.pk).update(name="Revenue")
    assert Department.objects.get(pk=acme.sales.pk).name == "Revenue"


def test_remembered_figures_are_computed_again_after_a_change(acme):
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert freshness.remember(acme.workspace.pk, "test", compute) == 1
    assert freshness.remember(acme.workspace.pk, "test", compute) == 1
    Department.objects.filter(pk=acme.sales.pk).update(name="Revenue")
    assert freshness.remember(acme.workspace.pk, "test", compute) == 2


def _calls_to(cache_backend, monkeypatch) -> list[str]:
    """The names of the cache's methods called from here on, in order (not those a method
    calls itself: the memory cache's get_many calls get for each key)."""
    calls: list[str] = []
    inside = []
    for name in ("get", "get_many", "set", "add", "set_many"):
        real = getattr(cache_backend, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            if not inside:
                calls.append(_name)
            inside.append(_name)
            try:
                return _real(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache_backend, name, counted)
    return calls


def test_a_signed_in_page_reads_the_person_and_membership_in_one_cache_call(
    acme, as_user, monkeypatch
):
    """teams.middleware prefetches both; the page's lookups of them ask the cache no more."""
    from django.core.cache import caches

    client = as_user(acme.claire)
    url = reverse("goal_list", args=["acme"])
    client.get(url)  # fills the cache
    calls = _calls_to(caches["default"], monkeypatch)
    assert client.get(url).status_code == 200
    # The session, the person and membership together, the page (tokens and entry).
    assert calls == ["get", "get_many", "get_many"]


def test_what_was_prefetched_is_dropped_at_the_first_write(acme):
    """Exactly as fresh as asking each time: after a write, a lookup asks the cache again."""
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    freshness.remember(None, "test", compute)
    freshness.prefetch("test")
    Department.objects.filter(pk=acme.sales.pk).update(name="Revenue")
    assert freshness.remember(None, "test", compute) == 2
    assert freshness.remember(None, "test", compute) == 2
