"""Tenancy cases for the glossary's workspace routes (see tests/test_tenancy.py).

Members read the glossary; adding, changing and deleting a term needs a lead, and then the
lead of the term's department (or an executive, or an admin), checked in
tests/glossary/test_pages.py.
"""

from glossary import services
from teams.models import Role, Workspace
from tests.routes import Route


def _term(workspace: Workspace) -> dict:
    admin = workspace.memberships.filter(role=Role.ADMIN).select_related("user").first()
    term = services.term_create(
        membership=admin,
        term="MQL",
        meaning="Marketing qualified lead.",
        department=workspace.departments.order_by("pk").first(),
    )
    return {"pk": term.pk}


def _term_route(name: str, method: str = "get") -> Route:
    return Route(
        name,
        Role.LEAD,
        method,
        kwargs=lambda acme: _term(acme.workspace),
        foreign=lambda globex: _term(globex),
    )


ROUTES = [
    Route("glossary", Role.MEMBER),
    Route("term_create", Role.LEAD),
    Route("term_create", Role.LEAD, "post"),
    _term_route("term_edit"),
    _term_route("term_edit", "post"),
    _term_route("term_delete"),
    _term_route("term_delete", "post"),
]
