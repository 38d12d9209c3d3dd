"""Every write of a conflict before its decision: raising it, the positions and their evidence,
naming the facilitator, and its status moves. Decisions are in :mod:`conflicts.decisions`.

Each service authorizes the actor (``PermissionDenied``), applies the rules (``ValidationError``
keyed by field), writes in one transaction, records the audit row and tells both sides
(:mod:`conflicts.notices`).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from conflicts import permissions
from conflicts.models import Conflict, Evidence, Position
from conflicts.notices import tell_both_sides
from core.audit import audit_record, update_audited
from goals.models import KPI, Goal
from teams.models import Department, Membership, Role, User
from teams.tenancy import ensure_in_workspace, ensure_members

Status = Conflict.Status
# Where each status may go by a move (deciding is conflict_decide's).
MOVES = {
    Status.OPEN: {Status.IN_DISCUSSION, Status.WITHDRAWN},
    Status.IN_DISCUSSION: {Status.OPEN, Status.WITHDRAWN},
    Status.DECIDED: {Status.CLOSED},
}
STAMPS = {
    Status.IN_DISCUSSION: "discussed_at",
    Status.CLOSED: "closed_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def lock(conflict: Conflict, membership: Membership) -> Conflict:
    """The conflict, locked for a change, in the actor's workspace."""
    return (
        Conflict.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .get(pk=conflict.pk, workspace=membership.workspace)
    )


def ensure_undecided(conflict: Conflict) -> None:
    if not conflict.is_undecided:
        raise ValidationError(f"This conflict is {conflict.get_status_display().lower()}.")


def _check_facilitator(conflict: Conflict, facilitator: User, departments: list[Department]):
    ensure_members(conflict.workspace, [facilitator], field="facilitator", guests=False)
    if not permissions.is_neutral(facilitator, departments):
        raise ValidationError(
            {
                "facilitator": "Choose someone from none of the involved departments: neither "
                "a member, nor their lead or executive."
            }
        )


def _check_raise(
    membership: Membership,
    raised_by_department: Department,
    departments: list[Department],
    goals: list[Goal],
    kpis: list[KPI],
    decide_by: dt.date | None,
) -> None:
    workspace = membership.workspace
    ensure_in_workspace(workspace, [raised_by_department], field="raised_by_department")
    ensure_in_workspace(workspace, departments, field="departments")
    ensure_in_workspace(workspace, goals, field="goals")
    ensure_in_workspace(workspace, kpis, field="kpis")
    if not permissions.speaks_for(membership, raised_by_department):
        raise PermissionDenied("Raise a conflict for a department you are in or lead.")
    if len(departments) < 2:
        raise ValidationError(
            {
                "departments": "Name at least one other department: a conflict is between two "
                "or more."
            }
        )
    if decide_by is None or decide_by <= workspace.today():
        raise ValidationError({"decide_by": "The date to decide by must be in the future."})


@transaction.atomic
def conflict_raise(
    *,
    membership: Membership,
    title: str,
    kind: str,
    at_stake: str,
    raised_by_department: Department,
    departments: Iterable[Department],
    decide_by: dt.date | None,
    goals: Iterable[Goal] = (),
    kpis: Iterable[KPI] = (),
) -> Conflict:
    """A conflict between the raiser's department and one or more others."""
    if membership.role == Role.GUEST:
        raise PermissionDenied("Guests do not raise conflicts.")
    involved = {department.pk: department for department in [raised_by_department, *departments]}
    goals, kpis = list(goals), list(kpis)
    _check_raise(membership, raised_by_department, list(involved.values()), goals, kpis, decide_by)
    conflict = Conflict(
        workspace=membership.workspace,
        title=title.strip(),
        kind=kind,
        at_stake=at_stake.strip(),
        raised_by=membership.user,
        raised_by_department=raised_by_department,
        decide_by=decide_by,
    )
    conflict.full_clean(exclude=["workspace", "raised_by", "raised_by_department"])
    conflict.save()
    conflict.departments.add(*involved.values())
    conflict.goals.add(*goals)
    conflict.kpis.add(*kpis)
    audit_record(
        workspace=conflict.workspace,
        actor=membership.user,
        verb="created",
        target=conflict,
        summary=f"{raised_by_department} raised a conflict: {conflict.title}",
    )
    tell_both_sides(conflict, actor=membership.user, step="raised")
    return conflict


@transaction.atomic
def facilitator_name(*, membership: Membership, conflict: Conflict, facilitator: User) -> Conflict:
    """Executives and admins name a neutral facilitator."""
    if not membership.has_role(Role.EXECUTIVE):
        raise PermissionDenied("Only executives and admins name a conflict's facilitator.")
    locked = lock(conflict, membership)
    ensure_undecided(locked)
    _check_facilitator(locked, facilitator, list(locked.departments.all()))
    update_audited(
        locked,
        {"facilitator": facilitator},
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"{facilitator} facilitates the conflict “{locked.title}”",
    )
    tell_both_sides(locked, actor=membership.user, step="given a facilitator")
    return locked


@transaction.atomic
def conflict_move(*, membership: Membership, conflict: Conflict, status: str) -> Conflict:
    """Open <-> in discussion, withdrawn before the decision, closed after it."""
    locked = lock(conflict, membership)
    allowed = permissions.can_withdraw if status == Status.WITHDRAWN else permissions.can_run
    if not allowed(membership, locked):
        raise PermissionDenied(permissions.RUN_REFUSED)
    if status not in MOVES.get(locked.status, set()):
        raise ValidationError(
            {
                "status": f"A conflict {locked.get_status_display().lower()} cannot become "
                f"{Status(status).label.lower() if status in Status.values else status}."
            }
        )
    changes = {"status": status}
    if status in STAMPS:
        changes[STAMPS[status]] = timezone.now()
    update_audited(
        locked,
        changes,
        workspace=locked.workspace,
        actor=membership.user,
        summary=f"The conflict “{locked.title}” is now {Status(status).label.lower()}",
    )
    tell_both_sides(locked, actor=membership.user, step=Status(status).label.lower())
    return locked


@transaction.atomic
def position_state(
    *,
    membership: Membership,
    conflict: Conflict,
    department: Department,
    wants: str,
    why: str,
    would_trade: str = "",
) -> Position:
    """A department's position, stated or changed by one of its members or its lead."""
    locked = lock(conflict, membership)
    ensure_undecided(locked)
    if not locked.departments.filter(pk=department.pk).exists():
        raise ValidationError({"department": f"{department} is not involved in this conflict."})
    permissions.ensure_speaks_for(membership, department)
    fields = {"wants": wants.strip(), "why": why.strip(), "would_trade": would_trade.strip()}
    position = Position.objects.filter(conflict=locked, department=department).first()
    created = position is None
    position = position or Position(conflict=locked, department=department)
    for name, value in {**fields, "author": membership.user}.items():
        setattr(position, name, value)
    position.full_clean(exclude=["conflict", "department", "author"], validate_unique=False)
    position.save()
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="created" if created else "updated",
        target=position,
        summary=f"{department} {'stated' if created else 'changed'} its position on “{locked}”",
    )
    tell_both_sides(locked, actor=membership.user, step=f"answered by {department}")
    return position


@transaction.atomic
def evidence_add(*, membership: Membership, position: Position, kpi: KPI) -> Evidence:
    locked = lock(position.conflict, membership)
    ensure_undecided(locked)
    permissions.ensure_speaks_for(membership, position.department)
    ensure_in_workspace(locked.workspace, [kpi], field="kpi")
    if position.evidence.filter(kpi=kpi).exists():
        raise ValidationError({"kpi": f"{kpi} is already part of this position's evidence."})
    evidence = Evidence.objects.create(position=position, kpi=kpi)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="created",
        target=evidence,
        summary=f"{position.department} points to {kpi} on “{locked}”",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, membership: Membership, evidence: Evidence) -> None:
    position = evidence.position
    locked = lock(position.conflict, membership)
    ensure_undecided(locked)
    permissions.ensure_speaks_for(membership, position.department)
    audit_record(
        workspace=locked.workspace,
        actor=membership.user,
        verb="deleted",
        target=evidence,
        summary=f"{position.department} no longer points to {evidence.kpi} on “{locked}”",
    )
    evidence.delete()


@transaction.atomic
def evidence_set(*, membership: Membership, position: Position, kpis: Iterable[KPI]) -> None:
    """The position's evidence becomes exactly ``kpis``: each KPI added or dropped is audited
    as :func:`evidence_add` and :func:`evidence_remove` do it, in a few queries however many."""
    kpis = list({kpi.pk: kpi for kpi in kpis}.values())
    locked = lock(position.conflict, membership)
    ensure_undecided(locked)
    permissions.ensure_speaks_for(membership, position.department)
    ensure_in_workspace(locked.workspace, kpis, field="kpi")
    wanted = {kpi.pk for kpi in kpis}
    current = {e.kpi_id: e for e in position.evidence.select_related("kpi")}
    dropped = [e for kpi_id, e in current.items() if kpi_id not in wanted]
    for evidence in dropped:
        audit_record(
            workspace=locked.workspace,
            actor=membership.user,
            verb="deleted",
            target=evidence,
            summary=f"{position.department} no longer points to {evidence.kpi} on “{locked}”",
        )
    Evidence.objects.filter(pk__in=[e.pk for e in dropped]).delete()
    added = Evidence.objects.bulk_create(
        Evidence(position=position, kpi=kpi) for kpi in kpis if kpi.pk not in current
    )
    for evidence in added:
        audit_record(
            workspace=locked.workspace,
            actor=membership.user,
            verb="created",
            target=evidence,
            summary=f"{position.department} points to {evidence.kpi} on “{locked}”",
        )
