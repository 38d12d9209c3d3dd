"""CSV imports of goals and of KPI measurements: read the file, check every row, then write all
of them or none.

A file is read once into rows (:func:`csv_read` and :func:`csv_table` refuse what is not a
CSV we can read, naming why). Goals are checked row by row with the goal form
(:class:`goals.forms.GoalImportForm`, one form for the whole file) and created by
:func:`goals.services.bulk.goals_create`, thousands in a few queries. A goal file is imported
as a job (:class:`goals.models.GoalImport`): kept when its check passes
(:func:`goal_import_stage`), queued when confirmed (:func:`goal_import_start`), run by a Celery
worker (:func:`goal_import_run`) that reports its progress through the cache, where the pages
read it (:func:`goal_import_state`). Measurements go through
:func:`goals.services.kpis.measurements_check` and :func:`~goals.services.kpis.measurements_ingest`.
"""

import codecs
import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core.csv import FORMULA_STARTS
from core.forms import add_service_errors
from goals import tasks
from goals.forms.csv import GoalImportForm
from goals.models import KPI, Goal, GoalImport, Measurement
from goals.permissions import NO_GOALS
from goals.selectors import goals as selectors
from goals.services import kpis as kpi_services
from goals.services.bulk import GoalsRefused, goals_create
from goals.services.goals import goal_check, goal_rules_of
from teams.models import Membership, User

logger = logging.getLogger(__name__)

# An upload larger than this is refused before it is read (a file of values; of goals below).
MAX_BYTES = 1_000_000
# A goal file may have this many rows, in this many bytes (20,000 goals with long
# descriptions): its check takes a few seconds in the request, its import well under a minute
# in a worker.
MAX_GOALS = 20_000
MAX_GOAL_BYTES = 10_000_000
# A goal import writes this many goals per batch, and reports its progress after each.
BATCH = 500
# A checked goal file not confirmed for this long is deleted when its workspace checks another.
STAGED_MAX_AGE = timedelta(days=1)
# How long a running import's progress stays in the cache (far longer than any import takes).
PROGRESS_TIMEOUT = 60 * 60
UNEXPECTED = (
    "The import stopped on an unexpected error, so nothing was imported. Try again; if it "
    "fails again, tell your workspace admin."
)
GOAL_COLUMNS = (
    "title",
    "description",
    "owner_departments",
    "contributing_departments",
    "accountable",
    "parent",
    "period",
    "start_date",
    "due_date",
    "status",
    "metric",
    "unit",
    "baseline",
    "target",
    "direction",
    "current_value",
    "kpi",
    "weight",
)
# What the goal export adds; an import reads past these columns.
GOAL_EXPORT_ONLY = ("id", "priority", "progress")
MEASUREMENT_COLUMNS = ("date", "value", "source")
MEASUREMENT_EXPORT_ONLY = ("recorded_by", "recorded_at")
# The source of an imported value whose row leaves it blank.
IMPORT = Measurement.Source.IMPORT


@dataclass(frozen=True)
class TableRow:
    """A row of a CSV file: its spreadsheet number (the header is row 1), its cells by column
    name, and why it cannot be read, if so."""

    row: int
    cells: dict[str, str]
    problem: str = ""


EXTRA_CELLS = (
    "this row has more cells than the header has columns (put a value that contains the "
    "separator in double quotes)"
)
UNNAMED_CELLS = "this row has values in a column whose header is blank (name the column)"


def csv_read(upload: File, *, max_bytes: int = MAX_BYTES) -> str:
    """An uploaded file's text: UTF-8, with or without a byte order mark; else why not."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"The file is {upload.size / 1_000_000:.1f} MB; at most {max_bytes / 1_000_000:g} MB "
            "can be imported at once. Split it into smaller files."
        )
    data = upload.read()
    if not data.strip():
        raise ValidationError("The file is empty.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(
            "The file is UTF-16 text. Save it as “CSV UTF-8” (or UTF-8 text) and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"The file is not UTF-8 text (an unreadable byte at position {error.start + 1:,}). "
            "Save it as “CSV UTF-8” in your spreadsheet, or as UTF-8 text, and upload it again."
        ) from None
    if "\x00" in text:
        raise ValidationError("This is not a CSV file: it contains binary data.")
    return text


def _column(name: str) -> str:
    """A header as a column name: "Due date" and "due-date" are both due_date."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def _delimiter(header_line: str, known: Sequence[str]) -> str:
    """The separator that splits the header into the most known columns (commas by default)."""
    counts = {
        delimiter: sum(_column(name) in known for name in header_line.split(delimiter))
        for delimiter in (",", ";", "\t")
    }
    return max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))


def _unescape(cell: str) -> str:
    """A cell as it was before an export guarded it against formulas."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def csv_table(
    text: str,
    *,
    columns: Sequence[str],
    required: Sequence[str],
    ignored: Sequence[str] = (),
    max_rows: int,
) -> list[TableRow]:
    """The rows of ``text`` by column. Refuses a header that lacks a ``required`` column or
    names one that is neither in ``columns`` nor ``ignored``, and more than ``max_rows`` rows."""
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line, columns))
    try:
        records = list(reader)
    except csv.Error as error:
        raise ValidationError(
            f"The file is not valid CSV (line {reader.line_num}: {error})."
        ) from None
    header = [_column(name) for name in records[0]] if records else []
    if not any(header):
        raise ValidationError("The file is empty: the first row must name the columns.")
    problems = []
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(
            f"The header row lacks the column{'s' * (len(missing) > 1)} {', '.join(missing)}."
        )
    unknown = [name for name in header if name and name not in columns and name not in ignored]
    if unknown:
        problems.append(
            f"Unknown column{'s' * (len(unknown) > 1)} {', '.join(unknown)}: the columns are "
            f"{', '.join(columns)}."
        )
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        problems.append(f"The header names {', '.join(doubled)} more than once.")
    if problems:
        raise ValidationError(problems)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            name: _unescape(cell)
            for name, cell in zip(header, record, strict=False)
            if name in columns
        }
        unnamed = [
            cell for name, cell in zip(header, record, strict=False) if not name and cell.strip()
        ]
        extra = any(cell.strip() for cell in record[len(header) :])
        problem = EXTRA_CELLS if extra else UNNAMED_CELLS if unnamed else ""
        rows.append(TableRow(row=number, cells=cells, problem=problem))
    if not rows:
        raise ValidationError("The file has a header but no rows to import.")
    if len(rows) > max_rows:
        raise ValidationError(
            f"The file has {len(rows):,} rows; at most {max_rows:,} can be imported at once. "
            "Split it into smaller files."
        )
    return rows


# --- Goals -------------------------------------------------------------------------------------


@dataclass
class GoalRow:
    """One row of a goal file: its cells, its problems, and the goal's fields when it has none."""

    row: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    fields: dict[str, Any] | None = None


@dataclass
class GoalPreview:
    rows: list[GoalRow]

    @property
    def bad(self) -> list[GoalRow]:
        return [row for row in self.rows if row.errors]


class GoalImportRefused(Exception):
    """A row of the file is not a valid goal: nothing was imported; ``preview`` names them."""

    def __init__(self, preview: GoalPreview) -> None:
        super().__init__(f"{len(preview.bad)} rows are not valid goals.")
        self.preview = preview


def goal_import_check(*, membership: Membership, text: str) -> GoalPreview:
    """Check every row of a goal file as the goal form and goal_create would, saving nothing.

    Raises ValidationError when the file itself cannot be read (see :func:`csv_table`). The
    queries do not depend on the number of rows.
    """
    lines = csv_table(
        text,
        columns=GOAL_COLUMNS,
        required=("title", "owner_departments"),
        ignored=GOAL_EXPORT_ONLY,
        max_rows=MAX_GOALS,
    )
    workspace = membership.workspace
    departments = selectors.workspace_departments(workspace, membership=membership)
    choices = selectors.goal_form_choices(workspace=workspace, departments=departments)
    named = GoalImportForm.named_fields(choices)
    form = GoalImportForm(choices=choices, membership=membership, named=named)
    rows = []
    for line in lines:
        if line.problem:
            rows.append(GoalRow(row=line.row, cells=line.cells, errors=[_sentence(line.problem)]))
            continue
        form.bind(line.cells)
        valid = form.is_valid()
        try:
            if valid:
                goal_check(membership=membership, **form.goal_fields())
            else:
                goal_rules_of(form.goal_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        if form.errors:
            rows.append(GoalRow(row=line.row, cells=line.cells, errors=form.row_errors()))
        else:
            rows.append(GoalRow(row=line.row, cells=line.cells, fields=form.goal_fields()))
    return GoalPreview(rows=rows)


def _sentence(reason: str) -> str:
    return f"{reason[:1].upper()}{reason[1:]}."


@transaction.atomic
def goal_import(
    *, membership: Membership, text: str, progress: Callable[[int], None] | None = None
) -> list[Goal]:
    """Create a goal for every row of the file, all or none; ``progress(written)`` hears how
    many are written after each batch of :data:`BATCH`.

    Raises :class:`GoalImportRefused` when a row is not a valid goal (then nothing is saved),
    ValidationError when the file cannot be read.
    """
    preview = goal_import_check(membership=membership, text=text)
    if preview.bad:
        raise GoalImportRefused(preview)
    try:
        return goals_create(
            membership=membership,
            goals=[row.fields for row in preview.rows],
            batch=BATCH,
            progress=progress,
        )
    except GoalsRefused as refused:
        error = refused.error
        by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        preview.rows[refused.index].errors = [
            f"{name}: {message}" if name not in ("", NON_FIELD_ERRORS) else message
            for name, messages in by_field.items()
            for message in messages
        ]
        raise GoalImportRefused(preview) from None


# --- Goal imports as jobs ----------------------------------------------------------------------


def goal_import_stage(*, membership: Membership, text: str, total: int) -> GoalImport:
    """Keep a goal file whose check passed until its person confirms it (status ``checked``).

    Checks of the workspace left unconfirmed, or failed, for :data:`STAGED_MAX_AGE` go, with
    their files.
    """
    workspace = membership.workspace
    GoalImport.objects.filter(
        workspace=workspace,
        status__in=[GoalImport.Status.CHECKED, GoalImport.Status.FAILED],
        created_at__lt=timezone.now() - STAGED_MAX_AGE,
    ).delete()
    return GoalImport.objects.create(
        workspace=workspace, created_by=membership.user, text=text, total=total
    )


def goal_import_start(*, job: GoalImport) -> bool:
    """Queue a checked (or failed) import for a worker, once: False when it was queued
    already (a double click, a resubmitted form), which is no error.

    The row's status decides who wins (a conditional update); the task is sent on commit.
    """
    with transaction.atomic():
        queued = GoalImport.objects.filter(
            pk=job.pk, status__in=[GoalImport.Status.CHECKED, GoalImport.Status.FAILED]
        ).update(status=GoalImport.Status.PENDING, errors=[], started_at=None, finished_at=None)
        if queued:
            transaction.on_commit(partial(tasks.run_goal_import.delay, job.pk))
    return bool(queued)


def goal_import_run(job_id: int) -> None:
    """Import a queued goal file, all rows or none: the worker's side of goal_import_start.

    Safe to run twice (a task is delivered at least once): the job's row is locked in the
    transaction that writes the goals and marks it done, so a second run waits for the first,
    then finds the job done and leaves. A run killed halfway rolls back and leaves the job
    unfinished, to be run again. A refused row or an error fails the job, naming why.
    """
    unfinished = GoalImport.objects.filter(pk=job_id, status__in=GoalImport.UNFINISHED)
    if not unfinished.exists():
        return
    # Progress first: a page that sees the job running reads it next.
    _progress_set(job_id, written=None)
    unfinished.filter(status=GoalImport.Status.PENDING).update(
        status=GoalImport.Status.RUNNING, started_at=timezone.now()
    )
    try:
        with transaction.atomic():
            job = unfinished.select_for_update().first()
            if job is None:
                return
            membership = (
                Membership.objects.select_related("workspace", "user")
                .filter(workspace_id=job.workspace_id, user_id=job.created_by_id)
                .first()
            )
            if membership is None:
                raise PermissionDenied(NO_GOALS)
            goals = goal_import(
                membership=membership, text=job.text, progress=partial(_progress_set, job_id)
            )
            periods = {goal.period_id for goal in goals}
            GoalImport.objects.filter(pk=job_id).update(
                status=GoalImport.Status.DONE,
                text="",
                period_id=periods.pop() if len(periods) == 1 else None,
                finished_at=timezone.now(),
            )
    except GoalImportRefused as refused:
        bad = refused.preview.bad
        _failed(job_id, [f"Row {row.row}: {error}" for row in bad for error in row.errors])
    except PermissionDenied as error:
        _failed(job_id, [str(error)])
    except ValidationError as error:
        _failed(job_id, error.messages)
    except Exception:
        logger.exception("Goal import %s failed", job_id)
        _failed(job_id, [UNEXPECTED])
        raise


def _failed(job_id: int, errors: list[str]) -> None:
    GoalImport.objects.filter(pk=job_id, status__in=GoalImport.UNFINISHED).update(
        status=GoalImport.Status.FAILED, errors=errors, finished_at=timezone.now()
    )


def _progress_key(job_id: int) -> str:
    return f"goal-import:{job_id}:written"


def _progress_set(job_id: int, written: int | None) -> None:
    """How many goals a running import wrote (None: it is checking the rows again). In the
    cache, as the poll must see it while the import's transaction hides its rows."""
    cache.set(_progress_key(job_id), written, PROGRESS_TIMEOUT)


@dataclass(frozen=True)
class GoalImportState:
    """Where a goal import stands, as its progress page says it."""

    job: GoalImport
    # Goals written so far (all of them once done).
    written: int
    # What it is doing, in a sentence.
    summary: str

    @property
    def finished(self) -> bool:
        return self.job.status in (GoalImport.Status.DONE, GoalImport.Status.FAILED)

    @property
    def percent(self) -> int:
        return self.written * 100 // self.job.total if self.job.total else 0

    @property
    def count(self) -> str:
        return f"{self.written:,} of {self.job.total:,} goals"


def goal_import_state(job: GoalImport) -> GoalImportState:
    """The job's state: its row, and while it runs, its progress from the cache (no query)."""
    goals = f"{job.total:,} goal{'s' * (job.total != 1)}"
    if job.status == GoalImport.Status.DONE:
        return GoalImportState(job, job.total, f"Imported {goals}.")
    if job.status == GoalImport.Status.FAILED:
        return GoalImportState(job, 0, "Nothing was imported.")
    if job.status == GoalImport.Status.CHECKED:
        return GoalImportState(job, 0, f"Checked, not imported yet: {goals} to import.")
    if job.status == GoalImport.Status.PENDING:
        return GoalImportState(job, 0, f"Waiting for a worker to import {goals}…")
    written = cache.get(_progress_key(job.pk))
    if written is None:
        return GoalImportState(job, 0, f"Checking the {goals} again before writing them…")
    return GoalImportState(job, written, f"Importing {goals}…")


# --- Measurements ------------------------------------------------------------------------------


class MeasurementImportRefused(Exception):
    """Nothing was imported: ``rows`` are the bad rows and their reasons, ``general`` what
    concerns the whole file."""

    def __init__(self, rows: list[tuple[int, str]], general: list[str]) -> None:
        super().__init__(f"{len(rows)} rows are not valid values.")
        self.rows, self.general = rows, general


def _measurement_rows(
    text: str,
) -> tuple[list[dict[str, str]], list[int], list[tuple[int, str]]]:
    """The readable rows of a measurement file as measurements_check takes them, their
    numbers, and the rows that cannot be read."""
    table = csv_table(
        text,
        columns=MEASUREMENT_COLUMNS,
        required=("date", "value"),
        ignored=MEASUREMENT_EXPORT_ONLY,
        max_rows=kpi_services.MAX_ROWS,
    )
    readable = [line for line in table if not line.problem]
    return (
        [line.cells for line in readable],
        [line.row for line in readable],
        [(line.row, line.problem) for line in table if line.problem],
    )


def _refused(error: ValidationError, unreadable: list[tuple[int, str]]) -> MeasurementImportRefused:
    rows, general = kpi_services.ingest_row_errors(error)
    return MeasurementImportRefused(sorted([*rows, *unreadable]), general)


def measurement_import_check(
    *, kpi: KPI, text: str, upsert: bool
) -> list[kpi_services.MeasurementRow]:
    """Check a measurement file (date, value and optionally source, "import" when blank),
    saving nothing; one query. Raises :class:`MeasurementImportRefused` naming every bad row,
    ValidationError when the file cannot be read."""
    rows, numbers, unreadable = _measurement_rows(text)
    try:
        checked = kpi_services.measurements_check(
            kpi=kpi, rows=rows, source=IMPORT, upsert=upsert, row_numbers=numbers
        )
    except ValidationError as error:
        raise _refused(error, unreadable) from None
    if unreadable:
        raise MeasurementImportRefused(unreadable, [])
    return checked


def measurement_import(
    *, kpi: KPI, actor: User, text: str, upsert: bool
) -> kpi_services.IngestResult:
    """Record every value of a measurement file, all or none (see
    :func:`measurement_import_check`)."""
    measurement_import_check(kpi=kpi, text=text, upsert=upsert)
    rows, numbers, _ = _measurement_rows(text)
    try:
        return kpi_services.measurements_ingest(
            kpi=kpi, actor=actor, rows=rows, source=IMPORT, upsert=upsert, row_numbers=numbers
        )
    except ValidationError as error:
        raise _refused(error, []) from None
