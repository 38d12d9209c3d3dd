"""API tenancy cases of the goals endpoints. The goals are owned by product, which leo leads, so
the lowest role allowed to change goals (lead) may change them."""

from teams.models import Role
from tests.api.cases import Case
from tests.factories import GoalFactory


def _goal(acme) -> str:
    return f"goals/{GoalFactory(workspace=acme.workspace, owner_departments=[acme.product]).pk}/"


def _foreign_goal(globex) -> str:
    return (
        f"goals/{GoalFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk}/"
    )


def _goal_body(acme) -> dict:
    return {
        "title": "Ship the onboarding revamp by 1 December",
        "owner_departments": [acme.product.pk],
    }


CLOSING = {
    "status": "achieved",
    "what_worked": "Weekly demos kept the scope honest.",
    "what_to_change": "Start the copywriting earlier.",
}

CASES = [
    Case("goals", "get", lambda acme: "goals/", Role.MEMBER),
    Case("goals", "post", lambda acme: "goals/", Role.LEAD, _goal_body),
    Case("goal", "get", _goal, Role.MEMBER, foreign=_foreign_goal),
    Case("goal", "put", _goal, Role.LEAD, _goal_body, foreign=_foreign_goal),
    Case("goal", "patch", _goal, Role.LEAD, {"unit": "accounts"}, foreign=_foreign_goal),
    Case(
        "goal-close",
        "post",
        lambda acme: f"{_goal(acme)}close/",
        Role.LEAD,
        CLOSING,
        foreign=lambda globex: f"{_foreign_goal(globex)}close/",
    ),
]
