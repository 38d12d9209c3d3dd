"""KPI pages: the list, create and edit, the detail with its trend chart and measurement
entry (one value, or many pasted at once), and the dashboard's KPI panel."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.forms import add_service_errors
from core.http import paginate
from core.pagecache import cached_page
from goals import permissions
from goals.forms.kpis import KPIFilterForm, KPIForm, MeasurementForm, MeasurementPasteForm
from goals.models import KPI, Direction, Measurement
from goals.selectors import kpis as selectors
from goals.services import kpis as services
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view

KPIS_PER_PAGE = 25
MEASUREMENTS_PER_PAGE = 20
# The trend chart shows about a year of daily values; the table pages through all of them.
CHART_POINTS = 366
SPARKLINE_POINTS = 12
PANEL_KPIS = 8
GOALS_SHOWN = 50
PREVIEW_ROWS = 50
BANDS = {
    "green": ("On target", "success"),
    "amber": ("Watch", "warning"),
    "red": ("Off target", "danger"),
}
CHANGED_EVENT = "measurements-changed"


def number(value: Decimal | None) -> str:
    """A value as people write it: 1,250.5 rather than 1250.5000."""
    if value is None:
        return "—"
    return f"{value.normalize():,f}"


@dataclass(frozen=True)
class Reading:
    """One value of a KPI, formatted, with its green/amber/red band."""

    text: str
    band: str
    label: str
    css: str


def reading(kpi: KPI, value: Decimal | None) -> Reading:
    band = kpi.band(value)
    label, css = BANDS.get(band, ("No thresholds", "secondary"))
    return Reading(text=number(value), band=band, label=label, css=css)


@dataclass(frozen=True)
class Sparkline:
    """An SVG polyline of a KPI's recent values, and a sentence saying the same: its span,
    its range and every value (the sparkline's text alternative, its aria-label)."""

    points: str
    last_x: float
    last_y: float
    summary: str


def sparkline(
    newest_first: Sequence[Measurement], width: int = 120, height: int = 32
) -> Sparkline | None:
    if not newest_first:
        return None
    values = [m.value for m in reversed(newest_first)]
    low, high = min(values), max(values)
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    spread = high - low

    def y(value: Decimal) -> float:
        share = float((value - low) / spread) if spread else 0.5
        return round(height - pad - share * (height - 2 * pad), 1)

    coords = [(round(pad + i * step, 1), y(v)) for i, v in enumerate(values)]
    summary = (
        f"{len(values)} value{'s' * (len(values) != 1)} from "
        f"{newest_first[-1].date:%Y-%m-%d} to {newest_first[0].date:%Y-%m-%d}, "
        f"lowest {number(low)}, highest {number(high)}, latest {number(values[-1])}. "
        f"Oldest first: {'; '.join(number(v) for v in values)}"
    )
    return Sparkline(
        points=" ".join(f"{x},{yy}" for x, yy in coords),
        last_x=coords[-1][0],
        last_y=coords[-1][1],
        summary=summary,
    )


@dataclass(frozen=True)
class KPICard:
    kpi: KPI
    latest: Measurement | None
    reading: Reading
    sparkline: Sparkline | None


def _cards(kpis: Sequence[KPI]) -> list[KPICard]:
    """Each KPI with its latest value and sparkline (one query for all of them)."""
    recent = selectors.recent_measurements([k.pk for k in kpis], limit=SPARKLINE_POINTS)
    cards = []
    for kpi in kpis:
        measurements = recent.get(kpi.pk, [])
        latest = measurements[0] if measurements else None
        cards.append(
            KPICard(
                kpi=kpi,
                latest=latest,
                reading=reading(kpi, latest.value if latest else None),
                sparkline=sparkline(measurements),
            )
        )
    return cards


@workspace_view(Role.MEMBER)
@cached_page
def kpi_panel(request: WorkspaceRequest) -> HttpResponse:
    """The dashboard's KPI panel, loaded by HTMX after the page: up to eight KPIs, shared
    ones first, each with its latest value, band and sparkline."""
    kpis = selectors.kpi_shared_first(workspace=request.workspace, limit=PANEL_KPIS)
    context = {
        "cards": _cards(kpis),
        "access": permissions.kpi_access(membership=request.membership),
    }
    return render(request, "kpis/panel.html", context)


@workspace_view(Role.MEMBER)
def kpi_list(request: WorkspaceRequest) -> HttpResponse:
    form = KPIFilterForm(request.GET or None, workspace=request.workspace)
    filters = form.cleaned_data if form.is_valid() else {}
    kpis = selectors.kpi_list(
        workspace=request.workspace,
        search=filters.get("q", "").strip(),
        department=filters.get("department"),
    )
    page = paginate(request, kpis, per_page=KPIS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filtered": bool(filters.get("q") or filters.get("department")),
        "page": page,
        "cards": _cards(page.object_list),
        "query": query.urlencode(),
        "access": permissions.kpi_access(membership=request.membership),
    }
    return render(request, "kpis/list.html", context)


@workspace_view(Role.EXECUTIVE)
def kpi_create(request: WorkspaceRequest) -> HttpResponse:
    form = KPIForm(request.POST or None, workspace=request.workspace)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kpi = services.kpi_create(
                    workspace=request.workspace, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Created the KPI {kpi}. Record its first value here.")
                return redirect("kpi_detail", ws=request.workspace.slug, pk=kpi.pk)
        status = 400
    return render(request, "kpis/form.html", {"form": form, "kpi": None}, status=status)


@workspace_view(Role.EXECUTIVE)
def kpi_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    kpi = selectors.kpi_get(membership=request.membership, pk=pk)
    prefetch_related_objects([kpi], "owner_departments")
    form = KPIForm.for_kpi(kpi, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kpi = services.kpi_update(kpi=kpi, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the KPI {kpi}.")
                return redirect("kpi_detail", ws=request.workspace.slug, pk=kpi.pk)
        status = 400
    return render(request, "kpis/form.html", {"form": form, "kpi": kpi}, status=status)


def _thresholds(kpi: KPI) -> str:
    if kpi.green_threshold is None or kpi.red_threshold is None:
        return ""
    better, worse = ("≥", "≤") if kpi.direction == Direction.INCREASE else ("≤", "≥")
    unit = f" {kpi.unit}" if kpi.unit else ""
    return (
        f"Green at {better} {number(kpi.green_threshold)}{unit}, "
        f"red at {worse} {number(kpi.red_threshold)}{unit}"
    )


def _chart(kpi: KPI, series: list[Measurement]) -> dict[str, Any]:
    """The trend chart's data (for json_script) and its description for screen readers."""
    if series:
        label = (
            f"Trend of {kpi.name}: {len(series)} values from {series[0].date:%Y-%m-%d} to "
            f"{series[-1].date:%Y-%m-%d}, latest {number(series[-1].value)} {kpi.unit}".strip()
        )
    else:
        label = f"Trend of {kpi.name}: no values yet"
    return {
        "label": label,
        "data": {
            "name": kpi.name,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "dates": [m.date.isoformat() for m in series],
            "values": [float(m.value) for m in series],
            "green": float(kpi.green_threshold) if kpi.green_threshold is not None else None,
            "red": float(kpi.red_threshold) if kpi.red_threshold is not None else None,
        },
    }


def _table_context(
    request: WorkspaceRequest, kpi: KPI, access: permissions.KPIAccess
) -> dict[str, Any]:
    page = paginate(request, selectors.kpi_measurements(kpi=kpi), per_page=MEASUREMENTS_PER_PAGE)
    return {
        "kpi": kpi,
        "access": access,
        "page": page,
        "rows": [(m, reading(kpi, m.value)) for m in page],
    }


def _chart_context(
    kpi: KPI, access: permissions.KPIAccess, form: MeasurementForm | None
) -> dict[str, Any]:
    """The chart, the latest value and the entry form: what a failed entry re-renders."""
    series = selectors.kpi_series(kpi=kpi, limit=CHART_POINTS)
    latest = series[-1] if series else None
    return {
        "kpi": kpi,
        "access": access,
        "form": form,
        "chart": _chart(kpi, series),
        "latest": latest,
        "latest_reading": reading(kpi, latest.value if latest else None),
        "thresholds": _thresholds(kpi),
    }


def _entry_form(request: WorkspaceRequest) -> MeasurementForm:
    today = request.workspace.today()
    return MeasurementForm(initial={"date": today})


def _detail(
    request: WorkspaceRequest,
    kpi: KPI,
    access: permissions.KPIAccess,
    form: MeasurementForm | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        **_chart_context(kpi, access, form),
        **_table_context(request, kpi, access),
        "goals": selectors.kpi_goals(kpi=kpi)[:GOALS_SHOWN],
    }
    return render(request, "kpis/detail.html", context, status=status)


@workspace_view(Role.MEMBER)
@cached_page
def kpi_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The KPI's page. HTMX asks for parts of it: the measurement table (paging) and the
    goals it drives (after its values change)."""
    kpi = selectors.kpi_get(membership=request.membership, pk=pk)
    if request.htmx.target == "kpi-goals":
        goals = selectors.kpi_goals(kpi=kpi)[:GOALS_SHOWN]
        return render(request, "kpis/detail.html#goals", {"kpi": kpi, "goals": goals})
    access = permissions.kpi_access(membership=request.membership, kpi=kpi)
    if request.htmx.target == "measurement-table":
        return render(request, "kpis/detail.html#table", _table_context(request, kpi, access))
    prefetch_related_objects([kpi], "owner_departments")
    return _detail(request, kpi, access, _entry_form(request) if access.measure else None)


def _kpi_to_measure(request: WorkspaceRequest, pk: int) -> tuple[KPI, permissions.KPIAccess]:
    """The KPI, when the person may record its values; else 403 (404 for another workspace)."""
    kpi = selectors.kpi_get(membership=request.membership, pk=pk, measure=True)
    return kpi, permissions.kpi_access(membership=request.membership, kpi=kpi)


def _measurements_changed(
    request: WorkspaceRequest, kpi: KPI, access: permissions.KPIAccess, note: str
) -> HttpResponse:
    """After a value was added or deleted: for HTMX the chart and a fresh form, with the
    table out of band, and an event that refreshes the goals; else back to the KPI's page."""
    if not request.htmx:
        messages.success(request, note)
        return redirect("kpi_detail", ws=request.workspace.slug, pk=kpi.pk)
    context = {
        **_chart_context(kpi, access, _entry_form(request)),
        **_table_context(request, kpi, access),
        "note": note,
        "oob": True,
    }
    response = render(request, "kpis/detail.html#changed", context)
    return trigger_client_event(response, CHANGED_EVENT, {"kpi": kpi.pk})


@workspace_view(Role.LEAD)
@require_POST
def measurement_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    kpi, access = _kpi_to_measure(request, pk)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            measurement = services.measurement_record(
                kpi=kpi,
                actor=request.user,
                date=form.cleaned_data["date"],
                value=form.cleaned_data["value"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = f"Recorded {number(measurement.value)} for {measurement.date:%Y-%m-%d}."
            return _measurements_changed(request, kpi, access, note)
    if request.htmx:
        context = _chart_context(kpi, access, form)
        return render(request, "kpis/detail.html#measurements", context, status=400)
    return _detail(request, kpi, access, form, status=400)


@workspace_view(Role.LEAD)
@require_POST
def measurement_delete(request: WorkspaceRequest, pk: int, measurement_pk: int) -> HttpResponse:
    kpi, access = _kpi_to_measure(request, pk)
    measurement = get_object_or_404(Measurement, kpi=kpi, pk=measurement_pk)
    services.measurement_delete(measurement=measurement, actor=request.user)
    note = f"Deleted the value of {measurement.date:%Y-%m-%d}."
    return _measurements_changed(request, kpi, access, note)


@workspace_view(Role.LEAD)
def measurement_paste(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Paste many values: first a preview naming every bad line, then an import of all of
    them or none."""
    kpi, _ = _kpi_to_measure(request, pk)
    form = MeasurementPasteForm(request.POST or None)
    context: dict[str, Any] = {"kpi": kpi, "form": form, "preview": None, "bad_lines": []}
    status = 200
    if request.method == "POST":
        importing = request.POST.get("action") == "import"
        status = 400 if importing else 200
        if form.is_valid():
            rows, lines = form.rows()
            options = {
                "kpi": kpi,
                "rows": rows,
                "source": Measurement.Source.MANUAL,
                "upsert": form.cleaned_data["replace"],
                "row_numbers": lines,
            }
            try:
                if importing:
                    result = services.measurements_ingest(actor=request.user, **options)
                else:
                    preview = services.measurements_check(**options)
            except ValidationError as error:
                context["bad_lines"], general = services.ingest_row_errors(error)
                for message in general:
                    form.add_error("text", message)
            else:
                if importing:
                    replaced = f", replaced {result.updated}" if result.updated else ""
                    messages.success(
                        request,
                        f"Imported {result.created + result.updated} values of {kpi}{replaced}.",
                    )
                    return redirect("kpi_detail", ws=request.workspace.slug, pk=kpi.pk)
                context["preview"] = [
                    (row, number(row.value), "" if row.replaces is None else number(row.replaces))
                    for row in preview[:PREVIEW_ROWS]
                ]
                context["preview_count"] = len(preview)
                context["preview_replacing"] = sum(1 for r in preview if r.replaces is not None)
    context["detail_url"] = reverse("kpi_detail", kwargs={"ws": request.workspace.slug, "pk": pk})
    return render(request, "kpis/paste.html", context, status=status)
