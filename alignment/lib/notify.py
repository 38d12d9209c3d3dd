"""In-app notifications: services call :func:`notify` inside their transaction."""

from collections.abc import Iterable

from alignment.models import Notification
from teams.models import Department, Membership, User, Workspace


def notify(
    *, workspace: Workspace, recipients: Iterable[User], kind: str, title: str, url: str = ""
) -> int:
    """One notification per distinct recipient; returns how many were written."""
    unique = {user.pk: user for user in recipients if user is not None}
    Notification.objects.bulk_create(
        Notification(workspace=workspace, recipient_id=pk, kind=kind, title=title[:300], url=url)
        for pk in unique
    )
    return len(unique)


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
