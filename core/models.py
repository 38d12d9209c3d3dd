from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who changed what, when: written by every service in the same transaction as the change."""

    workspace = models.ForeignKey(
        "teams.Workspace", on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # An object's activity history, newest first.
            models.Index(
                fields=["target_type", "target_id", "-created_at"], name="audit_target_recent"
            ),
            # A workspace's activity feed.
            models.Index(fields=["workspace", "-created_at"], name="audit_workspace_recent"),
        ]

    def __str__(self) -> str:
        return self.summary


class Notification(models.Model):
    """An in-app notification for one person (the bell in the navigation)."""

    workspace = models.ForeignKey(
        "teams.Workspace", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A person's unread notifications in a workspace, newest first.
            models.Index(
                fields=["recipient", "workspace", "read_at", "-created_at"],
                name="notification_inbox",
            ),
        ]

    def __str__(self) -> str:
        return self.title
