"""Reads about people and departments that other apps share."""

from collections.abc import Iterable

from teams.models import Department, Membership, User


def department_people(departments: Iterable[Department]) -> list[User]:
    """Everyone in the departments, plus their leads and executives (one query)."""
    departments = list(departments)
    ids = {d.lead_id for d in departments} | {d.executive_id for d in departments}
    members = Membership.objects.filter(departments__in=departments).values_list(
        "user_id", flat=True
    )
    ids |= set(members)
    ids.discard(None)
    return list(User.objects.filter(pk__in=ids))
