"""A mail backend for worker processes that appends one line per message to a file.

Each line is the reminder id (the ``X-Alignment-Reminder`` header) and the recipients, written
with one ``O_APPEND`` write, so concurrent worker processes never interleave. A delay per
message (``ALIGNMENT_TEST_MAIL_DELAY``, seconds) stands in for an SMTP round trip.
"""

import os
import time
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        delay = float(os.environ.get("ALIGNMENT_TEST_MAIL_DELAY", "0"))
        path = os.environ["ALIGNMENT_TEST_MAIL_FILE"]
        for message in email_messages:
            if delay:  # even sleep(0) gives the CPU away, and the fan-out benchmark's is 0
                time.sleep(delay)
            reminder = message.extra_headers.get("X-Alignment-Reminder", "-")
            line = f"{reminder}\t{','.join(message.to)}\n".encode()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return len(email_messages)


def sent(path: Path) -> Counter[int]:
    """How many messages each reminder id got."""
    if not path.exists():
        return Counter()
    return Counter(int(line.split("\t", 1)[0]) for line in path.read_text().splitlines())
