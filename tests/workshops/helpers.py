"""Builders for workshop tests: everything goes through the services, as on the board."""

import datetime as dt
import html
import re
from decimal import Decimal

from goals.models import Period
from teams.models import Role, Workspace
from tests.factories import MembershipFactory, PeriodFactory
from workshops import services
from workshops.models import Proposal, Workshop

PHASES = list(Workshop.Phase)


def quarter(workspace: Workspace) -> Period:
    return Period.objects.filter(workspace=workspace).first() or PeriodFactory(
        workspace=workspace,
        name="Q4 2026",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
    )


def make_workshop(acme, *, participants=None, votes_per_person: int = 3, **fields) -> Workshop:
    """Claire (executive) facilitates; Leo (product lead) takes part; marketing and product."""
    return services.workshop_create(
        workspace=acme.workspace,
        actor=fields.pop("facilitator", acme.claire),
        title=fields.pop("title", "Q4 shared goals"),
        period=quarter(acme.workspace),
        departments=fields.pop("departments", [acme.marketing, acme.product]),
        participants=participants if participants is not None else [acme.leo],
        votes_per_person=votes_per_person,
    )


def foreign_workshop(globex: Workspace) -> Workshop:
    """A workshop of the other workspace, facilitated by its admin."""
    oscar = globex.memberships.get(role=Role.ADMIN).user
    other = MembershipFactory(workspace=globex, role=Role.LEAD).user
    departments = list(globex.departments.all()[:2])
    return services.workshop_create(
        workspace=globex,
        actor=oscar,
        title="Globex goals",
        period=quarter(globex),
        departments=departments,
        participants=[other],
    )


def make_proposal(workshop: Workshop, author, **fields) -> Proposal:
    owners = fields.pop("owner_departments", list(workshop.departments.all()))
    defaults = {
        "title": "Increase trial sign-ups by 20% through targeted campaigns",
        "metric": "Trial sign-ups",
        "unit": "sign-ups",
        "baseline": Decimal("1000"),
        "target": Decimal("1200"),
        "due_date": dt.date(2026, 12, 15),
    }
    defaults.update(fields)
    return services.proposal_create(
        workshop=workshop, actor=author, owner_departments=owners, **defaults
    )


def advance_to(workshop: Workshop, phase: str) -> Workshop:
    """Move the workshop forward (as its facilitator) until it reaches ``phase``."""
    workshop.refresh_from_db()
    while PHASES.index(Workshop.Phase(workshop.phase)) < PHASES.index(Workshop.Phase(phase)):
        services.workshop_advance(workshop=workshop, actor=workshop.facilitator)
        workshop.refresh_from_db()
    return workshop


def poll_url(board) -> str:
    """The poll URL a rendered board carries (version, presence, poll token), as htmx uses it."""
    found = re.search(r'hx-get="([^"]+/state/\?[^"]+)"', board.content.decode())
    return html.unescape(found[1])
