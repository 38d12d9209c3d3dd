"""API tenancy cases of the forums endpoints.

Forums and meetings are open to guests, who see only the forums they are invited to: Gus is
invited to every forum built here. Running a meeting needs its facilitator, an executive or an
admin, so in those cases Mia (a member) facilitates; she is of sales, a department of every
forum here, so she adds topics too, and she owns the action items she changes.
"""

import datetime as dt

from django.utils import timezone

from forums import services
from forums.models import Meeting
from teams.models import Role
from tests.api.cases import Case
from tests.api.forums_helpers import make_action, make_decision, make_forum, next_meeting
from tests.factories import member


def _create(acme) -> dict:
    return {
        "name": "Quarterly partner review",
        "departments": [acme.marketing.pk],
        "facilitator": acme.claire.pk,
        "guests": [acme.gus.pk],
        "first_date": str(acme.workspace.today() + dt.timedelta(days=14)),
        "start_time": "14:00",
        "cadence": "quarterly",
    }


def _forum(acme) -> str:
    return f"forums/{make_forum(acme.workspace, guests=[acme.gus]).pk}/"


def _foreign_forum(globex) -> str:
    return f"forums/{make_forum(globex).pk}/"


def _meeting(acme, state: str = Meeting.Status.SCHEDULED) -> Meeting:
    """The next meeting of a forum Mia facilitates (Gus its guest), brought to ``state``."""
    meeting = next_meeting(make_forum(acme.workspace, facilitator=acme.mia, guests=[acme.gus]))
    mia = member(acme.mia)
    if state in (Meeting.Status.STARTED, Meeting.Status.ENDED):
        services.meeting_start(membership=mia, meeting=meeting)
    if state == Meeting.Status.ENDED:
        services.minutes_save(
            membership=mia, meeting=meeting, minutes="We agreed.", shared_with_guests=False
        )
        services.meeting_end(membership=mia, meeting=meeting)
    return meeting


def _meeting_case(
    name: str, method: str, tail: str = "", state: str = Meeting.Status.SCHEDULED, **kwargs
) -> Case:
    return Case(
        name,
        method,
        lambda acme: f"meetings/{_meeting(acme, state).pk}/{tail}",
        Role.GUEST if method == "get" else Role.MEMBER,
        foreign=lambda globex: f"meetings/{next_meeting(make_forum(globex)).pk}/{tail}",
        **kwargs,
    )


def _in_three_days(acme) -> dict:
    return {"starts_at": (timezone.now() + dt.timedelta(days=3)).isoformat()}


def _decision(workspace) -> str:
    return f"decisions/{make_decision(workspace).pk}/"


def _action(acme) -> str:
    return f"action-items/{make_action(acme.workspace, owner=acme.mia).pk}/"


def _foreign_action(globex) -> str:
    return f"action-items/{make_action(globex).pk}/"


CASES = [
    Case("forums", "get", lambda acme: "forums/", Role.GUEST),
    Case("forums", "post", lambda acme: "forums/", Role.EXECUTIVE, _create),
    Case("forum", "get", _forum, Role.GUEST, foreign=_foreign_forum),
    Case(
        "forum",
        "patch",
        _forum,
        Role.EXECUTIVE,
        {"purpose": "Decide with our partners."},
        foreign=_foreign_forum,
    ),
    Case("meetings", "get", lambda acme: "meetings/", Role.GUEST),
    _meeting_case("meeting", "get"),
    _meeting_case("meeting", "patch", data={"status": "cancelled"}),
    _meeting_case("meeting start", "post", "start/"),
    _meeting_case("meeting end", "post", "end/", Meeting.Status.STARTED),
    _meeting_case("meeting publish", "post", "publish/", Meeting.Status.ENDED),
    _meeting_case("meeting cancel", "post", "cancel/"),
    _meeting_case("meeting move", "post", "move/", data=_in_three_days),
    _meeting_case("meeting topics", "post", "topics/", data={"title": "Pricing"}),
    Case("decisions", "get", lambda acme: "decisions/", Role.MEMBER),
    Case(
        "decisions filtered",
        "get",
        lambda acme: "decisions/?source=conflict&kind=resources&from=2026-01-01&to=2026-12-31",
        Role.MEMBER,
    ),
    Case(
        "decision",
        "get",
        lambda acme: _decision(acme.workspace),
        Role.MEMBER,
        foreign=_decision,
    ),
    Case("action items", "get", lambda acme: "action-items/", Role.MEMBER),
    Case("action item", "get", _action, Role.MEMBER, foreign=_foreign_action),
    Case("action item", "patch", _action, Role.MEMBER, {"status": "done"}, foreign=_foreign_action),
]
