"""Who may set and change goals: one rule, used by the pages and the API.

Executives and admins may set any goal, shared ones included. A team lead may set goals owned
by one of their own departments (their membership's departments), never shared goals. Members
and guests set none.
"""

from collections.abc import Iterable

from django.db.models import prefetch_related_objects

from teams.models import Department, Membership, Role


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
