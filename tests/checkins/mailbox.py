"""A mail backend for worker processes that appends one line per message to a file.

Each line is the reminder header a message carries (an outbox's ``header``:
``X-Alignment-Reminder`` for check-in reminders, ``X-Alignment-Forum-Reminder`` for forum
ones), its value (the reminder id) and the recipients, written with one ``O_APPEND`` write, so
concurrent worker processes never interleave. A delay per message
(``ALIGNMENT_TEST_MAIL_DELAY``, seconds) stands in for an SMTP round trip.
"""

import os
import time
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

CHECKIN_HEADER = "X-Alignment-Reminder"


def _reminder_header(headers: dict[str, str]) -> tuple[str, str]:
    """The (name, value) of the reminder header among ``headers``, or ("-", "-")."""
    for name, value in headers.items():
        if name.startswith("X-Alignment-") and name.endswith("Reminder"):
            return name, value
    return "-", "-"


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        delay = float(os.environ.get("ALIGNMENT_TEST_MAIL_DELAY", "0"))
        path = os.environ["ALIGNMENT_TEST_MAIL_FILE"]
        for message in email_messages:
            if delay:  # even sleep(0) gives the CPU away, and the fan-out benchmark's is 0
                time.sleep(delay)
            header, reminder = _reminder_header(message.extra_headers)
            line = f"{header}\t{reminder}\t{','.join(message.to)}\n".encode()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return len(email_messages)


def sent(path: Path, header: str = CHECKIN_HEADER) -> Counter[int]:
    """How many messages each reminder id got, read from ``header`` (by default the check-in
    reminders'; ``forums.reminders.OUTBOX.header`` for forum reminders)."""
    if not path.exists():
        return Counter()
    lines = (line.split("\t", 2) for line in path.read_text().splitlines())
    return Counter(int(value) for name, value, _ in lines if name == header)
