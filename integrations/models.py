"""Outgoing webhooks: the endpoints a workspace's admins register, and every delivery to them."""

import ipaddress
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse

from teams.models import Workspace


class Event(models.TextChoices):
    GOAL_STATUS_CHANGED = "goal.status_changed", "A goal's status changed"
    CHECKIN_CREATED = "checkin.created", "A check-in was logged"
    DECISION_RECORDED = "decision.recorded", "A decision was recorded"


def is_private_address(address: str) -> bool:
    """Loopback, private, link-local and other addresses that are not on the public internet."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def validate_webhook_url(value: str) -> None:
    """https only, and not an obviously internal host (sending checks the resolved address too)."""
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    parts = urlsplit(value)
    if parts.scheme != "https":
        raise ValidationError("Use an https:// address: deliveries carry your workspace's data.")
    host = (parts.hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise ValidationError("Use a public address; internal hosts cannot receive webhooks.")
    try:
        private = is_private_address(host)
    except ValueError:  # a name, not an address: checked when it is resolved at send time
        return
    if private:
        raise ValidationError("Use a public address; private and loopback ones are refused.")


class Webhook(models.Model):
    """An HTTPS endpoint that receives signed POSTs for the events it subscribes to."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("URL", max_length=500, validators=[validate_webhook_url])
    # Signs every body (HMAC-SHA256); the receiver holds the same secret.
    secret = models.CharField(max_length=64)
    events = models.JSONField(
        default=list, blank=True, help_text="The Event values it subscribes to."
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "url"],
                name="webhook_url_unique_in_workspace",
                violation_error_message="This address already has a webhook.",
            )
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhook_edit", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    def clean(self) -> None:
        if not isinstance(self.events, list) or not self.events:
            raise ValidationError({"events": "Choose at least one event."})
        unknown = set(self.events) - set(Event.values)
        if unknown:
            raise ValidationError({"events": f"Unknown events: {', '.join(sorted(unknown))}."})

    @property
    def event_labels(self) -> list[str]:
        return [Event(event).label for event in self.events if event in Event.values]


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook, with the outcome of its latest attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The start of the latest response.")
    error = models.CharField(max_length=300, blank=True, help_text="Why the latest attempt failed.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            # A webhook's delivery log, newest first.
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_recent"),
            # The daily prune: deliveries older than the retention, across all webhooks.
            models.Index(fields=["created_at"], name="delivery_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "retrying", "succeeded", "failed"]),
                name="delivery_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook} ({self.get_status_display()})"

    @property
    def payload_pretty(self) -> str:
        return json.dumps(self.payload, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
