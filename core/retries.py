"""How tasks that reach outside the process (a mail server, a webhook receiver) try again: the
one retry policy, declared here once.

Delivery itself is configured in the settings, not on each task: ``CELERY_TASK_ACKS_LATE`` and
``CELERY_TASK_REJECT_ON_WORKER_LOST`` make every task at-least-once, so each one is written to
be safe to run twice.
"""

import smtplib

# An attempt that failed with one of these is tried again.
RETRYABLE = (smtplib.SMTPException, OSError)
# Tries after the first; the first wait, doubled on each retry (30 s, 1, 2, 4, 8, 16 minutes).
MAX_RETRIES = 6
BACKOFF_SECONDS = 30
BACKOFF_MAX = 16 * 60

# ``@shared_task(**RETRY)``: Celery retries on RETRYABLE, waiting a random time up to the
# backoff (jitter keeps many failed tasks from coming back at the same moment).
RETRY = {
    "autoretry_for": RETRYABLE,
    "retry_backoff": BACKOFF_SECONDS,
    "retry_backoff_max": BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": MAX_RETRIES,
}


def backoff(retries: int) -> int:
    """Seconds to wait before the next try of a task that retries itself (``self.retry``)
    after ``retries`` retries: the same doubling as :data:`RETRY`, without jitter."""
    return min(BACKOFF_SECONDS * 2**retries, BACKOFF_MAX)
