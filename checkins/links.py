"""Signed links from a reminder email straight into the check-in form.

The link names the goal, the cycle and the person it was sent to, and expires; following it
still needs sign-in, and the form still checks the goal and the person's role.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

SALT = "checkins.reminder-link"
MAX_AGE = timedelta(days=14)


@dataclass(frozen=True)
class LinkTarget:
    goal_id: int
    cycle_id: int
    user_id: int


def checkin_link_token(*, goal_id: int, cycle_id: int, user_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"g": goal_id, "c": cycle_id, "u": user_id}
    )


def checkin_link_read(token: str) -> LinkTarget:
    """The link's target; raises ``signing.SignatureExpired`` or ``signing.BadSignature``."""
    data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE)
    try:
        return LinkTarget(goal_id=int(data["g"]), cycle_id=int(data["c"]), user_id=int(data["u"]))
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("The link does not name a check-in.") from None
