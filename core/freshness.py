"""Versions of the data, so that a cached piece of a page is never stale.

Every cached piece (see :mod:`core.pagecache`, :func:`remember`) is kept together with the
**version** it was read at: the current tokens, one for everything and one per workspace. A
token is a random string in the shared cache (Redis in production), replaced by a new one
whenever data it covers changes. A reader takes the tokens first (in the same cache call as the
entry, :func:`lookup`) and the data after, so what it keeps was read no earlier than its version
was set; a later change sets a new token, and an entry of an older version is a miss.

Which tokens a change replaces is decided at the one place every write passes: the database
connection. :class:`WriteWatcher`, installed on every connection of every process (web, Celery
worker, beat, management commands), looks at each SQL statement (psycopg2's ``copy_expert``
passes no execute wrapper: its one caller, the seed, calls :func:`written` itself):

- a read (``SELECT``, savepoints, ``SET``…) changes nothing;
- a write to a table in :data:`UNSHOWN_TABLES` (sessions, Celery beat's schedule) changes
  nothing any page shows;
- a write to a table in :data:`SHARED_TABLES` (people, workspaces, memberships: shown in every
  workspace's navigation) changes everything;
- any other write changes the workspace of the request that made it (:func:`enter_workspace`,
  called by ``teams.tenancy``), or everything when no workspace request made it (a Celery task, a
  command, an account page). A statement we cannot parse changes everything.

The token is replaced right after the statement, and again when its transaction commits: the
first so that the same connection, which sees its own uncommitted rows, never serves a piece
cached before them; the second because another process may have cached the old rows under the
first token while the transaction was still open. Tokens are set, not incremented, so two
processes changing data at once can never end on a token a reader has already used.
"""

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache, caches
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

from core.cache import window_hit_and_get_many

logger = logging.getLogger(__name__)

EVERYTHING = "all"
# Shown in every workspace (names, the workspace switcher, roles): a change reaches them all.
SHARED_TABLES = frozenset({"teams_user", "teams_workspace", "teams_membership"})
# Nothing a page shows is read from these.
UNSHOWN_TABLES = frozenset({"django_session"})
UNSHOWN_PREFIXES = ("django_celery_beat_",)

_READS = re.compile(
    r"[\s(]*(SELECT|VALUES|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|PRAGMA|EXPLAIN)\b",
    re.IGNORECASE,
)
_WRITES = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?(\w+)"?',
    re.IGNORECASE,
)
_scope: ContextVar[int | None] = ContextVar("freshness_scope", default=None)
_bypass: ContextVar[bool] = ContextVar("freshness_bypass", default=False)
# What :func:`prefetch` read for this request: (the version, {key: value or None}).
_prefetched: ContextVar[tuple[str, dict[str, Any]] | None] = ContextVar(
    "freshness_prefetched", default=None
)


def _key(scope: int | str) -> str:
    return f"version:{scope}"


def _new_token() -> str:
    return secrets.token_hex(8)


def enter_workspace(workspace_id: int | None) -> None:
    """Writes made from here to the end of the request change workspace ``workspace_id`` only
    (see the module docstring); :class:`ScopeMiddleware` forgets it when the request ends."""
    _scope.set(workspace_id)


class ScopeMiddleware:
    """Every request starts and ends outside any workspace, with nothing prefetched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scope, prefetched = _scope.set(None), _prefetched.set(None)
        try:
            return self.get_response(request)
        finally:
            _scope.reset(scope)
            _prefetched.reset(prefetched)


def _tokens(workspace_id: int | None) -> list[str]:
    keys = [_key(EVERYTHING)]
    return keys if workspace_id is None else [*keys, _key(workspace_id)]


def lookup(workspace_id: int | None, key: str | None = None) -> tuple[str, Any]:
    """(the current version, what :func:`keep` kept under ``key`` for that version, or None),
    in one cache call. The version is the token for everything, and the workspace's when
    ``workspace_id`` is given (None: for what only people, workspaces and memberships make)."""
    held = _prefetched.get()
    if held is not None and workspace_id is None and key in held[1]:
        return held[0], held[1][key]
    keys = _tokens(workspace_id)
    if _bypass.get():
        key = None
    found = cache.get_many(keys if key is None else [*keys, key])
    for token in keys:
        if token not in found:
            # Evicted, or never set: start a token (another process may be starting one too).
            cache.add(token, _new_token(), None)
            found[token] = cache.get(token)
    version = ".".join(found[token] for token in keys)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry[1]
    return version, None


def prefetch(*names: str, hit: tuple[str, int] | None = None) -> int | None:
    """Read, in one cache call now, what ``remember(None, name, …)`` will look up later in this
    request (the signed-in person and their membership: ``teams.middleware``), instead of one
    call each. What is read holds until the request writes anything that changes a version
    (:func:`written` drops it), so it is exactly as fresh as looking each up when asked.

    ``hit``, a (key, seconds) window of :func:`core.cache.window_hit`, is counted in the same
    round trip (the API's rate limit); its count is returned."""
    tokens = _tokens(None)
    keys = [] if _bypass.get() else [*tokens, *(f"data:None:{name}" for name in names)]
    if hit is None:
        count, found = None, cache.get_many(keys) if keys else {}
    else:
        count, found = window_hit_and_get_many(caches["default"], *hit, keys)
    if not keys or any(token not in found for token in tokens):
        return count  # bypassed, or lookup starts the missing token
    version = ".".join(found[token] for token in tokens)
    held = {}
    for key in keys[len(tokens) :]:
        entry = found.get(key)
        held[key] = entry[1] if entry and entry[0] == version else None
    _prefetched.set((version, held))
    return count


@contextmanager
def uncached() -> Iterator[None]:
    """Inside, every :func:`lookup` misses (what is computed is still kept): the query-count
    tests pin what a page costs when it is computed."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def keep(key: str, version: str, value: Any, timeout: int) -> None:
    """Keep ``value`` under ``key`` for ``version`` (a later version makes it a miss)."""
    cache.set(key, (version, value), timeout)


def version(workspace_id: int | None) -> str:
    """The version a piece of ``workspace_id`` would be kept for now."""
    return lookup(workspace_id)[0]


def remember(
    workspace_id: int | None, name: str, compute: Callable[[], Any], timeout: int = 600
) -> Any:
    """``compute()``, kept for the current version (see :func:`lookup`): for what is costly to
    read or compute and the same for everyone who may see it. ``name`` must say everything
    else the result depends on (a date, a person's id). ``compute`` must not return None."""
    key = f"data:{workspace_id}:{name}"
    version, found = lookup(workspace_id, key)
    if found is None:
        found = compute()
        keep(key, version, found, timeout)
        held = _prefetched.get()
        if held is not None and key in held[1]:
            held[1][key] = found
    return found


def changed(*scopes: int | str) -> None:
    """Replace the tokens of ``scopes`` (workspace ids, or :data:`EVERYTHING`).

    A cache that cannot be reached must not make the write fail (a reminder marked sent would be
    sent again): while it is away nothing is served from it either (:mod:`core.pagecache` renders
    instead), and what it held when it comes back expires within ``pagecache.TIMEOUT``.
    """
    try:
        cache.set_many({_key(scope): _new_token() for scope in scopes}, None)
    except Exception:  # the cache backends raise their client's errors (redis, OSError...)
        logger.warning("Could not replace the version tokens of %s", scopes, exc_info=True)


def scope_of(sql: str) -> int | str | None:
    """What a statement changes: a workspace id, :data:`EVERYTHING`, or None for nothing."""
    if _READS.match(sql):
        return None
    match = _WRITES.match(sql)
    if match is None:
        return EVERYTHING
    table = match.group(1).lower()
    if table in UNSHOWN_TABLES or table.startswith(UNSHOWN_PREFIXES):
        return None
    if table in SHARED_TABLES:
        return EVERYTHING
    workspace_id = _scope.get()
    return EVERYTHING if workspace_id is None else workspace_id


class VersionChange:
    """The after-commit replacement of one scope's token, registered once per transaction."""

    def __init__(self, scope: int | str) -> None:
        self.scope = scope

    def __call__(self) -> None:
        changed(self.scope)


def written(connection: BaseDatabaseWrapper, scope: int | str | None) -> None:
    """Record a write of ``scope`` on ``connection``: replace its token now, and once more when
    the transaction commits (at once in autocommit, where the statement has committed)."""
    if scope is None:
        return
    _prefetched.set(None)
    changed(scope)
    if connection.in_atomic_block:
        # Django keeps the callbacks as (savepoints, callable, robust) and drops those of a
        # rolled-back savepoint or transaction, so what is pending is always read from there.
        pending = any(
            isinstance(func, VersionChange) and func.scope == scope
            for _, func, _ in connection.run_on_commit
        )
        if not pending:
            connection.on_commit(VersionChange(scope))


class WriteWatcher:
    """An execute wrapper (installed by ``CoreConfig.ready``) that calls :func:`written`."""

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        result = execute(sql, params, many, context)
        written(context["connection"], scope_of(sql))
        return result


watcher = WriteWatcher()


def install(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created`` receiver: watch every connection, once."""
    if watcher not in connection.execute_wrappers:
        connection.execute_wrappers.append(watcher)
