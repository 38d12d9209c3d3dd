"""Writes for KPIs and their measurements (who may make them is goals.permissions.kpi_access).

Pages, the API and imports all record measurements through :func:`measurement_record` (one
value) or :func:`measurements_ingest` (many, all or nothing), so the same checks hold for
every write path.
"""

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.audit import audit_record, update_audited
from goals.models import KPI, Direction, Goal, Measurement
from goals.services.goals import goal_refresh_progress
from teams.models import Department, User, Workspace
from teams.tenancy import ensure_in_workspace

KPI_FIELDS = ("name", "description", "unit", "direction", "green_threshold", "red_threshold")
# Rows per measurements_ingest call: 10,000 rows fit in one statement well under two seconds.
MAX_ROWS = 10_000
# Measurement.value keeps four decimal places and at most 14 digits before the point.
VALUE_PLACES = Decimal("0.0001")
VALUE_LIMIT = Decimal(10) ** 14
# YYYY-MM-DD, the month and day also with one digit as spreadsheets copy them.
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Read once: Source.values builds a new list on every access, and a batch checks 10,000 rows.
SOURCES = tuple(Measurement.Source.values)


def _validate_kpi(kpi: KPI) -> None:
    """The model's checks, with the name and threshold rules reported next to their fields."""
    errors: dict[str, str] = {}
    name_taken = (
        KPI.objects.filter(workspace=kpi.workspace, name__iexact=kpi.name.strip())
        .exclude(pk=kpi.pk)
        .exists()
    )
    if name_taken:
        errors["name"] = f"A KPI named “{kpi.name}” already exists in this workspace."
    green, red = kpi.green_threshold, kpi.red_threshold
    if (green is None) != (red is None):
        field = "red_threshold" if red is None else "green_threshold"
        errors[field] = "Set both thresholds, or neither."
    elif green is not None and red is not None:
        if kpi.direction == Direction.INCREASE and not red < green:
            errors["red_threshold"] = (
                "Higher is better for this KPI, so the red threshold must be below the green one."
            )
        if kpi.direction == Direction.DECREASE and not red > green:
            errors["red_threshold"] = (
                "Lower is better for this KPI, so the red threshold must be above the green one."
            )
    if errors:
        raise ValidationError(errors)
    kpi.full_clean()


@transaction.atomic
def kpi_create(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    owner_departments: Iterable[Department],
    unit: str = "",
    direction: str = "increase",
    description: str = "",
    green_threshold: Decimal | None = None,
    red_threshold: Decimal | None = None,
) -> KPI:
    owners = list(owner_departments)
    if not owners:
        raise ValidationError({"owner_departments": "Choose at least one owner department."})
    ensure_in_workspace(workspace, owners, field="owner_departments")
    kpi = KPI(
        workspace=workspace,
        name=name,
        unit=unit,
        direction=direction,
        description=description,
        green_threshold=green_threshold,
        red_threshold=red_threshold,
    )
    _validate_kpi(kpi)
    kpi.save()
    kpi.owner_departments.add(*owners)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=kpi,
        summary=f"{actor or 'Someone'} created the KPI {kpi}",
    )
    return kpi


@transaction.atomic
def kpi_update(
    *,
    kpi: KPI,
    actor: User | None,
    owner_departments: Iterable[Department] | None = None,
    **fields: Any,
) -> KPI:
    """Change a KPI's fields (any of ``KPI_FIELDS``) and, when given, its owner departments."""
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"kpi_update() got unknown fields {sorted(unknown)}")
    locked = KPI.objects.select_for_update().get(pk=kpi.pk)
    owners = list(owner_departments) if owner_departments is not None else None
    related = {}
    if owners is not None:
        if not owners:
            raise ValidationError({"owner_departments": "Choose at least one owner department."})
        ensure_in_workspace(kpi.workspace, owners, field="owner_departments")
        related["owner_departments"] = (
            [d.name for d in locked.owner_departments.all()],
            [d.name for d in owners],
        )

    def save(changed: KPI) -> None:
        _validate_kpi(changed)
        if fields:
            changed.save(update_fields=list(fields))
        if owners is not None:
            changed.owner_departments.set(owners)

    # Change the locked row, not the caller's copy: its other fields may be stale.
    update_audited(
        locked,
        fields,
        workspace=locked.workspace,
        actor=actor,
        summary=lambda changed: (
            f"{actor or 'Someone'} changed {', '.join(changed)} of the KPI {locked}"
        ),
        save=save,
        related=related,
    )
    return locked


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise ValueError("the date is missing")
    match = DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"“{text}” is not a date (write it as YYYY-MM-DD)") from None


def _parse_value(raw: Any) -> Decimal:
    """A finite number, rounded to the four decimal places a measurement keeps."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise ValueError("the value is missing")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if isinstance(raw, bool) or not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    too_large = ValueError(f"{text} is too large (at most 14 digits before the decimal point)")
    if abs(value) >= VALUE_LIMIT:
        raise too_large
    value = value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)
    if abs(value) >= VALUE_LIMIT:  # 99999999999999.99995 rounds up to the limit
        raise too_large
    return value


def _parse_source(raw: Any, default: str) -> str:
    source = default if raw in (None, "") else str(raw)
    if source not in SOURCES:
        raise ValueError(f"“{source}” is not a source ({', '.join(SOURCES)})")
    return source


def _parse_fields(
    date: Any, value: Any, source: Any, default_source: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The parsed ``date``, ``value`` and ``source``, and the reason each bad one is refused."""
    parsed: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for field, parse, raw in (
        ("date", _parse_date, date),
        ("value", _parse_value, value),
        ("source", lambda raw: _parse_source(raw, default_source), source),
    ):
        try:
            parsed[field] = parse(raw)
        except ValueError as error:
            reasons[field] = str(error)
    return parsed, reasons


def _sentence(reason: str) -> str:
    return f"{reason[:1].upper()}{reason[1:]}."


def _refresh_goals(kpi: KPI) -> None:
    """Recompute the progress of every goal the KPI drives (a KPI drives a few goals)."""
    for goal in Goal.objects.filter(kpi=kpi).select_related("parent"):
        goal_refresh_progress(goal=goal)


@transaction.atomic
def measurement_record(
    *,
    kpi: KPI,
    actor: User | None,
    date: dt.date | str,
    value: Decimal | float | int | str,
    source: str = Measurement.Source.MANUAL,
    upsert: bool = False,
) -> Measurement:
    """Record one value. A second value for the same date and source is refused, or with
    ``upsert`` replaces the first."""
    parsed, reasons = _parse_fields(date, value, source, Measurement.Source.MANUAL)
    if reasons:
        raise ValidationError({field: _sentence(reason) for field, reason in reasons.items()})
    duplicate = ValidationError(
        {
            "date": f"{kpi} already has a value for {parsed['date']:%Y-%m-%d} from "
            f"“{parsed['source']}”; delete it first or pick another date."
        }
    )
    measurement = (
        Measurement.objects.select_for_update()
        .filter(kpi=kpi, date=parsed["date"], source=parsed["source"])
        .first()
    )
    if measurement is not None and not upsert:
        raise duplicate
    if measurement is None:
        measurement = Measurement(kpi=kpi, created_by=actor, **parsed)
        measurement.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                measurement.save()
        except IntegrityError:
            raise duplicate from None
        summary = f"recorded {measurement.value.normalize():f} {kpi.unit}"
        changes: dict[str, Any] = {"value": str(measurement.value)}
    else:
        previous = measurement.value
        measurement.value = parsed["value"]
        measurement.save(update_fields=["value"])
        summary = (
            f"replaced {previous.normalize():f} with {measurement.value.normalize():f} {kpi.unit}"
        )
        changes = {"value": [str(previous), str(measurement.value)]}
    _refresh_goals(kpi)
    audit_record(
        workspace=kpi.workspace,
        actor=actor,
        verb="measured",
        target=kpi,
        summary=f"{actor or 'Someone'} {summary.rstrip()} for {kpi} on {measurement.date:%Y-%m-%d}",
        changes={"date": str(measurement.date), **changes},
    )
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor: User | None) -> None:
    kpi = measurement.kpi
    measurement.delete()
    _refresh_goals(kpi)
    audit_record(
        workspace=kpi.workspace,
        actor=actor,
        verb="deleted",
        target=kpi,
        summary=f"{actor or 'Someone'} deleted the {measurement.source} value of {kpi} "
        f"for {measurement.date:%Y-%m-%d}",
        changes={"date": str(measurement.date), "value": str(measurement.value)},
    )


@dataclass(frozen=True)
class MeasurementRow:
    """One checked row of a batch; ``replaces`` is the value an upsert overwrites."""

    row: int
    date: dt.date
    value: Decimal
    source: str
    replaces: Decimal | None = None


@dataclass(frozen=True)
class IngestResult:
    created: int
    updated: int


def _row_fields(raw: Any) -> tuple[Any, Any, Any]:
    if isinstance(raw, Mapping):
        return raw.get("date"), raw.get("value"), raw.get("source")
    if isinstance(raw, Sequence) and not isinstance(raw, str) and 2 <= len(raw) <= 3:
        return raw[0], raw[1], raw[2] if len(raw) == 3 else None
    raise ValueError("a row needs a date and a value")


def _row_error(row: int, reason: str) -> ValidationError:
    return ValidationError(
        "Row %(row)s: %(reason)s.", code="invalid_row", params={"row": row, "reason": reason}
    )


def measurements_check(
    *,
    kpi: KPI,
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    source: str,
    upsert: bool = False,
    row_numbers: Sequence[int] | None = None,
) -> list[MeasurementRow]:
    """Check a batch without writing it: every row is a mapping with ``date``, ``value`` and
    optionally ``source``, or a ``(date, value[, source])`` tuple.

    Raises one ValidationError on ``rows`` naming every bad row by its number (1, 2, 3...,
    or ``row_numbers``, e.g. the lines of pasted text) and reason; each of its errors carries
    ``params={"row": ..., "reason": ...}``. Costs one query, whatever the number of rows.
    """
    rows = list(rows)
    if not rows:
        raise ValidationError({"rows": "There are no values to import."})
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {"rows": f"At most {MAX_ROWS:,} values per import; this one has {len(rows):,}."}
        )
    numbers = list(row_numbers) if row_numbers is not None else range(1, len(rows) + 1)
    if len(numbers) != len(rows):
        raise ValueError("row_numbers must number every row")
    checked: list[MeasurementRow] = []
    errors: dict[int, list[str]] = {}
    first_seen: dict[tuple[dt.date, str], int] = {}
    for number, raw in zip(numbers, rows, strict=True):
        try:
            parsed, by_field = _parse_fields(*_row_fields(raw), source)
        except ValueError as error:
            errors[number] = [str(error)]
            continue
        reasons = list(by_field.values())
        if "date" in parsed and "source" in parsed:
            key = (parsed["date"], parsed["source"])
            if key in first_seen:
                reasons.append(
                    f"{key[0]:%Y-%m-%d} appears twice in this batch (also row {first_seen[key]})"
                )
            else:
                first_seen[key] = number
        if reasons:
            errors[number] = reasons
        else:
            checked.append(MeasurementRow(row=number, **parsed))
    existing = _existing_values(kpi, checked)
    for index, row in enumerate(checked):
        recorded = existing.get((row.date, row.source))
        if recorded is None:
            continue
        if upsert:
            checked[index] = replace(row, replaces=recorded)
        else:
            errors.setdefault(row.row, []).append(
                f"{kpi} already has a value for {row.date:%Y-%m-%d} from “{row.source}” "
                f"({recorded.normalize():f})"
            )
    if errors:
        raise ValidationError(
            {"rows": [_row_error(number, "; ".join(errors[number])) for number in sorted(errors)]}
        )
    return checked


def _existing_values(kpi: KPI, rows: list[MeasurementRow]) -> dict[tuple[dt.date, str], Decimal]:
    """The values already recorded for the batch's dates and sources, in one query."""
    if not rows:
        return {}
    dates = [row.date for row in rows]
    wanted = {(row.date, row.source) for row in rows}
    recorded = Measurement.objects.filter(
        kpi=kpi,
        date__range=(min(dates), max(dates)),
        source__in={row.source for row in rows},
    ).values_list("date", "source", "value")
    return {(d, s): v for d, s, v in recorded if (d, s) in wanted}


# Rows come in as one JSON array, so a batch is one INSERT whatever its size.
_ROWS_FROM_JSON = {
    "postgresql": (
        "SELECT %s, r.date, r.value, r.source, %s, %s "
        "FROM jsonb_to_recordset(%s::jsonb) AS r(date date, value numeric, source text)"
    ),
    # WHERE true: SQLite needs it to read the ON CONFLICT after an INSERT ... SELECT.
    "sqlite": (
        "SELECT %s, json_extract(j.value, '$.date'), json_extract(j.value, '$.value'), "
        "json_extract(j.value, '$.source'), %s, %s FROM json_each(%s) AS j WHERE true"
    ),
}


def _insert(*, kpi: KPI, actor: User | None, rows: list[MeasurementRow], upsert: bool) -> None:
    """Insert the rows in a single statement; with ``upsert``, overwrite existing values."""
    quote = connection.ops.quote_name
    fields = [Measurement._meta.get_field(name) for name in ("date", "value", "source")]
    created_at = Measurement._meta.get_field("created_at").get_db_prep_value(
        timezone.now(), connection
    )
    payload = json.dumps(
        [{"date": r.date.isoformat(), "value": str(r.value), "source": r.source} for r in rows]
    )
    unique = ", ".join(quote(column) for column in ("kpi_id", "date", "source"))
    columns = ", ".join(
        quote(column)
        for column in ("kpi_id", *(f.column for f in fields), "created_by_id", "created_at")
    )
    conflict = (
        f" ON CONFLICT ({unique}) DO UPDATE SET {quote('value')} = excluded.{quote('value')}"
        if upsert
        else ""
    )
    sql = (
        f"INSERT INTO {quote(Measurement._meta.db_table)} ({columns}) "
        f"{_ROWS_FROM_JSON[connection.vendor]}{conflict}"
    )
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [kpi.pk, actor_id, created_at, payload])


@transaction.atomic
def measurements_ingest(
    *,
    kpi: KPI,
    actor: User | None,
    rows: Iterable[Mapping[str, Any] | Sequence[Any]],
    source: str,
    upsert: bool = False,
    row_numbers: Sequence[int] | None = None,
) -> IngestResult:
    """Record many values, all or nothing (see :func:`measurements_check` for the rows and
    their errors). With ``upsert``, a value for a date and source already recorded is
    replaced instead of refused. The number of queries does not depend on the rows.
    """
    checked = measurements_check(
        kpi=kpi, rows=rows, source=source, upsert=upsert, row_numbers=row_numbers
    )
    try:
        with transaction.atomic():
            _insert(kpi=kpi, actor=actor, rows=checked, upsert=upsert)
    except IntegrityError:
        raise ValidationError(
            {
                "rows": "Someone recorded values for some of these dates a moment ago; "
                "nothing was imported. Try again."
            }
        ) from None
    _refresh_goals(kpi)
    updated = sum(1 for row in checked if row.replaces is not None)
    result = IngestResult(created=len(checked) - updated, updated=updated)
    dates = [row.date for row in checked]
    audit_record(
        workspace=kpi.workspace,
        actor=actor,
        verb="imported",
        target=kpi,
        summary=f"{actor or 'Someone'} imported {len(checked)} value{'s' * (len(checked) != 1)} "
        f"of {kpi}" + (f" ({updated} replaced)" if updated else ""),
        changes={
            "source": source,
            "created": result.created,
            "updated": result.updated,
            "from": str(min(dates)),
            "to": str(max(dates)),
        },
    )
    return result


def ingest_row_errors(error: ValidationError) -> tuple[list[tuple[int, str]], list[str]]:
    """Split a :func:`measurements_check` error into ``(row, reason)`` pairs and the messages
    that concern the whole batch (nothing to import, too many rows)."""
    if hasattr(error, "error_dict"):
        items = [item for items in error.error_dict.values() for item in items]
    else:
        items = error.error_list
    rows: list[tuple[int, str]] = []
    general: list[str] = []
    for item in items:
        if item.params and "row" in item.params:
            rows.append((item.params["row"], item.params["reason"]))
        else:
            general.extend(item.messages)
    return rows, general
