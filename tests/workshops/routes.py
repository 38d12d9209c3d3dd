"""Tenancy cases for the workshops app's workspace routes (see tests/test_tenancy.py).

Every workshop route needs at least a member; being invited (the participation check) and
being the facilitator are checked after the role, in tests/workshops/test_permissions.py.
"""

from teams.models import Role
from tests.routes import Route
from tests.workshops.helpers import advance_to, foreign_workshop, make_proposal, make_workshop
from workshops import services


def _workshop(acme) -> dict:
    return {"pk": make_workshop(acme).pk}


def _foreign_workshop(globex) -> dict:
    return {"pk": foreign_workshop(globex).pk}


def _proposal(acme) -> dict:
    workshop = make_workshop(acme)
    return {"pk": workshop.pk, "proposal_pk": make_proposal(workshop, acme.leo).pk}


def _foreign_proposal(globex) -> dict:
    workshop = foreign_workshop(globex)
    return {"pk": workshop.pk, "proposal_pk": make_proposal(workshop, workshop.facilitator).pk}


def _step(workshop, author) -> dict:
    proposal = make_proposal(workshop, author)
    advance_to(workshop, "break_down")
    step = services.step_create(
        proposal=proposal,
        actor=author,
        department=workshop.departments.first(),
        title="Ship the referral page",
    )
    return {"pk": workshop.pk, "step_pk": step.pk}


def _foreign_step(globex) -> dict:
    workshop = foreign_workshop(globex)
    return _step(workshop, workshop.facilitator)


def _route(name: str, method: str = "get", role: Role = Role.MEMBER, **extra) -> Route:
    return Route(name, role, method, kwargs=_workshop, foreign=_foreign_workshop, **extra)


def _proposal_route(name: str, method: str = "post") -> Route:
    return Route(name, Role.MEMBER, method, kwargs=_proposal, foreign=_foreign_proposal)


ROUTES: list[Route] = [
    Route("workshop_list", Role.MEMBER),
    Route("workshop_create", Role.EXECUTIVE),
    Route("workshop_create", Role.EXECUTIVE, "post"),
    _route("workshop_board"),
    _route("workshop_state"),
    _route("workshop_summary"),
    _route("workshop_advance", "post"),
    _route("workshop_lock", "post", data={"locked": "true"}),
    _route("workshop_votes", "post", data={"votes_per_person": "5"}),
    _route("workshop_commit", "post"),
    _route("proposal_create", "post", data={"title": "Increase trial sign-ups by 20%"}),
    _route("proposal_smart", "post", data={"title": "Increase trial sign-ups by 20%"}),
    _proposal_route("proposal_detail", "get"),
    _proposal_route("proposal_edit"),
    _proposal_route("comment_create"),
    _proposal_route("vote_cast"),
    _proposal_route("vote_withdraw"),
    _proposal_route("proposal_remove"),
    _proposal_route("proposal_merge"),
    _proposal_route("step_create"),
    Route(
        "step_delete",
        Role.MEMBER,
        "post",
        kwargs=lambda acme: _step(make_workshop(acme), acme.leo),
        foreign=_foreign_step,
    ),
]
