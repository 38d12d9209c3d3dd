"""Who may set and change goals: one rule, used by the pages and the API.

Executives and admins may set any goal, shared ones included. A team lead may set goals owned
by one of their own departments (their membership's departments), never shared goals. Members
and guests set none.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from goals.models import KPI
from teams.models import Department, Membership, Role

NO_GOALS = "Only team leads, executives and admins set goals."
NOT_YOURS = "Only executives, admins and the lead of the goal's own department change it."
MEASURE_REFUSED = (
    "Only executives, admins and the leads of the KPI's departments record its values."
)


def can_create_goals(membership: Membership) -> bool:
    return membership.has_role(Role.LEAD)


def lead_departments(membership: Membership) -> list[Department]:
    """The departments a lead's goals may belong to (loaded once per membership object)."""
    prefetch_related_objects([membership], "departments")
    return list(membership.departments.all())


def can_edit_goal(
    membership: Membership,
    owner_departments: Iterable[Department],
    *,
    own_departments: Iterable[Department] | None = None,
) -> bool:
    """May ``membership`` set a goal owned by ``owner_departments`` (or change one that is)?

    ``own_departments`` are the person's departments when the caller has them already
    (see goals.selectors.goals.workspace_departments); else they are loaded.
    """
    if membership.has_role(Role.EXECUTIVE):
        return True
    if not can_create_goals(membership):
        return False
    if own_departments is None:
        own_departments = lead_departments(membership)
    owners = {department.pk for department in owner_departments}
    return len(owners) == 1 and owners <= {department.pk for department in own_departments}


def ensure_can_edit_goal(
    membership: Membership,
    owner_departments: Iterable[Department],
    *,
    own_departments: Iterable[Department] | None = None,
) -> None:
    """``PermissionDenied`` unless ``membership`` may change a goal owned by these departments."""
    if not can_create_goals(membership):
        raise PermissionDenied(NO_GOALS)
    if not can_edit_goal(membership, owner_departments, own_departments=own_departments):
        raise PermissionDenied(NOT_YOURS)


# --- KPIs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KPIAccess:
    edit: bool
    measure: bool


def _departments_of(membership: Membership) -> QuerySet[Department]:
    """The departments a person belongs to or leads."""
    return Department.objects.filter(Q(memberships=membership) | Q(lead_id=membership.user_id))


def kpi_access(*, membership: Membership, kpi: KPI | None = None) -> KPIAccess:
    """Who may change KPIs: executives and admins create and edit any KPI and record its
    measurements; a lead records measurements for the KPIs a department of theirs owns (one
    they belong to or lead); everyone else reads.

    No query when the KPI comes from :func:`kpis_with_access`; else one for a lead.
    """
    if membership.has_role(Role.EXECUTIVE):
        return KPIAccess(edit=True, measure=True)
    if kpi is None or not membership.has_role(Role.LEAD):
        return KPIAccess(edit=False, measure=False)
    theirs = getattr(kpi, "owned_by_their_department", None)
    if theirs is None:
        theirs = _departments_of(membership).filter(kpis=kpi).exists()
    return KPIAccess(edit=False, measure=theirs)


def kpis_with_access(kpis: QuerySet[KPI], membership: Membership) -> QuerySet[KPI]:
    """The KPIs, each knowing whether a department of the person owns it (for kpi_access)."""
    return kpis.annotate(
        owned_by_their_department=Exists(_departments_of(membership).filter(kpis=OuterRef("pk")))
    )
