"""A conflict's decision: the decision itself (in the workspace's decision log, through
:func:`forums.outcomes.decision_record_direct`), the trade-off each side accepted, the
departments consulted, the evidence it rested on, and each side's acknowledgement.

Once every side has acknowledged, the conflict closes by itself; its facilitator or an
executive may also close it before (:func:`conflicts.services.conflict_move`).
"""

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from conflicts import permissions
from conflicts.models import Acknowledgement, Conflict, DecisionEvidence, Evidence
from conflicts.notices import tell_both_sides
from conflicts.services import lock
from core.audit import audit_record, update_audited
from forums.models import AgendaItem, Decision
from forums.outcomes import decision_record_direct, decision_recorded_emit, running_item
from goals.models import KPI
from goals.selectors.kpis import recent_measurements
from teams.models import Department, Membership
from teams.tenancy import ensure_in_workspace

# How many of each evidence KPI's latest values the decision keeps.
SNAPSHOT_POINTS = 12


def chart_data(kpi: KPI, measurements: list) -> dict:
    """A KPI and its values (oldest first) in the shape static/js/kpi_chart.js reads."""
    return {
        "name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "dates": [m.date.isoformat() for m in measurements],
        "values": [float(m.value) for m in measurements],
        "green": float(kpi.green_threshold) if kpi.green_threshold is not None else None,
        "red": float(kpi.red_threshold) if kpi.red_threshold is not None else None,
    }


def _snapshot(conflict: Conflict) -> list[DecisionEvidence]:
    """Each evidence KPI's last values, as they stand now."""
    kpis = {
        e.kpi_id: e.kpi
        for e in Evidence.objects.filter(position__conflict=conflict).select_related("kpi")
    }
    latest = recent_measurements(kpis, limit=SNAPSHOT_POINTS)
    return DecisionEvidence.objects.bulk_create(
        DecisionEvidence(conflict=conflict, kpi=kpi, data=chart_data(kpi, latest.get(pk, [])[::-1]))
        for pk, kpi in sorted(kpis.items(), key=lambda pair: pair[1].name)
    )


def _trade_offs(departments: list[Department], trade_offs: Mapping[int, str]) -> dict[int, str]:
    accepted = {pk: (text or "").strip() for pk, text in trade_offs.items()}
    sides = {d.pk for d in departments}
    others = Department.objects.filter(pk__in=set(accepted) - sides).order_by("name")
    if others:
        raise ValidationError(
            {
                "trade_offs": "Only the sides of the conflict accept a trade-off; not a side: "
                f"{', '.join(map(str, others))}."
            }
        )
    missing = [str(d) for d in departments if not accepted.get(d.pk)]
    if missing:
        raise ValidationError(
            {"trade_offs": f"Say what each side accepted; missing: {', '.join(missing)}."}
        )
    return accepted


@transaction.atomic
def conflict_decide(
    *,
    membership: Membership,
    conflict: Conflict,
    title: str,
    rationale: str,
    trade_offs: Mapping[int, str],
    consulted: Iterable[Department] = (),
    review_on: dt.date | None = None,
) -> Decision:
    """The facilitator or an executive decides: the decision goes to the log, with what each
    side accepted and the evidence as it stands; each side's lead is asked to acknowledge.
    Decided while a meeting that has the conflict on its agenda runs, the decision is that
    meeting's too."""
    locked = lock(conflict, membership)
    permissions.ensure_can_run(membership, locked)
    if not locked.is_undecided:
        raise ValidationError(
            f"This conflict is {locked.get_status_display().lower()}: it cannot be decided again."
        )
    departments = list(locked.departments.all())
    consulted = list(consulted)
    ensure_in_workspace(locked.workspace, consulted, field="consulted")
    sides = [str(d) for d in consulted if d in departments]
    if sides:
        raise ValidationError(
            {
                "consulted": "The sides decide; consult departments outside the conflict, not "
                f"{', '.join(sides)}."
            }
        )
    accepted = _trade_offs(departments, trade_offs)
    decision = decision_record_direct(
        membership=membership,
        title=title,
        rationale=rationale,
        decided_by=membership.user,
        departments=departments,
        review_on=review_on,
        item=running_item(
            workspace=locked.workspace, kind=AgendaItem.Kind.CONFLICT, source_id=locked.pk
        ),
        announce=False,
    )
    Acknowledgement.objects.bulk_create(
        Acknowledgement(conflict=locked, department=d, trade_off=accepted[d.pk])
        for d in departments
    )
    _snapshot(locked)
    locked.consulted.set(consulted)
    update_audited(
        locked,
        {"status": Conflict.Status.DECIDED, "decision": decision, "decided_at": timezone.now()},
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"The conflict “{locked.title}” is decided: {decision.title}",
    )
    tell_both_sides(locked, actor=membership.user, step="decided")
    decision_recorded_emit(decision, actor=membership.user)  # now that it names the conflict
    return decision


@transaction.atomic
def decision_acknowledge(
    *, membership: Membership, conflict: Conflict, department: Department
) -> Acknowledgement:
    """A side's lead (its executive when it has no lead) acknowledges the decision; the last
    acknowledgement closes the conflict."""
    locked = lock(conflict, membership)
    if locked.status != Conflict.Status.DECIDED:
        raise ValidationError("Only a decided conflict is acknowledged.")
    row = Acknowledgement.objects.filter(conflict=locked, department=department).first()
    if row is None:
        raise ValidationError({"department": f"{department} is not a side of this decision."})
    if permissions.acknowledger(department) != membership.user_id:
        raise PermissionDenied(f"Only the lead of {department} acknowledges for it.")
    if row.acknowledged_at is None:
        row.acknowledged_by, row.acknowledged_at = membership.user, timezone.now()
        row.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit_record(
            workspace=locked.workspace,
            actor=membership.user,
            verb="updated",
            target=row,
            summary=f"{department} acknowledged the decision on “{locked.title}”",
        )
    if not locked.acknowledgements.filter(acknowledged_at__isnull=True).exists():
        update_audited(
            locked,
            {"status": Conflict.Status.CLOSED, "closed_at": timezone.now()},
            workspace=locked.workspace,
            actor=membership.user,
            summary=f"Every side acknowledged: the conflict “{locked.title}” is closed",
        )
        tell_both_sides(locked, actor=membership.user, step="closed")
    return row
