"""Reads for KPIs and their measurements, with their joins already made."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from goals.models import KPI, Goal, Measurement
from goals.permissions import MEASURE_REFUSED, kpi_access, kpis_with_access
from teams.models import Department, Membership, Workspace
from teams.tenancy import get_scoped

# A KPI's owner departments, by name.
OWNERS = Prefetch("owner_departments", queryset=Department.objects.order_by("name"))


def kpi_get(*, membership: Membership, pk: int, measure: bool = False) -> KPI:
    """The KPI ``pk`` of the member's workspace (else ``Http404``), knowing whether a
    department of theirs owns it (``kpi_access`` then asks nothing more). With ``measure``,
    only if they may record its values, else ``PermissionDenied``. One query."""
    kpis = kpis_with_access(KPI.objects.all(), membership)
    kpi = get_scoped(kpis, membership.workspace, pk=pk)
    kpi.workspace = membership.workspace
    if measure and not kpi_access(membership=membership, kpi=kpi).measure:
        raise PermissionDenied(MEASURE_REFUSED)
    return kpi


def kpi_list(
    *, workspace: Workspace, search: str = "", department: Department | None = None
) -> QuerySet[KPI]:
    """The workspace's KPIs by name, with their owner departments."""
    kpis = KPI.objects.filter(workspace=workspace)
    if search:
        kpis = kpis.filter(
            Q(name__icontains=search) | Q(description__icontains=search) | Q(unit__iexact=search)
        )
    if department is not None:
        kpis = kpis.filter(owner_departments=department)
    return kpis.prefetch_related(OWNERS).order_by("name", "id")


def kpi_shared_first(*, workspace: Workspace) -> QuerySet[KPI]:
    """The workspace's KPIs, shared ones (two or more owners) first, then by name; each with
    ``owner_count``."""
    return (
        KPI.objects.filter(workspace=workspace)
        .annotate(owner_count=Count("owner_departments"))
        .annotate(
            shared_rank=Case(
                When(owner_count__gte=2, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("shared_rank", "name", "id")
    )


def recent_measurements(kpi_ids: Iterable[int], *, limit: int) -> dict[int, list[Measurement]]:
    """The latest ``limit`` measurements of each KPI, newest first, in one query."""
    ids = list(kpi_ids)
    if not ids:
        return {}
    rows = (
        Measurement.objects.filter(kpi_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("kpi_id"),
                order_by=[F("date").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=limit)
        .order_by("kpi_id", "-date", "-id")
    )
    recent: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in rows:
        recent[measurement.kpi_id].append(measurement)
    return recent


def kpi_series(*, kpi: KPI, limit: int) -> list[Measurement]:
    """The latest ``limit`` measurements of a KPI, oldest first (the trend chart's points)."""
    latest = kpi.measurements.only("id", "kpi_id", "date", "value", "source").order_by(
        "-date", "-id"
    )[:limit]
    return list(reversed(latest))


def kpi_measurements(
    *,
    kpi: KPI,
    since: dt.date | None = None,
    until: dt.date | None = None,
    source: str | None = None,
) -> QuerySet[Measurement]:
    """A KPI's measurements, newest first, with who entered them; ``since`` and ``until``
    include their day."""
    measurements = kpi.measurements.select_related("created_by")
    if since is not None:
        measurements = measurements.filter(date__gte=since)
    if until is not None:
        measurements = measurements.filter(date__lte=until)
    if source is not None:
        measurements = measurements.filter(source=source)
    return measurements.order_by("-date", "-id")


def kpi_goals(*, kpi: KPI) -> QuerySet[Goal]:
    """The goals a KPI drives, open ones first."""
    return (
        Goal.objects.filter(kpi=kpi)
        .select_related("period")
        .annotate(
            closed=Case(
                When(status__in=Goal.CLOSED_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "due_date", "id")
    )
