"""Tenancy cases for the goals app's workspace routes (see tests/test_tenancy.py)."""

from goals.models import GoalImport
from teams.models import Role
from tests.factories import GoalFactory
from tests.routes import Route


def _product_goal(acme) -> dict:
    """A goal the product lead may edit."""
    return {"pk": GoalFactory(workspace=acme.workspace, owner_departments=[acme.product]).pk}


def _foreign_goal(globex) -> dict:
    return {"pk": GoalFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk}


def _lead_import(acme) -> dict:
    """A goal import the product lead started."""
    return {
        "pk": GoalImport.objects.create(workspace=acme.workspace, created_by=acme.leo, total=1).pk
    }


def _foreign_import(globex) -> dict:
    creator = globex.memberships.get().user
    return {"pk": GoalImport.objects.create(workspace=globex, created_by=creator, total=1).pk}


ROUTES: list[Route] = [
    Route("dashboard", Role.GUEST),
    Route("goal_list", Role.MEMBER),
    Route("goal_create", Role.LEAD),
    Route("goal_create", Role.LEAD, "post", data={"title": "Increase sign-ups by 20%"}),
    Route("goal_smart_check", Role.LEAD, "post", data={"title": "Increase sign-ups by 20%"}),
    Route("goal_carry_over", Role.LEAD),
    Route("goal_carry_over", Role.LEAD, "post", data={"goals": ["1"], "period": "1"}),
    Route("goal_detail", Role.MEMBER, kwargs=_product_goal, foreign=_foreign_goal),
    Route("goal_edit", Role.LEAD, kwargs=_product_goal, foreign=_foreign_goal),
    Route(
        "goal_edit",
        Role.LEAD,
        "post",
        kwargs=_product_goal,
        foreign=_foreign_goal,
        data={"title": "Changed", "version": "1"},
    ),
    Route("goal_close", Role.LEAD, kwargs=_product_goal, foreign=_foreign_goal),
    Route(
        "goal_close",
        Role.LEAD,
        "post",
        kwargs=_product_goal,
        foreign=_foreign_goal,
        data={"status": "achieved", "what_worked": "Syncs.", "what_to_change": "Start sooner."},
    ),
    Route("goal_weights", Role.LEAD, "post", kwargs=_product_goal, foreign=_foreign_goal),
    Route("goal_export", Role.MEMBER),
    Route("checkin_export", Role.MEMBER),
    Route("goal_checkin_export", Role.MEMBER, kwargs=_product_goal, foreign=_foreign_goal),
    Route("goal_import", Role.LEAD),
    Route("goal_import", Role.LEAD, "post", data={"job": "not-a-job"}),
    Route("goal_import_template", Role.LEAD),
    Route("goal_import_progress", Role.LEAD, kwargs=_lead_import, foreign=_foreign_import),
    Route("alignment_tree", Role.MEMBER),
    Route("priorities", Role.MEMBER),
    Route("priorities", Role.EXECUTIVE, "post", data={"period": "1", "order": ["1"]}),
    Route("priority_move", Role.EXECUTIVE, "post", data={"goal": "1", "direction": "up"}),
    Route("retrospectives", Role.MEMBER),
]
