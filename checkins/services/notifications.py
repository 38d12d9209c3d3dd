"""The person's own notifications and reminder preferences."""

from django.db import transaction
from django.utils import timezone

from checkins.models import ReminderPreference
from core.audit import audit_record, diff
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
    before = {field: getattr(preference, field) for field in choices}
    for field, value in choices.items():
        setattr(preference, field, value)
    preference.full_clean()
    preference.save()
    changes = diff(before, choices)
    if changes:
        audit_record(
            workspace=workspace,
            actor=user,
            verb="updated",
            target=preference,
            summary=f"{user} changed which reminders they get",
            changes=changes,
        )
    return preference
