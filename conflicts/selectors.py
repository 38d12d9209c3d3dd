"""Reads of the conflict register, their joins made: the list, one conflict, its page."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from conflicts import permissions
from conflicts.decisions import chart_data
from conflicts.models import Acknowledgement, Conflict, Evidence, Position
from goals.selectors.kpis import recent_measurements
from teams.models import Department, Membership, Workspace
from teams.tenancy import get_scoped

# How many latest values each evidence chart shows on the conflict page.
CHART_POINTS = 12
DEPARTMENTS = Prefetch("departments", queryset=Department.objects.order_by("name"))


def conflict_list(
    *,
    workspace: Workspace,
    status: str = "",
    kind: str = "",
    department: Department | None = None,
) -> QuerySet[Conflict]:
    conflicts = (
        Conflict.objects.filter(workspace=workspace)
        .select_related("raised_by_department", "facilitator")
        .prefetch_related(DEPARTMENTS)
    )
    if status:
        conflicts = conflicts.filter(status=status)
    if kind:
        conflicts = conflicts.filter(kind=kind)
    if department is not None:
        conflicts = conflicts.filter(departments=department)
    return conflicts.order_by("-created_at", "-pk")


def conflict_get(*, membership: Membership, pk: int) -> Conflict:
    queryset = Conflict.objects.select_related(
        "raised_by", "raised_by_department", "facilitator", "decision__decided_by"
    ).prefetch_related(
        DEPARTMENTS,
        "goals",
        "kpis",
        "consulted",
    )
    return get_scoped(queryset, membership.workspace, pk=pk)


@dataclass
class Side:
    """One involved department on the conflict page: its position, evidence charts, what it
    accepted, and whether the person looking may speak for it."""

    department: Department
    position: Position | None
    charts: list[dict] = field(default_factory=list)
    acknowledgement: Acknowledgement | None = None
    mine: bool = False
    acknowledges: bool = False


def _speaks_for(membership: Membership) -> set[int]:
    ids = set(membership.departments.values_list("pk", flat=True))
    return ids | set(
        Department.objects.filter(lead_id=membership.user_id).values_list("pk", flat=True)
    )


def conflict_sides(*, conflict: Conflict, membership: Membership) -> list[Side]:
    """Each involved department, in a fixed number of queries however many there are."""
    positions = {
        p.department_id: p
        for p in conflict.positions.select_related("author").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("kpi"))
        )
    }
    kpis = {e.kpi_id: e.kpi for p in positions.values() for e in p.evidence.all()}
    latest = recent_measurements(kpis, limit=CHART_POINTS)
    acknowledgements = {a.department_id: a for a in conflict.acknowledgements.all()}
    mine = set() if membership.role == "guest" else _speaks_for(membership)
    sides = []
    for department in conflict.departments.all():
        position = positions.get(department.pk)
        evidence = list(position.evidence.all()) if position else []
        charts = [
            {
                "evidence": e,
                "id": f"evidence-chart-{e.pk}",
                "data": chart_data(e.kpi, latest.get(e.kpi_id, [])[::-1]),
            }
            for e in evidence
        ]
        sides.append(
            Side(
                department=department,
                position=position,
                charts=charts,
                acknowledgement=acknowledgements.get(department.pk),
                mine=department.pk in mine,
                acknowledges=permissions.acknowledger(department) == membership.user_id,
            )
        )
    return sides
