"""Tenancy cases for the alignment-health routes (see tests/test_tenancy.py).

Every page needs a member (guests get 404). Who answers a department's pulse (its lead, else
its executive) is checked after the role, in tests/health/test_pulse.py.
"""

from teams.models import Role, Workspace
from tests.routes import Route


def _pair(workspace: Workspace) -> dict:
    first, second = workspace.departments.order_by("name")[:2]
    return {"a": first.pk, "b": second.pk}


def _department(workspace: Workspace) -> dict:
    return {"department": workspace.departments.order_by("name").first().pk}


ROUTES: list[Route] = [
    Route("health", Role.MEMBER),
    Route("health_panel", Role.MEMBER),
    Route(
        "health_pair",
        Role.MEMBER,
        kwargs=lambda acme: _pair(acme.workspace),
        foreign=lambda globex: _pair(globex),
    ),
    Route(
        "health_pulse",
        Role.MEMBER,
        kwargs=lambda acme: _department(acme.workspace),
        foreign=lambda globex: _department(globex),
    ),
    Route(
        "health_pulse",
        Role.MEMBER,
        "post",
        kwargs=lambda acme: _department(acme.workspace),
        foreign=lambda globex: _department(globex),
    ),
]
