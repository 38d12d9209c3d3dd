"""Settings of the Celery workers that the fault tests and the fan-out benchmark start: the
project's own, with the run's queue as the default (so tasks a worker enqueues stay in the
run) and a mail backend that records each message (see :mod:`tests.checkins.mailbox`)."""

import os

from alignment.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["ALIGNMENT_TEST_QUEUE"]
EMAIL_BACKEND = "tests.checkins.mailbox.RecordingBackend"
