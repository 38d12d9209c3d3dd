"""Telling both sides: every step of a conflict notifies, in the app and by email (after the
transaction commits), the people of each side (their leads and executives), whoever raised it
and its facilitator, but not the person who took the step."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from checkins.models import ReminderPreference
from conflicts.models import Conflict
from core.mail import send_templated_mail
from core.notify import notify
from teams.models import User


def _people(conflict: Conflict) -> list[User]:
    ids = {conflict.raised_by_id, conflict.facilitator_id}
    for department in conflict.departments.all():
        ids |= {department.lead_id, department.executive_id}
    return list(User.objects.filter(pk__in=ids - {None}))


def _no_email(conflict: Conflict, users: list[User]) -> set[int]:
    return set(
        ReminderPreference.objects.filter(
            workspace_id=conflict.workspace_id, user__in=users, by_email=False
        ).values_list("user_id", flat=True)
    )


def _send(template: str, users: list[User], context: dict) -> None:
    for user in users:
        send_templated_mail(
            template=template, to=[user.email], context={**context, "recipient": user}
        )


def tell_both_sides(conflict: Conflict, *, actor: User, step: str) -> None:
    """Notify of ``step`` ("raised", "decided"...) everyone concerned but ``actor``."""
    people = [user for user in _people(conflict) if user.pk != actor.pk]
    if not people:
        return
    path = reverse("conflict_detail", kwargs={"ws": conflict.workspace.slug, "pk": conflict.pk})
    title = f"Conflict {step}: {conflict.title}"
    notify(
        workspace=conflict.workspace,
        recipients=people,
        kind=f"conflict.{step}",
        title=title,
        url=path,
    )
    quiet = _no_email(conflict, people)
    mailed = [user for user in people if user.email and user.pk not in quiet]
    context = {
        "conflict": conflict,
        "step": step,
        "actor": actor,
        "url": settings.SITE_URL + path,
        "workspace": conflict.workspace,
    }
    transaction.on_commit(partial(_send, "emails/conflict_step", mailed, context))
