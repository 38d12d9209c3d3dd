"""Tenancy cases for the conflict register's routes (see tests/test_tenancy.py).

Every page needs a member (guests get 404); who may act on a conflict (its sides, its
facilitator, executives) is checked after the role, in tests/conflicts/test_pages.py and
test_services.py.
"""

import datetime as dt

from conflicts import services
from conflicts.models import Conflict
from teams.models import Role, Workspace
from tests.routes import Route


def _conflict(workspace: Workspace) -> Conflict:
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    first, second = workspace.departments.order_by("name")[:2]
    admin.departments.add(first)
    return services.conflict_raise(
        membership=admin,
        title="Launch budget",
        kind=Conflict.Kind.RESOURCES,
        at_stake="Budget",
        raised_by_department=first,
        departments=[second],
        decide_by=workspace.today() + dt.timedelta(days=7),
    )


def _pk(workspace: Workspace) -> dict:
    return {"pk": _conflict(workspace).pk}


def _side(workspace: Workspace) -> dict:
    conflict = _conflict(workspace)
    return {"pk": conflict.pk, "department_pk": conflict.raised_by_department_id}


def _evidence(workspace: Workspace) -> dict:
    return {"pk": _conflict(workspace).pk, "evidence_pk": 1}


def _route(name: str, build, role: Role = Role.MEMBER, method: str = "get") -> Route:
    return Route(
        name,
        role,
        method,
        kwargs=lambda acme: build(acme.workspace),
        foreign=lambda globex: build(globex),
    )


ROUTES: list[Route] = [
    Route("conflict_list", Role.MEMBER),
    Route("conflict_create", Role.MEMBER),
    Route("conflict_create", Role.MEMBER, "post"),
    _route("conflict_detail", _pk),
    _route("facilitator_name", _pk, Role.EXECUTIVE, "post"),
    _route("conflict_move", _pk, method="post"),
    _route("conflict_decide", _pk),
    _route("conflict_decide", _pk, method="post"),
    _route("position_edit", _side),
    _route("position_edit", _side, method="post"),
    _route("evidence_add", _side, method="post"),
    _route("evidence_remove", _evidence, method="post"),
    _route("decision_acknowledge", _side, method="post"),
]
