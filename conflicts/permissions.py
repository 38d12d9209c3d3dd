"""Who may do what with a conflict: one rule for the pages and the services.

Everyone in the workspace but guests sees every conflict. Anyone in a department raises one for
it; a department's members and lead state its position and attach its evidence; executives and
admins name the facilitator; the facilitator or an executive moves the conflict on and decides
it (its raiser may also withdraw it); each side's lead (its executive when it has no lead)
acknowledges the decision.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from conflicts.models import Conflict
from teams.models import Department, Membership, Role, User

RUN_REFUSED = "Only the conflict's facilitator or an executive moves it on and decides it."


def speaks_for(membership: Membership, department: Department) -> bool:
    """A member or the lead of the department (not a guest)."""
    if membership.role == Role.GUEST:
        return False
    if department.lead_id == membership.user_id:
        return True
    return membership.departments.filter(pk=department.pk).exists()


def ensure_speaks_for(membership: Membership, department: Department) -> None:
    if not speaks_for(membership, department):
        raise PermissionDenied(f"Only the members and the lead of {department} speak for it.")


def can_run(membership: Membership, conflict: Conflict) -> bool:
    return conflict.facilitator_id == membership.user_id or membership.has_role(Role.EXECUTIVE)


def ensure_can_run(membership: Membership, conflict: Conflict) -> None:
    if not can_run(membership, conflict):
        raise PermissionDenied(RUN_REFUSED)


def can_withdraw(membership: Membership, conflict: Conflict) -> bool:
    return can_run(membership, conflict) or conflict.raised_by_id == membership.user_id


def acknowledger(department: Department) -> int | None:
    """Who acknowledges a decision for a side: its lead, else its executive."""
    return department.lead_id or department.executive_id


def involved_people(departments: Iterable[Department]) -> Q:
    """People in, leading or sponsoring any of the departments: not neutral for them."""
    ids = [department.pk for department in departments]
    return (
        Q(memberships__departments__in=ids)
        | Q(led_departments__in=ids)
        | Q(sponsored_departments__in=ids)
    )


def is_neutral(user: User, departments: Iterable[Department]) -> bool:
    """Whether the person belongs to none of the departments: neither a member, nor their
    lead or executive."""
    return not User.objects.filter(involved_people(departments), pk=user.pk).exists()
