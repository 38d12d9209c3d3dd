"""A workspace as one JSON document: read in one snapshot, streamed row by row."""

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from alignment.portability.tables import (
    FORMAT,
    PLANS,
    USER_FIELDS,
    USERS,
    VERSION,
    WORKSPACE_FIELDS,
    Plan,
)
from core.audit import audit_record
from teams.models import User, Workspace

EXPORT_CHUNK = 2000


def _dump(value: Any) -> Any:
    """A field's value as JSON: dates and times in ISO 8601, decimals as strings."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction, so every table is read as of the same moment (on PostgreSQL a
    read-only REPEATABLE READ one when nothing encloses it: its default sees each statement's
    own moment, and a row deleted between two reads would leave a dangling reference)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _of(plan: Plan, workspace: Workspace) -> models.QuerySet:
    return plan.table.model._base_manager.filter(**{plan.table.scope: workspace})


def _people(workspace: Workspace) -> dict[int, dict[str, str]]:
    """Everyone a row of the workspace refers to (members, and former members who wrote
    something), by id; one query."""
    referenced = models.Q(memberships__workspace=workspace)
    for plan in PLANS:
        for f in plan.people:
            referenced |= models.Q(pk__in=_of(plan, workspace).values(f.attname))
        for f, target in plan.lists:
            if target == USERS:
                referenced |= models.Q(
                    pk__in=_links(plan, f, workspace).values(f"{_ends(f)[1]}_id")
                )
    people = User.objects.filter(referenced).distinct().order_by("username")
    return {row["id"]: row for row in people.values("id", *USER_FIELDS)}


def _ends(f: models.ManyToManyField) -> tuple[str, str]:
    return f.m2m_field_name(), f.m2m_reverse_field_name()


def _links(plan: Plan, f: models.ManyToManyField, workspace: Workspace) -> models.QuerySet:
    """The rows of a many-to-many field's link table that start from the workspace's rows."""
    source, _ = _ends(f)
    return f.remote_field.through._base_manager.filter(
        **{f"{source}__{plan.table.scope}": workspace}
    )


def _lists(plan: Plan, workspace: Workspace, usernames: dict[int, str]) -> list[dict[int, list]]:
    """Each many-to-many field of the table as {row id: [ids, or usernames for people]}, one
    query per field."""
    found = []
    for f, target_table in plan.lists:
        source, target = _ends(f)
        links = (
            _links(plan, f, workspace)
            .order_by(f"{target}_id")
            .values_list(f"{source}_id", f"{target}_id")
        )
        by_row: dict[int, list] = defaultdict(list)
        for row_id, target_id in links:
            by_row[row_id].append(usernames[target_id] if target_table == USERS else target_id)
        if target_table == USERS:
            for names in by_row.values():
                names.sort()
        found.append(by_row)
    return found


def _rows(plan: Plan, workspace: Workspace, usernames: dict[int, str]) -> Iterator[dict]:
    lists = _lists(plan, workspace, usernames)
    people = [f.attname for f in plan.people]
    columns = [
        "pk",
        *(f.attname for f in plan.values),
        *people,
        *(f.attname for f, _ in plan.refs),
        *(f.attname for f in plan.own_refs),
    ]
    keys = plan.keys
    width = len(columns)
    first_person = 1 + len(plan.values)
    rows = _of(plan, workspace).order_by("pk").values_list(*columns)
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        out = [_dump(value) for value in row[:first_person]]
        out += [usernames.get(value) for value in row[first_person : first_person + len(people)]]
        out += row[first_person + len(people) : width]
        out += [by_row.get(row[0], []) for by_row in lists]
        yield dict(zip(keys, out, strict=True))


def _document(workspace: Workspace) -> Iterator[tuple[str, Any]]:
    """The document's keys with their values; a table's value is an iterator of rows."""
    yield "format", FORMAT
    yield "version", VERSION
    yield "exported_at", timezone.now().isoformat()
    yield "workspace", {f.name: _dump(getattr(workspace, f.attname)) for f in WORKSPACE_FIELDS}
    people = _people(workspace)
    usernames = {pk: person["username"] for pk, person in people.items()}
    yield "users", iter([{key: person[key] for key in USER_FIELDS} for person in people.values()])
    for plan in PLANS:
        yield plan.table.key, _rows(plan, workspace, usernames)


def workspace_export(*, workspace: Workspace) -> dict[str, Any]:
    """The whole workspace as one JSON-ready dict (see the module's docstring); a constant
    number of queries: one for the people, one per table and one per many-to-many field."""
    with _snapshot():
        return {
            key: list(value) if isinstance(value, Iterator) else value
            for key, value in _document(workspace)
        }


def workspace_export_record(*, workspace: Workspace, actor: User) -> None:
    """Note in the activity log that ``actor`` took a copy of everything."""
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="exported",
        target=workspace,
        summary=f"{actor} downloaded an export of the workspace",
    )


def workspace_export_json(*, workspace: Workspace) -> Iterator[str]:
    """The same document as JSON text, in pieces, one row per line, without holding the
    whole document in memory (for a streamed download or a file)."""
    with _snapshot():
        yield "{"
        for index, (key, value) in enumerate(_document(workspace)):
            yield f"{',' if index else ''}\n{json.dumps(key)}: "
            if not isinstance(value, Iterator):
                yield json.dumps(value, ensure_ascii=False)
                continue
            yield "["
            batch: list[str] = []
            for count, row in enumerate(value):
                batch.append(f"{',' if count else ''}\n{json.dumps(row, ensure_ascii=False)}")
                if len(batch) == EXPORT_CHUNK:
                    yield "".join(batch)
                    batch = []
            yield "".join(batch) + "\n]"
        yield "\n}\n"
