"""API tenancy cases of the conflicts endpoints. Every one needs the member role: mia raises,
states the position of sales and withdraws her own conflicts, and facilitates (so moves on and
decides) a conflict between product and marketing."""

import datetime as dt

from teams.models import Role
from tests.api.cases import Case
from tests.api.conflicts_helpers import facilitated_by_mia, foreign_conflict, raise_conflict


def _raise(acme) -> dict:
    return {
        "title": "Launch budget",
        "kind": "resources",
        "stakes": "Who gets the Q3 launch budget.",
        "departments": [acme.sales.pk, acme.product.pk],
        "decide_by": str(acme.workspace.today() + dt.timedelta(days=14)),
    }


def _mine(tail: str = ""):
    return lambda acme: f"conflicts/{raise_conflict(acme).pk}/{tail}"


def _facilitated(tail: str = ""):
    return lambda acme: f"conflicts/{facilitated_by_mia(acme).pk}/{tail}"


def _foreign(tail: str = ""):
    return lambda globex: f"conflicts/{foreign_conflict(globex).pk}/{tail}"


def _position(acme) -> dict:
    return {"department": acme.sales.pk, "wants": "The budget for events.", "why": "Pipeline."}


def _decision(acme) -> dict:
    return {
        "title": "Split the budget 60/40",
        "rationale": "The launch needs reach; costs stay capped.",
        "trade_offs": [
            {"department": acme.product.pk, "trade_off": "Features wait a sprint."},
            {"department": acme.marketing.pk, "trade_off": "Fewer ads."},
        ],
        "review_on": str(acme.workspace.today() + dt.timedelta(days=90)),
    }


CASES = [
    Case("conflicts", "get", lambda acme: "conflicts/", Role.MEMBER),
    Case("conflicts", "post", lambda acme: "conflicts/", Role.MEMBER, _raise),
    Case("conflict", "get", _mine(), Role.MEMBER, foreign=_foreign()),
    Case(
        "conflict",
        "patch",
        _facilitated(),
        Role.MEMBER,
        {"status": "in_discussion"},
        foreign=_foreign(),
    ),
    Case(
        "conflict positions",
        "post",
        _mine("positions/"),
        Role.MEMBER,
        _position,
        foreign=_foreign("positions/"),
    ),
    Case(
        "conflict decide",
        "post",
        _facilitated("decide/"),
        Role.MEMBER,
        _decision,
        foreign=_foreign("decide/"),
    ),
    Case(
        "conflict withdraw",
        "post",
        _mine("withdraw/"),
        Role.MEMBER,
        foreign=_foreign("withdraw/"),
    ),
]
