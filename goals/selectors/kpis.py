"""Reads for KPIs and their measurements, with their joins already made."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
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
# A KPI's second owner department, if it has one: the KPI is shared.
SECOND_OWNER = KPI.owner_departments.through.objects.filter(kpi=OuterRef("pk"))[1:2]


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


def kpi_shared_first(*, workspace: Workspace, limit: int) -> list[KPI]:
    """The workspace's first ``limit`` KPIs, shared ones (two or more owners) first, then by
    name; each with ``shared``.

    Where the database allows LIMIT inside UNION ALL (PostgreSQL), the shared KPIs and the
    others are each read in name order along kpi_workspace_name, up to ``limit`` of each,
    probing each KPI read for a second owner: no count of every KPI's owners, no sort of all
    the KPIs. SQLite sorts them all.
    """
    kpis = KPI.objects.filter(workspace=workspace).annotate(shared=Exists(SECOND_OWNER))
    if connection.features.supports_slicing_ordering_in_compound:
        by_name = kpis.order_by("name", "id")
        kpis = by_name.filter(shared=True)[:limit].union(
            by_name.filter(shared=False)[:limit], all=True
        )
    return list(kpis.order_by("-shared", "name", "id")[:limit])


def recent_measurements(kpi_ids: Iterable[int], *, limit: int) -> dict[int, list[Measurement]]:
    """The latest ``limit`` measurements of each KPI, newest first, in one query.

    Where the database allows LIMIT inside UNION ALL (PostgreSQL), each KPI's part reads only
    its newest rows along the measurement_kpi_recent index, however long its history (a
    window over all the KPIs' rows read all of them: 12 ms for the KPI panel at scale).
    SQLite gets the window.
    """
    ids = sorted(set(kpi_ids))
    if not ids:
        return {}
    newest = Measurement.objects.order_by("-date", "-id")
    if len(ids) == 1 or connection.features.supports_slicing_ordering_in_compound:
        parts = [newest.filter(kpi_id=pk)[:limit] for pk in ids]
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    else:
        rows = (
            newest.filter(kpi_id__in=ids)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("kpi_id"),
                    order_by=[F("date").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=limit)
        )
    recent: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in sorted(rows, key=lambda m: (m.date, m.pk), reverse=True):
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
