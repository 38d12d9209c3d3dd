from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.retries import MAX_RETRIES, backoff
from integrations.models import WebhookDelivery
from integrations.services import delivery_attempt

# Deliveries deleted per statement: short transactions, whatever the backlog.
PRUNE_BATCH = 1_000


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one delivery; on a network error or a 5xx, try again later with a longer wait
    (the retry policy of :mod:`core.retries`)."""
    final = self.request.retries >= MAX_RETRIES
    outcome = delivery_attempt(delivery_id=delivery_id, final=final)
    if outcome is not None and not outcome.ok and outcome.retryable and not final:
        raise self.retry(countdown=backoff(self.request.retries))


@shared_task
def prune_webhook_deliveries() -> int:
    """Beat, daily: delete the deliveries older than ``WEBHOOK_DELIVERY_RETENTION_DAYS``, a
    batch at a time; returns how many went. Running it again deletes nothing more."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    # Oldest first, along the created_at index: each batch starts where the last one ended
    # instead of scanning past the rows it deleted.
    old = WebhookDelivery.objects.filter(created_at__lt=cutoff).order_by("created_at")
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        WebhookDelivery.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted
