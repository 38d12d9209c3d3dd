"""What the demo and the scale seeds share: quarters, cycles, fast inserts, clean deletes."""

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.utils import timezone

from checkins.cycles import cycle_bounds
from checkins.models import CheckIn, Cycle
from core import freshness
from goals.models import Goal, Measurement, Period
from goals.services.goals import period_create
from teams.models import Membership, User, Workspace

PASSWORD = "alignment-demo"  # noqa: S105 -- the published demo password
TIMEZONE = "Europe/London"
BATCH_SIZE = 5000
CENT = Decimal("0.01")
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Quarter(NamedTuple):
    name: str
    start: date
    end: date


def quarter_of(day: date) -> Quarter:
    index = (day.month - 1) // 3
    start = date(day.year, 3 * index + 1, 1)
    next_start = date(day.year + 1, 1, 1) if index == 3 else date(day.year, 3 * index + 4, 1)
    return Quarter(f"Q{index + 1} {day.year}", start, next_start - timedelta(days=1))


def quarters_around(today: date, *, past: int, future: int) -> list[Quarter]:
    """Today's calendar quarter with ``past`` quarters before and ``future`` after, oldest first."""
    quarters = [quarter_of(today)]
    for _ in range(past):
        quarters.insert(0, quarter_of(quarters[0].start - timedelta(days=1)))
    for _ in range(future):
        quarters.append(quarter_of(quarters[-1].end + timedelta(days=1)))
    return quarters


def periods_create(membership: Membership, quarters: Iterable[Quarter]) -> list[Period]:
    return [
        period_create(membership=membership, name=q.name, start_date=q.start, end_date=q.end)
        for q in quarters
    ]


def cycles_create(workspace: Workspace, today: date, count: int) -> list[Cycle]:
    """``count`` cycles of the workspace's cadence, newest (the one holding ``today``) first,
    dated by :func:`checkins.cycles.cycle_bounds` as the app dates them, so the cycle the app
    calls current is the seeded one."""
    cycles, day = [], today
    for _ in range(count):
        bounds = cycle_bounds(workspace.checkin_cadence, day)
        cycles.append(Cycle(workspace=workspace, starts_on=bounds.starts_on, due_on=bounds.due_on))
        day = bounds.starts_on - timedelta(days=1)
    return Cycle.objects.bulk_create(cycles, batch_size=BATCH_SIZE)


def checkins_backdate(cycles: Iterable[Cycle], tz: ZoneInfo) -> None:
    """Date each cycle's check-ins a week into the cycle: inserts stamp them with now."""
    now = timezone.now()
    for cycle in cycles:
        written = datetime.combine(cycle.starts_on + timedelta(days=7), clock(10), tzinfo=tz)
        CheckIn.objects.filter(cycle=cycle).update(created_at=min(written, now))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert plain rows (values for ``columns``, attribute names) a batch at a time, so a
    generator never has more than a batch in memory; returns the number of rows.

    On PostgreSQL through COPY, because building a million model instances costs more than
    inserting them; elsewhere through one prepared INSERT per batch. Either way the rows keep
    the values they give (``auto_now_add`` fields too), and they give every column that cannot
    be null: the model's defaults are Python's, not the database's.
    """
    fields = [model._meta.get_field(name) for name in columns]
    iterator = iter(rows)
    count = 0
    while batch := list(islice(iterator, BATCH_SIZE)):
        if connection.vendor == "postgresql":
            _copy(model, fields, batch)
        else:
            _insert(model, fields, batch)
        count += len(batch)
    return count


def inserted_ids(rows: models.QuerySet, count: int) -> list[int]:
    """The ids of the ``count`` rows of ``rows`` inserted last, in the order they went in: the
    database numbers inserted rows in that order."""
    return list(rows.order_by("-pk").values_list("pk", flat=True)[:count])[::-1]


def tables_analyze(tables: Iterable[type[models.Model]]) -> int:
    """Give the planner statistics of the tables just loaded; returns how many were analyzed.

    Autovacuum would analyze them only minutes later: until then PostgreSQL plans the queries
    on these tables as if they were nearly empty. SQLite analyzes the whole database.
    """
    names = sorted({model._meta.db_table for model in tables})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, names))}")
        else:
            cursor.execute("ANALYZE")
    return len(names)


def _insert(model: type[models.Model], fields: list, rows: list[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    # The names are the model's, quoted; the values go as parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _copy(model: type[models.Model], fields: list, rows: list[Sequence[Any]]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, io.StringIO(text))
    freshness.written(connection, freshness.scope_of(sql))  # COPY passes no execute wrapper


def _copy_text(value: object) -> str:
    """``value`` in COPY's text format; only strings (and JSON) can hold its special
    characters."""
    if value is None:
        return r"\N"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    return str(value)


def workspace_delete(slug: str) -> int:
    """Delete a workspace and all in it; returns the rows deleted.

    The history goes first in single statements, and the goals before the workspace because
    they protect their periods from deletion.
    """
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        return 0
    return sum(
        deleted
        for deleted, _ in (
            CheckIn.objects.filter(cycle__workspace=workspace).delete(),
            Measurement.objects.filter(kpi__workspace=workspace).delete(),
            Goal.objects.filter(workspace=workspace).delete(),
            workspace.delete(),
        )
    )


def users_delete(domain: str, **lookup: Any) -> int:
    """Delete the seeded people: only accounts at the seed's email domain, never anyone else."""
    deleted, _ = User.objects.filter(email__iendswith=f"@{domain}", **lookup).delete()
    return deleted
