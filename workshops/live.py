"""The cheap side of the live board: what each one-second poll reads, without the database.

Fifty participants poll once a second. When nothing changed, the answer (204) is decided from
three things only, none of them a query:

- a poll token in the poll URL, signed by the server when it last rendered this person's board:
  it names the workshop and the person, is bound to their session cookie and lasts
  ``TOKEN_SECONDS``. It is good for nothing but that empty answer: any answer that shows data
  goes through the session, the user and the participation check (views.workshop_state);
- the workshop's version (``Workshop.version``), which every change forgets from the cache so
  the next poll reads the new one; kept ``VERSION_SECONDS`` at most, which bounds any race with
  a commit;
- the roster: participants and who is here (seen within ``PRESENT_SECONDS``), rebuilt every
  ``ROSTER_SECONDS`` or when someone arrives.

Each server process also keeps the last version and roster it read for ``LOCAL_SECONDS``
(``LOCAL``), so that most polls need no cache round trip either; a change made in this process
forgets them at once, and the poll an action triggers asks for ``fresh`` values.
A participant's ``last_seen`` is written at most once per ``TOUCH_SECONDS`` (see :func:`touch`).
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from workshops.models import Workshop, WorkshopParticipant

VERSION_SECONDS = 3
ROSTER_SECONDS = 3
LOCAL_SECONDS = 0.25
TOKEN_SECONDS = 300
TOUCH_SECONDS = 10
# Seen within this is "here": a write every TOUCH_SECONDS, a roster up to ROSTER_SECONDS old
# and a slow poll or two fit inside it, so that nobody flickers away while their tab is open.
PRESENT_SECONDS = 20
AVATAR_COLORS = 8


@dataclass(frozen=True)
class Attendee:
    user_id: int
    name: str
    initials: str
    last_seen: datetime | None
    present: bool

    @property
    def color(self) -> int:
        """One of the avatar palette's colours (app.css .avatar-0 to .avatar-7)."""
        return self.user_id % AVATAR_COLORS


@dataclass(frozen=True)
class Roster:
    """The participants and who is here, as of ``load_roster``; what the poll compares is
    computed once, there."""

    attendees: tuple[Attendee, ...]
    fingerprint: str  # who is here, as the short text the board puts in its poll URL
    last_seen: dict[int, datetime | None]

    @classmethod
    def of(cls, attendees: tuple[Attendee, ...]) -> "Roster":
        here = sorted(a.user_id for a in attendees if a.present)
        return cls(
            attendees=attendees,
            fingerprint=".".join(map(str, here)) or "none",
            last_seen={a.user_id: a.last_seen for a in attendees},
        )

    @property
    def here_count(self) -> int:
        return sum(a.present for a in self.attendees)


# This process's memo: workshop id -> (good until, version, roster).
LOCAL: dict[int, tuple[float, int | None, Roster]] = {}
LOCAL_LIMIT = 1000


def _version_key(workshop_id: int) -> str:
    return f"workshop:{workshop_id}:version"


def _roster_key(workshop_id: int) -> str:
    return f"workshop:{workshop_id}:roster"


def _initials(first: str, last: str, username: str) -> str:
    letters = (first[:1] + last[:1]) or username[:2]
    return letters.upper()


def load_roster(workshop_id: int) -> Roster:
    """Read the participants and their presence (one query) and keep them briefly."""
    now = timezone.now()
    since = now - timedelta(seconds=PRESENT_SECONDS)
    rows = (
        WorkshopParticipant.objects.filter(workshop_id=workshop_id)
        .order_by("user__first_name", "user__username")
        .values_list(
            "user_id", "user__first_name", "user__last_name", "user__username", "last_seen"
        )
    )
    roster = Roster.of(
        tuple(
            Attendee(
                user_id=user_id,
                name=f"{first} {last}".strip() or username,
                initials=_initials(first, last, username),
                last_seen=seen,
                present=seen is not None and seen >= since,
            )
            for user_id, first, last, username, seen in rows
        )
    )
    cache.set(_roster_key(workshop_id), roster, ROSTER_SECONDS)
    memo = LOCAL.get(workshop_id)
    if memo is not None:
        LOCAL[workshop_id] = (memo[0], memo[1], roster)
    return roster


def load_version(workshop_id: int) -> int | None:
    """The version from the database (None when the workshop is gone)."""
    version = Workshop.objects.filter(pk=workshop_id).values_list("version", flat=True).first()
    if version is not None:
        # add(), not set(): a change that committed meanwhile may have forgotten it already.
        cache.add(_version_key(workshop_id), version, VERSION_SECONDS)
    return version


def forget_version(workshop_id: int) -> None:
    LOCAL.pop(workshop_id, None)
    cache.delete(_version_key(workshop_id))


def snapshot(workshop_id: int, *, fresh: bool = False) -> tuple[int | None, Roster]:
    """The workshop's version and roster: from this process's memo unless ``fresh``, else one
    cache round trip, else the database."""
    now = time.monotonic()
    memo = LOCAL.get(workshop_id)
    if memo is not None and memo[0] > now and not fresh:
        return memo[1], memo[2]
    keys = [_version_key(workshop_id), _roster_key(workshop_id)]
    values = cache.get_many(keys)
    version = values.get(keys[0])
    if version is None:
        version = load_version(workshop_id)
    roster = values.get(keys[1]) or load_roster(workshop_id)
    if len(LOCAL) >= LOCAL_LIMIT:
        LOCAL.clear()
    LOCAL[workshop_id] = (now + LOCAL_SECONDS, version, roster)
    return version, roster


def _session_digest(session_key: str) -> str:
    return salted_hmac("workshops.live.session", session_key).hexdigest()[:20]


def poll_token(workshop_id: int, user_id: int, session_key: str | None) -> str:
    """The token a board puts in its poll URL (see the module's docstring)."""
    payload = {"w": workshop_id, "u": user_id, "s": _session_digest(session_key or "")}
    return signing.TimestampSigner(salt="workshops.live.poll").sign_object(payload)


def token_user(token: str, workshop_id: int, session_key: str | None) -> int | None:
    """The person a fresh poll token of this workshop and session names, else None."""
    if not token or not session_key:
        return None
    try:
        payload = signing.TimestampSigner(salt="workshops.live.poll").unsign_object(
            token, max_age=TOKEN_SECONDS
        )
    except signing.BadSignature:
        return None
    if payload.get("w") != workshop_id or not constant_time_compare(
        payload.get("s", ""), _session_digest(session_key)
    ):
        return None
    return payload.get("u")


def touch(workshop_id: int, user_id: int, roster: Roster) -> Roster:
    """Record that the person is here; the roster to show, which includes them.

    The roster says when they were last seen: only when that is ``TOUCH_SECONDS`` ago is the
    row written, and the conditional UPDATE lets the database refuse a second write within
    that time, whichever process tries. A write rebuilds the roster, so that the others see a
    newcomer at once and nobody tries the same write again.
    """
    now = timezone.now()
    due = now - timedelta(seconds=TOUCH_SECONDS)
    seen = roster.last_seen.get(user_id)
    if seen is not None and seen > due:
        return roster
    written = (
        WorkshopParticipant.objects.filter(workshop_id=workshop_id, user_id=user_id)
        .filter(Q(last_seen__isnull=True) | Q(last_seen__lte=due))
        .update(last_seen=now)
    )
    return load_roster(workshop_id) if written else roster
