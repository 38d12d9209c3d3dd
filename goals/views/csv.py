"""CSV pages: import goals and KPI values (a preview naming every bad row, then all rows or
none), and export goals and KPI values as downloads streamed from one query each.

A checked goal file waits in the database for its confirmation, then a Celery worker imports
it while its progress page polls (see goals.services.imports). A checked file of KPI values
travels signed in the confirmation form, so any web process can finish its import. Either is
checked again before anything is saved.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from core.csv import csv_download, export_filename
from goals.forms.csv import (
    CSVUploadForm,
    GoalImportConfirmForm,
    ImportConfirmForm,
    MeasurementUploadForm,
)
from goals.forms.goals import GoalFilterForm
from goals.selectors import exports
from goals.selectors import goals as selectors
from goals.selectors.kpis import kpi_get
from goals.services import imports
from goals.services import kpis as kpi_services
from goals.views.kpis import number
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

SIGNING_SALT = "goals.views.csv.import"
# How long a checked file may wait for its import.
TOKEN_MAX_AGE = 60 * 60
PREVIEW_MEASUREMENTS = 50
# The preview's table shows this many rows; its list above names every bad row.
PREVIEW_GOALS = 100
EXPIRED_CHECK = "This check has expired or belongs to another page. Upload the file again."
IMPORTED_ALREADY = "This file was imported already. To import it again, upload it again."


# --- Downloads ---------------------------------------------------------------------------------


def _filename(request: WorkspaceRequest, *parts: str) -> str:
    return export_filename(request.workspace.slug, request.workspace.today(), *parts)


@workspace_view(Role.MEMBER)
def goal_export(request: WorkspaceRequest) -> StreamingHttpResponse:
    """The goals the goal list shows for the same query string, in its order."""
    filters = GoalFilterForm(request.GET).filters()
    rows = exports.goal_rows(workspace=request.workspace, filters=filters)
    return csv_download(_filename(request, "goals"), exports.GOAL_HEADER, rows)


@workspace_view(Role.MEMBER)
def measurement_export(request: WorkspaceRequest, pk: int) -> StreamingHttpResponse:
    kpi = kpi_get(membership=request.membership, pk=pk)
    rows = exports.measurement_rows(kpi, workspace=request.workspace)
    return csv_download(_filename(request, kpi.name, "values"), exports.MEASUREMENT_HEADER, rows)


# --- Imports -----------------------------------------------------------------------------------


def _token(request: WorkspaceRequest, kind: str, text: str, **options: Any) -> str:
    """The checked file, signed for this person, workspace and page (compressed)."""
    payload = {
        "workspace": request.workspace.pk,
        "user": request.user.pk,
        "kind": kind,
        "text": text,
        "nonce": secrets.token_urlsafe(16),
        **options,
    }
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def _confirmed(request: WorkspaceRequest, kind: str) -> dict[str, Any]:
    """The file a confirmation carries, if it was checked here by this person lately."""
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        raise ValidationError(EXPIRED_CHECK)
    try:
        payload = signing.loads(
            form.cleaned_data["token"], salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        raise ValidationError(EXPIRED_CHECK) from None
    expected = (request.workspace.pk, request.user.pk, kind)
    if (payload.get("workspace"), payload.get("user"), payload.get("kind")) != expected:
        raise ValidationError(EXPIRED_CHECK)
    if not isinstance(payload.get("nonce"), str):
        raise ValidationError(EXPIRED_CHECK)
    return payload


@contextmanager
def _once(payload: dict[str, Any]) -> Iterator[None]:
    """A confirmation imports once, even when sent twice (a double click, a resubmitted form):
    its nonce is claimed in the shared cache for as long as the token lives, and released when
    the import fails, so it can be confirmed again."""
    key = f"csv-import:{payload['nonce']}"
    if not cache.add(key, True, TOKEN_MAX_AGE):
        raise ValidationError(IMPORTED_ALREADY)
    try:
        yield
    except BaseException:
        cache.delete(key)
        raise


def _render(
    request: WorkspaceRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    """The page, or for HTMX only its import panel (the form and the preview)."""
    name = f"{template}#panel" if request.htmx else template
    return render(request, name, context, status=status)


@workspace_view(Role.LEAD)
def goal_import(request: WorkspaceRequest) -> HttpResponse:
    """Upload a goal file to see every row checked; then confirm, and a worker imports all of
    its goals, or none, while the progress page follows it."""
    form = CSVUploadForm(request.POST or None, request.FILES or None, auto_id="import_%s")
    context: dict[str, Any] = {
        "form": form,
        "preview": None,
        "job": None,
        "problems": [],
        "preview_goals": PREVIEW_GOALS,
        "max_rows": imports.MAX_GOALS,
        "max_mb": imports.MAX_GOAL_BYTES / 1_000_000,
    }
    status = 200
    if "job" in request.POST:
        confirm = GoalImportConfirmForm(request.POST)
        if confirm.is_valid():
            job = selectors.goal_import_get(
                membership=request.membership, pk=confirm.cleaned_data["job"]
            )
            # Sent twice, it is queued once; either way its page says how it goes.
            imports.goal_import_start(job=job)
            return redirect("goal_import_progress", ws=request.workspace.slug, pk=job.pk)
        context["form"] = CSVUploadForm(auto_id="import_%s")
        context["problems"] = [EXPIRED_CHECK]
        status = 400
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                text = imports.csv_read(form.cleaned_data["file"], max_bytes=imports.MAX_GOAL_BYTES)
                preview = imports.goal_import_check(membership=request.membership, text=text)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                status = 200
                context["preview"] = preview
                if not preview.bad:
                    context["job"] = imports.goal_import_stage(
                        membership=request.membership, text=text, total=len(preview.rows)
                    )
    return _render(request, "goals/goal_import.html", context, status)


@workspace_view(Role.LEAD)
def goal_import_progress(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Where a goal import of this person stands. HTMX polls its fragment every second; once
    the import is done or failed, the fragment answers 286, which stops the polling."""
    job = selectors.goal_import_get(membership=request.membership, pk=pk)
    state = imports.goal_import_state(job)
    if request.htmx:
        status = 286 if state.finished else 200
        return render(
            request, "goals/goal_import_progress.html#state", {"state": state}, status=status
        )
    return render(request, "goals/goal_import_progress.html", {"state": state})


@workspace_view(Role.LEAD)
def goal_import_template(request: WorkspaceRequest) -> StreamingHttpResponse:
    """The goal file's columns, with one example row this person could import as it is."""
    workspace = request.workspace
    departments = selectors.workspace_departments(workspace, membership=request.membership)
    if request.membership.has_role(Role.EXECUTIVE):
        owners = departments[:2]
    else:
        owners = [department for department in departments if department.mine][:1]
    periods = selectors.workspace_periods(workspace)
    period = selectors.current_period(periods, workspace.today())
    example = {
        "title": "Increase trial sign-ups by 20% through onboarding emails",
        "description": "A welcome series for every new trial.",
        "owner_departments": exports.LIST_JOIN.join(department.name for department in owners),
        "period": period.name if period else "",
        "start_date": period.start_date if period else "",
        "due_date": period.end_date if period else "",
        "status": "on track",
        "metric": "Trial sign-ups",
        "unit": "sign-ups",
        "baseline": 200,
        "target": 240,
        "direction": "increase",
    }
    row = [example.get(column, "") for column in imports.GOAL_COLUMNS]
    filename = f"{workspace.slug}-goals-template.csv"
    return csv_download(filename, imports.GOAL_COLUMNS, [row])


@workspace_view(Role.LEAD)
def measurement_import(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Upload a file of dated values to see every row checked; then import all, or none."""
    kpi = kpi_get(membership=request.membership, pk=pk, measure=True)
    kind = f"kpi-{kpi.pk}"
    confirming = "token" in request.POST
    form = MeasurementUploadForm(request.POST or None, request.FILES or None, auto_id="import_%s")
    context: dict[str, Any] = {
        "kpi": kpi,
        "form": form,
        "preview": None,
        "bad_rows": [],
        "token": "",
        "problems": [],
        "max_rows": kpi_services.MAX_ROWS,
        "max_mb": imports.MAX_BYTES / 1_000_000,
    }
    status = 200
    if confirming:
        status = 400
        try:
            payload = _confirmed(request, kind)
            with _once(payload):
                result = imports.measurement_import(
                    kpi=kpi, actor=request.user, text=payload["text"], upsert=payload["upsert"]
                )
        except ValidationError as error:
            context["problems"] = error.messages
        except imports.MeasurementImportRefused as refused:
            context["bad_rows"], context["problems"] = refused.rows, refused.general
        else:
            replaced = f" ({result.updated} replaced)" if result.updated else ""
            total = result.created + result.updated
            messages.success(
                request, f"Imported {total} value{'s' * (total != 1)} of {kpi}{replaced}."
            )
            return redirect("kpi_detail", ws=request.workspace.slug, pk=kpi.pk)
        context["form"] = MeasurementUploadForm(auto_id="import_%s")
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            upsert = form.cleaned_data["replace"]
            try:
                text = imports.csv_read(form.cleaned_data["file"])
                checked = imports.measurement_import_check(kpi=kpi, text=text, upsert=upsert)
            except ValidationError as error:
                form.add_error("file", error)
            except imports.MeasurementImportRefused as refused:
                status = 200
                context["bad_rows"] = refused.rows
                for message in refused.general:
                    form.add_error("file", message)
            else:
                status = 200
                context["preview"] = [
                    (row, number(row.value), "" if row.replaces is None else number(row.replaces))
                    for row in checked[:PREVIEW_MEASUREMENTS]
                ]
                context["preview_count"] = len(checked)
                context["preview_replacing"] = sum(1 for r in checked if r.replaces is not None)
                context["token"] = _token(request, kind, text, upsert=upsert)
    return _render(request, "kpis/measurement_import.html", context, status)


@workspace_view(Role.LEAD)
def measurement_import_template(request: WorkspaceRequest, pk: int) -> StreamingHttpResponse:
    """The value file's columns, with two example rows."""
    kpi = kpi_get(membership=request.membership, pk=pk, measure=True)
    today = request.workspace.today()
    rows = [(today - timedelta(days=1), "118.5", ""), (today, "121", "")]
    filename = f"{request.workspace.slug}-{slugify(kpi.name)}-values-template.csv"
    return csv_download(filename, imports.MEASUREMENT_COLUMNS, rows)
