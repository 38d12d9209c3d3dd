"""API tenancy cases of the health endpoints (registered in tests/api/test_tenancy.py).

Members read the figures and the pulse; answering the pulse needs the member role and leading
the answering department, so mia, a member, is made the lead of sales, which shares a goal with
product.
"""

from teams.models import Role
from tests.api.cases import Case
from tests.factories import GoalFactory


def _sales_led_by_mia(acme) -> str:
    acme.sales.lead = acme.mia
    acme.sales.save()
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales, acme.product])
    return "pulse/"


def _answer(acme) -> dict:
    return {"department": acme.sales.pk, "about": acme.product.pk, "score": 4}


CASES = [
    Case("health", "get", lambda acme: "health/", Role.MEMBER),
    Case("pulse answers", "get", lambda acme: "pulse/", Role.MEMBER),
    Case("answer the pulse", "post", _sales_led_by_mia, Role.MEMBER, data=_answer),
]
