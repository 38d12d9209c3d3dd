"""The live board's cheap side: presence, the write throttle and the poll token."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.workshops.helpers import make_proposal
from workshops import live
from workshops.models import WorkshopParticipant


def test_presence_is_written_at_most_once_per_touch_interval(workshop, acme):
    roster = live.touch(workshop.pk, acme.leo.pk, live.load_roster(workshop.pk))
    assert acme.leo.pk in {a.user_id for a in roster.attendees if a.present}
    seen = WorkshopParticipant.objects.get(workshop=workshop, user=acme.leo).last_seen
    with CaptureQueriesContext(connection) as queries:
        live.touch(workshop.pk, acme.leo.pk, roster)
    assert len(queries) == 0
    stale = live.Roster.of(
        tuple(
            live.Attendee(a.user_id, a.name, a.initials, None, a.present) for a in roster.attendees
        )
    )
    live.touch(workshop.pk, acme.leo.pk, stale)  # a process whose roster is out of date
    assert WorkshopParticipant.objects.get(workshop=workshop, user=acme.leo).last_seen == seen


def test_someone_not_seen_for_a_while_is_shown_away(workshop, acme):
    long_ago = timezone.now() - dt.timedelta(seconds=live.PRESENT_SECONDS + 1)
    WorkshopParticipant.objects.filter(workshop=workshop).update(last_seen=long_ago)
    WorkshopParticipant.objects.filter(workshop=workshop, user=acme.claire).update(
        last_seen=timezone.now()
    )
    roster = live.load_roster(workshop.pk)
    assert roster.fingerprint == str(acme.claire.pk)
    assert roster.here_count == 1
    roster = live.touch(workshop.pk, acme.leo.pk, roster)
    assert roster.fingerprint == ".".join(map(str, sorted([acme.claire.pk, acme.leo.pk])))


def test_a_poll_token_names_its_workshop_person_and_session_only(workshop, acme):
    token = live.poll_token(workshop.pk, acme.leo.pk, "session-a")
    assert live.token_user(token, workshop.pk, "session-a") == acme.leo.pk
    assert live.token_user(token, workshop.pk, "session-b") is None
    assert live.token_user(token, workshop.pk + 1, "session-a") is None
    assert live.token_user(token + "x", workshop.pk, "session-a") is None
    assert live.token_user(token, workshop.pk, None) is None


def test_a_change_is_seen_by_the_next_poll(workshop, acme):
    version, _ = live.snapshot(workshop.pk)
    make_proposal(workshop, acme.leo)
    assert live.snapshot(workshop.pk)[0] == version + 1
