"""Tenancy cases for the forums app's workspace routes (see tests/test_tenancy.py).

Forum pages are open to guests (``Role.GUEST``), who see only the forums they are invited to
(tests/forums/test_pages.py); running a meeting needs its facilitator, an executive or an
admin, checked after the role, in tests/forums/test_services.py.
"""

import datetime as dt

from forums import outcomes, partners, services
from forums.models import Forum, Meeting
from teams.models import Role, Workspace
from tests.routes import Route


def _forum(workspace: Workspace) -> Forum:
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    return services.forum_create(
        membership=admin,
        name="Monthly forum",
        departments=list(workspace.departments.all()[:2]),
        facilitator=admin.user,
        first_date=workspace.today() + dt.timedelta(days=7),
        start_time=dt.time(10),
    )


def _meeting(workspace: Workspace) -> Meeting:
    return _forum(workspace).meetings.order_by("starts_at").first()


def _item(workspace: Workspace) -> dict:
    meeting = _meeting(workspace)
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    item = services.topic_add(membership=admin, meeting=meeting, title="Budget")
    return {"pk": meeting.pk, "item_pk": item.pk}


def _decision(workspace: Workspace) -> dict:
    meeting = _meeting(workspace)
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    item = services.topic_add(membership=admin, meeting=meeting, title="Budget")
    services.meeting_start(membership=admin, meeting=meeting)
    decision = outcomes.decision_record(
        membership=admin,
        item=item,
        title="Keep the budget",
        rationale="It works.",
        decided_by=admin.user,
        departments=[workspace.departments.first()],
    )
    return {"pk": decision.pk}


def _action(workspace: Workspace) -> dict:
    meeting = _meeting(workspace)
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    item = services.topic_add(membership=admin, meeting=meeting, title="Budget")
    services.meeting_start(membership=admin, meeting=meeting)
    action = outcomes.action_create(
        membership=admin, item=item, title="Draft it", owner=admin.user, due_on=workspace.today()
    )
    return {"pk": action.pk}


def _partner(workspace: Workspace) -> dict:
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    return {"pk": partners.partner_create(membership=admin, name="Northwind").pk}


def _partner_route(name: str, role: Role, method: str = "get") -> Route:
    return Route(
        name,
        role,
        method,
        kwargs=lambda acme: _partner(acme.workspace),
        foreign=lambda globex: _partner(globex),
    )


def _forum_route(name: str, role: Role = Role.GUEST, method: str = "get") -> Route:
    return Route(
        name,
        role,
        method,
        kwargs=lambda acme: {"pk": _forum(acme.workspace).pk},
        foreign=lambda globex: {"pk": _forum(globex).pk},
    )


def _meeting_route(name: str, role: Role = Role.MEMBER, method: str = "post") -> Route:
    return Route(
        name,
        role,
        method,
        kwargs=lambda acme: {"pk": _meeting(acme.workspace).pk},
        foreign=lambda globex: {"pk": _meeting(globex).pk},
    )


def _item_route(name: str, method: str = "post") -> Route:
    return Route(
        name,
        Role.MEMBER,
        method,
        kwargs=lambda acme: _item(acme.workspace),
        foreign=lambda globex: _item(globex),
    )


def _decision_route(name: str, method: str = "get") -> Route:
    """A decision's page; amending and superseding also need its decider, an executive or an
    admin (tests/forums/test_decisions.py)."""
    return Route(
        name,
        Role.MEMBER,
        method,
        kwargs=lambda acme: _decision(acme.workspace),
        foreign=lambda globex: _decision(globex),
    )


ROUTES: list[Route] = [
    Route("forum_list", Role.GUEST),
    Route("forum_panel", Role.GUEST),
    Route("forum_create", Role.EXECUTIVE),
    Route("forum_create", Role.EXECUTIVE, "post"),
    _forum_route("forum_detail"),
    _forum_route("forum_edit", Role.EXECUTIVE),
    _forum_route("forum_edit", Role.EXECUTIVE, "post"),
    _meeting_route("meeting_detail", Role.GUEST, "get"),
    _meeting_route("meeting_record", Role.GUEST, "get"),
    _meeting_route("meeting_ics", Role.GUEST, "get"),
    _meeting_route("meeting_start"),
    _meeting_route("meeting_end"),
    _meeting_route("minutes_publish"),
    _meeting_route("meeting_cancel"),
    _meeting_route("meeting_move"),
    _meeting_route("topic_add"),
    _meeting_route("agenda_arrange"),
    _meeting_route("attendance_set"),
    _meeting_route("minutes_save"),
    _item_route("item_detail", "get"),
    _item_route("item_record"),
    _item_route("decision_create"),
    _item_route("action_create"),
    _item_route("ask_create"),
    Route("decision_log", Role.MEMBER),
    Route("decision_export", Role.MEMBER),
    _decision_route("decision_detail"),
    _decision_route("decision_amend"),
    _decision_route("decision_amend", "post"),
    _decision_route("decision_supersede"),
    _decision_route("decision_supersede", "post"),
    _decision_route("decision_supersede_by", "post"),
    Route("my_work", Role.MEMBER),
    Route("action_panel", Role.MEMBER),
    Route(
        "action_status",
        Role.MEMBER,
        "post",
        kwargs=lambda acme: _action(acme.workspace),
        foreign=lambda globex: _action(globex),
    ),
    Route("partner_list", Role.MEMBER),
    Route("partner_create", Role.EXECUTIVE),
    Route("partner_create", Role.EXECUTIVE, "post"),
    _partner_route("partner_detail", Role.MEMBER),
    _partner_route("partner_detail", Role.MEMBER, "post"),
    _partner_route("partner_edit", Role.LEAD),
    _partner_route("partner_edit", Role.LEAD, "post"),
    Route("calendar_settings", Role.GUEST),
    Route("calendar_revoke", Role.GUEST, "post"),
]
