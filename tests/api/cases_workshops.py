"""API tenancy cases of the workshops endpoints.

Every workshop endpoint needs the member role, and then an invitation: Mia (a member) is
invited to each workshop built here. For what only the facilitator may do, she facilitates it
(``facilitator=True``: a facilitator whose role was lowered since, which the API allows as the
pages do). ``Case.data`` is a plain dict, so the paths that need this test's ids fill them in
(``_with``) as they build the workshop.
"""

from teams.models import Role
from tests.api.cases import Case
from tests.workshops.helpers import advance_to, foreign_workshop, make_proposal, make_workshop
from workshops import services
from workshops.models import Workshop

CREATE: dict = {"title": "H1 shared goals", "votes_per_person": 3}
COMMIT: dict = {}
MERGE: dict = {}
STEP: dict = {"title": "Run two campaigns"}


def _workshop(acme, phase: str = "draft", *, facilitator: bool = False) -> Workshop:
    """A workshop facilitated by Claire with Leo and Mia invited, two of Leo's proposals, at
    ``phase``; Mia votes in the vote phase."""
    workshop = make_workshop(acme, participants=[acme.leo, acme.mia])
    for title in ("Increase trial sign-ups by 20%", "Grow qualified leads by 15%"):
        make_proposal(workshop, acme.leo, title=title)
    workshop = advance_to(workshop, phase)
    if phase == "vote":
        services.vote_cast(proposal=_first(workshop), voter=acme.mia)
    if facilitator:
        Workshop.objects.filter(pk=workshop.pk).update(facilitator=acme.mia)
    return workshop


def _first(workshop: Workshop):
    return workshop.proposals.order_by("id").first()


def _with(data: dict, path: str, **values) -> str:
    data.clear()
    data.update(values)
    return path


def _create(acme) -> str:
    ids = {
        "period": _workshop(acme).period_id,
        "departments": [acme.marketing.pk, acme.product.pk],
        "participants": [acme.leo.pk],
    }
    return _with(CREATE, "workshops/", title="H1 shared goals", **ids)


def _commit(acme) -> str:
    workshop = _workshop(acme, "commit", facilitator=True)
    return _with(COMMIT, f"workshops/{workshop.pk}/commit/", proposals=[_first(workshop).pk])


def _merge(acme) -> str:
    workshop = _workshop(acme, "refine", facilitator=True)
    first, second = workshop.proposals.order_by("id")
    return _with(MERGE, f"workshops/{workshop.pk}/proposals/{first.pk}/merge/", into=second.pk)


def _step(acme) -> str:
    workshop = _workshop(acme, "break_down")
    ids = {"proposal": _first(workshop).pk, "department": acme.product.pk}
    return _with(STEP, f"workshops/{workshop.pk}/steps/", title="Run two campaigns", **ids)


def _a_step(acme) -> str:
    workshop = _workshop(acme, "break_down")
    step = services.step_create(
        proposal=_first(workshop), actor=acme.leo, department=acme.product, title="Hire"
    )
    return f"workshops/{workshop.pk}/steps/{step.pk}/"


def _proposal(acme, phase: str = "draft", suffix: str = "", *, second: bool = False, **kwargs):
    """The path of Leo's first proposal (the second: the one Mia has not voted for)."""
    workshop = _workshop(acme, phase, **kwargs)
    proposal = workshop.proposals.order_by("id")[1 if second else 0]
    return f"workshops/{workshop.pk}/proposals/{proposal.pk}/{suffix}"


def _foreign(globex) -> Workshop:
    workshop = foreign_workshop(globex)
    make_proposal(workshop, workshop.facilitator, owner_departments=[])
    return workshop


def _foreign_step(globex) -> str:
    workshop = advance_to(_foreign(globex), "break_down")
    step = services.step_create(
        proposal=_first(workshop),
        actor=workshop.facilitator,
        department=workshop.departments.first(),
        title="Hire",
    )
    return f"workshops/{workshop.pk}/steps/{step.pk}/"


def _foreign_proposal(globex, suffix: str = "") -> str:
    workshop = _foreign(globex)
    return f"workshops/{workshop.pk}/proposals/{_first(workshop).pk}/{suffix}"


CASES = [
    Case("workshops", "get", lambda acme: "workshops/", Role.MEMBER),
    Case("workshops", "post", _create, Role.EXECUTIVE, CREATE),
    Case(
        "workshop",
        "get",
        lambda acme: f"workshops/{_workshop(acme).pk}/",
        Role.MEMBER,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/",
    ),
    Case(
        "workshop",
        "patch",
        lambda acme: f"workshops/{_workshop(acme, facilitator=True).pk}/",
        Role.MEMBER,
        {"votes_per_person": 5, "locked": True},
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/",
    ),
    Case(
        "workshop advance",
        "post",
        lambda acme: f"workshops/{_workshop(acme, facilitator=True).pk}/advance/",
        Role.MEMBER,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/advance/",
    ),
    Case(
        "workshop commit",
        "post",
        _commit,
        Role.MEMBER,
        COMMIT,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/commit/",
    ),
    Case(
        "proposals",
        "get",
        lambda acme: f"workshops/{_workshop(acme).pk}/proposals/",
        Role.MEMBER,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/proposals/",
    ),
    Case(
        "proposals",
        "post",
        lambda acme: f"workshops/{_workshop(acme).pk}/proposals/",
        Role.MEMBER,
        {"title": "Cut churn to 3% a month", "metric": "Churn", "target": "3"},
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/proposals/",
    ),
    Case("proposal", "get", _proposal, Role.MEMBER, foreign=_foreign_proposal),
    Case(
        "proposal",
        "patch",
        _proposal,
        Role.MEMBER,
        {"title": "Increase trial sign-ups by 25%", "version": 1},
        foreign=_foreign_proposal,
    ),
    Case(
        "proposal",
        "delete",
        lambda acme: _proposal(acme, facilitator=True),
        Role.MEMBER,
        foreign=_foreign_proposal,
    ),
    Case(
        "vote",
        "post",
        lambda acme: _proposal(acme, "vote", "vote/", second=True),
        Role.MEMBER,
        foreign=lambda globex: _foreign_proposal(globex, "vote/"),
    ),
    Case(
        "vote",
        "delete",
        lambda acme: _proposal(acme, "vote", "vote/"),
        Role.MEMBER,
        foreign=lambda globex: _foreign_proposal(globex, "vote/"),
    ),
    Case(
        "merge",
        "post",
        _merge,
        Role.MEMBER,
        MERGE,
        foreign=lambda globex: _foreign_proposal(globex, "merge/"),
    ),
    Case(
        "comments",
        "get",
        lambda acme: _proposal(acme, suffix="comments/"),
        Role.MEMBER,
        foreign=lambda globex: _foreign_proposal(globex, "comments/"),
    ),
    Case(
        "comments",
        "post",
        lambda acme: _proposal(acme, suffix="comments/"),
        Role.MEMBER,
        {"body": "Which channels bring the most trials?"},
        foreign=lambda globex: _foreign_proposal(globex, "comments/"),
    ),
    Case(
        "steps",
        "get",
        lambda acme: f"workshops/{_workshop(acme, 'break_down').pk}/steps/",
        Role.MEMBER,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/steps/",
    ),
    Case(
        "steps",
        "post",
        _step,
        Role.MEMBER,
        STEP,
        foreign=lambda globex: f"workshops/{_foreign(globex).pk}/steps/",
    ),
    Case("step", "get", _a_step, Role.MEMBER, foreign=_foreign_step),
    Case("step", "delete", _a_step, Role.MEMBER, foreign=_foreign_step),
]
