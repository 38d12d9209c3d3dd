from celery import shared_task

from integrations.services import delivery_attempt

MAX_RETRIES = 6
# Waits between attempts: 30 s, 1, 2, 4, 8 and 16 minutes.
BACKOFF_SECONDS = 30


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one delivery; on a network error or a 5xx, try again later with a longer wait."""
    final = self.request.retries >= MAX_RETRIES
    outcome = delivery_attempt(delivery_id=delivery_id, final=final)
    if outcome is not None and not outcome.ok and outcome.retryable and not final:
        raise self.retry(countdown=BACKOFF_SECONDS * 2**self.request.retries)
