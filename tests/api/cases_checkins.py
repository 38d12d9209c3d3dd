"""API tenancy cases of the check-in endpoints.

Logging a check-in needs the member role and answering for one of the goal's owner departments
(as on the check-in page), so mia, a member, is made the lead of sales, which owns the goal.
"""

from teams.models import Role
from tests.api.cases import Case
from tests.factories import CheckInFactory, CycleFactory, GoalFactory


def _goal(acme) -> int:
    return GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales]).pk


def _foreign_goal(globex) -> int:
    return GoalFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk


def _sales_goal_led_by_mia(acme) -> str:
    acme.sales.lead = acme.mia
    acme.sales.save()
    return f"goals/{_goal(acme)}/checkins/"


def _checkin(acme) -> str:
    checkin = CheckInFactory(goal_id=_goal(acme), cycle=CycleFactory(workspace=acme.workspace))
    return f"goals/{checkin.goal_id}/checkins/{checkin.pk}/"


def _foreign_checkin(globex) -> str:
    checkin = CheckInFactory(goal_id=_foreign_goal(globex), cycle=CycleFactory(workspace=globex))
    return f"goals/{checkin.goal_id}/checkins/{checkin.pk}/"


CASES = [
    Case(
        "checkins",
        "get",
        lambda acme: f"goals/{_goal(acme)}/checkins/",
        Role.MEMBER,
        foreign=lambda globex: f"goals/{_foreign_goal(globex)}/checkins/",
    ),
    Case(
        "checkins",
        "post",
        _sales_goal_led_by_mia,
        Role.MEMBER,
        {"value": "115", "confidence": 8, "moved": "Two pilots signed."},
        foreign=lambda globex: f"goals/{_foreign_goal(globex)}/checkins/",
    ),
    Case("checkin", "get", _checkin, Role.MEMBER, foreign=_foreign_checkin),
]
