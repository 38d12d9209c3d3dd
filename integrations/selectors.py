from django.db.models import OuterRef, QuerySet, Subquery

from integrations.models import Webhook, WebhookDelivery
from teams.models import Workspace


def webhook_list(*, workspace: Workspace) -> QuerySet[Webhook]:
    """The workspace's webhooks, each with its latest delivery's status and time."""
    latest = WebhookDelivery.objects.filter(webhook=OuterRef("pk")).order_by("-created_at", "-id")
    return Webhook.objects.filter(workspace=workspace).annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_delivery_at=Subquery(latest.values("created_at")[:1]),
    )


def delivery_log(*, webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-id")
