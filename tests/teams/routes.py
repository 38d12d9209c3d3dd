"""Tenancy cases for the teams app's workspace routes (see tests/test_tenancy.py)."""

from teams.models import Membership, Role
from tests.factories import InvitationFactory
from tests.routes import Route


def _member_mia(acme) -> dict:
    return {"pk": Membership.objects.get(user=acme.mia).pk}


def _first_membership(globex) -> dict:
    return {"pk": globex.memberships.first().pk}


ROUTES = [
    Route("workspace_settings", Role.ADMIN),
    Route("workspace_settings", Role.ADMIN, "post"),
    Route("workspace_export", Role.ADMIN),
    Route("department_list", Role.MEMBER),
    Route("department_list", Role.ADMIN, "post"),
    Route(
        "department_edit",
        Role.ADMIN,
        kwargs=lambda acme: {"pk": acme.product.pk},
        foreign=lambda globex: {"pk": globex.departments.first().pk},
    ),
    Route("people", Role.MEMBER),
    Route("invite", Role.ADMIN, "post"),
    Route("membership_edit", Role.ADMIN, kwargs=_member_mia, foreign=_first_membership),
    Route("membership_remove", Role.ADMIN, "post", kwargs=_member_mia, foreign=_first_membership),
    Route(
        "invitation_revoke",
        Role.ADMIN,
        "post",
        kwargs=lambda acme: {"pk": InvitationFactory(workspace=acme.workspace).pk},
        foreign=lambda globex: {"pk": InvitationFactory(workspace=globex).pk},
    ),
]
