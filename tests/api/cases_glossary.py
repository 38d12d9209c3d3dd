"""API tenancy cases of the glossary endpoints. The terms changed here are owned by product,
which leo leads, so the lowest role allowed to keep them (lead) may change them."""

from teams.models import Role
from tests.api.cases import Case
from tests.api.conflicts_helpers import add_term


def _term(acme) -> str:
    return f"glossary/{add_term(acme.workspace, department=acme.product).pk}/"


def _foreign(globex) -> str:
    return f"glossary/{add_term(globex).pk}/"


def _body(acme) -> dict:
    return {
        "term": "MQL",
        "meaning": "Marketing qualified lead: a lead marketing passes to sales.",
        "department": acme.product.pk,
    }


CASES = [
    Case("glossary", "get", lambda acme: "glossary/", Role.MEMBER),
    Case("glossary", "post", lambda acme: "glossary/", Role.LEAD, _body),
    Case("glossary term", "get", _term, Role.MEMBER, foreign=_foreign),
    Case("glossary term", "put", _term, Role.LEAD, _body, foreign=_foreign),
    Case("glossary term", "patch", _term, Role.LEAD, {"meaning": "Owned."}, foreign=_foreign),
    Case("glossary term", "delete", _term, Role.LEAD, foreign=_foreign),
]
