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


class ApiToken(models.Model):
    """A named API token of one person (``Authorization: Token <key>``).

    Only the SHA-256 of the key is stored, with its first characters to recognise it by; the key
    itself is shown once, when it is made (alignment.api.services.api_token_create).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept to the minute: a request touches it only when the stored time is older.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The token page: a person's active tokens, newest first.
            models.Index(fields=["user", "revoked_at", "-created_at"], name="apitoken_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
