"""Ranking goals: the weights of a goal's steps, and each period's one ranked list of shared
goals (executives and admins)."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Subquery, Value, When

from core.audit import audit_record
from goals.models import Goal, Period
from goals.selectors.goals import priority_goals
from goals.services.goals import goal_authorize, goal_refresh_progress
from teams.models import Membership, Role, User, Workspace
from teams.tenancy import ensure_in_workspace, require_role


@transaction.atomic
def goal_weights_set(*, membership: Membership, goal: Goal, weights: Mapping[int, int]) -> None:
    """Set how much each child step carries of ``goal``'s progress, then roll it up again."""
    goal_authorize(membership=membership, goal=goal)
    actor = membership.user
    children = {child.pk: child for child in goal.children.select_for_update().order_by("pk")}
    if set(weights) - set(children):
        raise ValidationError({"weights": "Those steps are no longer under this goal."})
    if any(not 1 <= weight <= 100 for weight in weights.values()):
        raise ValidationError({"weights": "Each weight is a whole number from 1 to 100."})
    changed = [children[pk] for pk, weight in weights.items() if children[pk].weight != weight]
    if not changed:
        return
    changes = {child.title: [child.weight, weights[child.pk]] for child in changed}
    for child in changed:
        child.weight = weights[child.pk]
        child.version += 1
    Goal.objects.bulk_update(changed, ["weight", "version"])
    audit_record(
        workspace=goal.workspace,
        actor=actor,
        verb="reweighted",
        target=goal,
        summary=f"{actor} changed the weights of {len(changed)} step(s)",
        changes=changes,
    )
    goal_refresh_progress(goal=goal)


def _ranked_for_update(*, workspace: Workspace, period: Period | int) -> list[Goal]:
    """Lock and read a period's ranked list (one query), with what the list page shows."""
    return list(
        priority_goals(workspace=workspace, period=period)
        .select_for_update(of=("self",))
        .select_related("period", "accountable")
    )


def _rank(
    *, workspace: Workspace, actor: User | None, ranked: list[Goal], ordered: list[Goal]
) -> list[Goal]:
    """Number ``ordered`` 1..n (one UPDATE) and audit the change on the period."""
    if not ordered:
        return ordered
    # The rank is not on the goal form, so ranking does not make open edit forms stale.
    Goal.objects.filter(pk__in=[goal.pk for goal in ordered]).update(
        priority=Case(*(When(pk=goal.pk, then=Value(rank)) for rank, goal in enumerate(ordered, 1)))
    )
    for rank, goal in enumerate(ordered, 1):
        goal.priority = rank
    if ordered != ranked:
        period = ordered[0].period
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="reordered",
            target=period,
            summary=f"{actor} reordered the priorities of {period}",
            changes={
                "priorities": [[goal.title for goal in ranked], [goal.title for goal in ordered]]
            },
        )
    return ordered


@transaction.atomic
def priorities_set(
    *, membership: Membership, period: Period, ordered_ids: Sequence[int]
) -> list[Goal]:
    """Rank the period's open shared goals 1..n in the order given (every one of them)."""
    require_role(membership, Role.EXECUTIVE)
    workspace, actor = membership.workspace, membership.user
    ensure_in_workspace(workspace, [period], field="period")
    ranked = _ranked_for_update(workspace=workspace, period=period)
    by_id = {goal.pk: goal for goal in ranked}
    ids = list(ordered_ids)
    if len(set(ids)) != len(ids) or set(ids) != set(by_id):
        raise ValidationError(
            {"order": "The list of shared goals changed meanwhile. Reload the page and try again."}
        )
    return _rank(workspace=workspace, actor=actor, ranked=ranked, ordered=[by_id[pk] for pk in ids])


@transaction.atomic
def priority_move(*, membership: Membership, goal_id: int, offset: int) -> list[Goal]:
    """Move one shared goal ``offset`` places up (negative) or down its period's list.

    Takes the goal's id: the lock, the scoping to ``workspace`` and the read of the list are one
    query. Returns the list in its new order.
    """
    require_role(membership, Role.EXECUTIVE)
    workspace, actor = membership.workspace, membership.user
    period = Goal.objects.filter(workspace=workspace, pk=goal_id).values("period_id")[:1]
    ranked = _ranked_for_update(workspace=workspace, period=Subquery(period))
    ordered = list(ranked)
    index = next((i for i, goal in enumerate(ordered) if goal.pk == goal_id), None)
    if index is None:
        raise ValidationError({"goal": "Only open shared goals of a period are ranked."})
    ordered.insert(max(0, min(len(ordered) - 1, index + offset)), ordered.pop(index))
    return _rank(workspace=workspace, actor=actor, ranked=ranked, ordered=ordered)
