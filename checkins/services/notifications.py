"""The person's own notifications and reminder preferences."""

from django.db import transaction
from django.utils import timezone

from checkins.models import ReminderPreference
from core.audit import update_audited
from core.models import Notification
from teams.models import User, Workspace

PREFERENCE_FIELDS = ("before_due", "nudge", "escalation", "asks", "by_email")


def notifications_mark_read(*, user: User, workspace: Workspace, pk: int | None = None) -> int:
    """Mark one of the person's notifications read, or all of them; returns how many."""
    unread = Notification.objects.filter(recipient=user, workspace=workspace, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def reminder_preference_save(
    *, workspace: Workspace, user: User, **choices: bool
) -> ReminderPreference:
    unknown = set(choices) - set(PREFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"reminder_preference_save() got unknown fields {sorted(unknown)}")
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(
        workspace=workspace, user=user
    )
    update_audited(
        preference,
        choices,
        workspace=workspace,
        actor=user,
        summary=f"{user} changed which reminders they get",
    )
    return preference
