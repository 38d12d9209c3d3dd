"""Tenancy cases for the checkins app's workspace routes (see tests/test_tenancy.py)."""

import datetime as dt

from checkins.links import checkin_link_token
from checkins.models import Ask
from core.models import Notification
from teams.models import Role, User
from tests.factories import CycleFactory, GoalFactory
from tests.routes import Route

CHECKIN = {"value": "112", "confidence": "7", "asks-TOTAL_FORMS": "0", "asks-INITIAL_FORMS": "0"}


def _goal(acme) -> dict:
    """A goal of product, whose lead may log its check-ins."""
    return {"goal": GoalFactory(workspace=acme.workspace, owner_departments=[acme.product]).pk}


def _foreign_goal(globex) -> dict:
    return {
        "goal": GoalFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk
    }


def _link(workspace, departments, user) -> dict:
    goal = GoalFactory(workspace=workspace, owner_departments=departments)
    cycle = CycleFactory(workspace=workspace)
    return {"token": checkin_link_token(goal_id=goal.pk, cycle_id=cycle.pk, user_id=user.pk)}


def _ask(workspace, source, target, goal_owner) -> dict:
    goal = GoalFactory(workspace=workspace, owner_departments=[goal_owner])
    ask = Ask.objects.create(
        workspace=workspace,
        goal=goal,
        from_department=source,
        to_department=target,
        text="Two case studies",
        due_on=dt.date(2099, 1, 1),
    )
    return {"pk": ask.pk}


def _notification(workspace, user) -> dict:
    return {
        "pk": Notification.objects.create(
            workspace=workspace, recipient=user, kind="test", title="Hello", url="/"
        ).pk
    }


def _globex_departments(globex) -> list:
    return list(globex.departments.order_by("name")[:2])


ROUTES: list[Route] = [
    Route("checkin_panel", Role.MEMBER),
    Route("my_checkins", Role.MEMBER),
    Route("checkin_form", Role.MEMBER, kwargs=_goal, foreign=_foreign_goal),
    Route("checkin_form", Role.MEMBER, "post", kwargs=_goal, foreign=_foreign_goal, data=CHECKIN),
    Route(
        "checkin_link",
        Role.MEMBER,
        kwargs=lambda acme: _link(acme.workspace, [acme.product], acme.leo),
        foreign=lambda globex: _link(
            globex, [globex.departments.first()], User.objects.get(username="ada")
        ),
    ),
    Route("ask_inbox", Role.MEMBER),
    Route(
        "ask_respond",
        Role.MEMBER,
        "post",
        kwargs=lambda acme: _ask(acme.workspace, acme.marketing, acme.product, acme.marketing),
        foreign=lambda globex: _ask(
            globex, *_globex_departments(globex), globex.departments.first()
        ),
        data={"action": "deliver"},
    ),
    Route("notifications", Role.GUEST),
    Route("notification_bell", Role.MEMBER),
    Route(
        "notification_open",
        Role.GUEST,
        kwargs=lambda acme: _notification(acme.workspace, acme.gus),
        foreign=lambda globex: _notification(globex, User.objects.get(username="oscar")),
    ),
    Route("notifications_mark_read", Role.GUEST, "post"),
    Route("reminder_settings", Role.MEMBER),
    Route("reminder_settings", Role.MEMBER, "post", data={"before_due": "on"}),
]
