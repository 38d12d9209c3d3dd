"""In-app notifications: services call :func:`notify` inside their transaction."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from core.models import Notification


def notify(
    *,
    workspace: models.Model,
    recipients: Iterable[AbstractBaseUser | None],
    kind: str,
    title: str,
    url: str = "",
) -> int:
    """One notification per distinct recipient; returns how many were written."""
    unique = {user.pk: user for user in recipients if user is not None}
    Notification.objects.bulk_create(
        Notification(workspace=workspace, recipient_id=pk, kind=kind, title=title[:300], url=url)
        for pk in unique
    )
    return len(unique)
