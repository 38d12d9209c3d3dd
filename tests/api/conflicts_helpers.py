"""Conflicts and glossary terms for the conflicts and glossary API tests, built with the
services as the people of the workspace would.

In acme, mia (a member) is of sales; leo leads product; claire is an executive (marketing, and
product's executive); ada is the admin in no department, so she is neutral in any conflict.
"""

import datetime as dt
import itertools

from conflicts import services
from conflicts.models import Conflict
from glossary import services as glossary_services
from glossary.models import Term
from teams.models import Department, Role, User, Workspace
from tests.factories import member

BASE = "/api/v1/workspaces/acme/"
_NUMBERS = itertools.count(1)


def raise_conflict(
    acme,
    *,
    by: User | None = None,
    raised_by_department: Department | None = None,
    departments: list[Department] | None = None,
    **fields,
) -> Conflict:
    """A conflict mia raises for sales with product, unless told otherwise."""
    values = {
        "title": "Launch budget",
        "kind": Conflict.Kind.RESOURCES,
        "at_stake": "Who gets the Q3 launch budget.",
        "decide_by": acme.workspace.today() + dt.timedelta(days=14),
        **fields,
    }
    return services.conflict_raise(
        membership=member(by or acme.mia),
        raised_by_department=raised_by_department or acme.sales,
        departments=departments if departments is not None else [acme.product],
        **values,
    )


def facilitated_by_mia(acme) -> Conflict:
    """Product (leo) against marketing: mia, of sales, is neutral and facilitates it."""
    conflict = raise_conflict(
        acme, by=acme.leo, raised_by_department=acme.product, departments=[acme.marketing]
    )
    return services.facilitator_name(
        membership=member(acme.ada), conflict=conflict, facilitator=acme.mia
    )


def foreign_conflict(globex: Workspace) -> Conflict:
    """A conflict of another workspace, raised by its admin for one of its departments."""
    first, second = globex.departments.order_by("pk")[:2]
    admin = globex.memberships.get(role=Role.ADMIN)
    admin.departments.add(first)
    return services.conflict_raise(
        membership=member(admin.user, globex),
        title="Their budget",
        kind=Conflict.Kind.OTHER,
        at_stake="Theirs.",
        raised_by_department=first,
        departments=[second],
        decide_by=globex.today() + dt.timedelta(days=14),
    )


def add_term(workspace: Workspace, term: str = "", department: Department | None = None) -> Term:
    """A term (``Term 1``, ``Term 2``… unless named) added by the workspace's admin, owned by
    ``department`` (the workspace's first by default)."""
    admin = workspace.memberships.select_related("workspace", "user").get(role=Role.ADMIN)
    return glossary_services.term_create(
        membership=admin,
        term=term or f"Term {next(_NUMBERS)}",
        meaning="What the term means, in words another department understands.",
        department=department or workspace.departments.order_by("pk").first(),
    )
