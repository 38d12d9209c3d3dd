"""Committing a workshop: its chosen proposals become shared goals, their steps child goals.

The goals are created through :func:`goals.services.goals.goal_create`, as the facilitator and
on the workshop's authority (``agreed_in_workshop``): every goal rule applies, and one goal
that breaks one refuses the whole commit.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from core.audit import audit_record
from goals.models import Direction, Goal
from goals.services.goals import goal_create
from teams.models import Membership, User
from workshops.models import Proposal, Step, Workshop
from workshops.selectors import ensure_facilitator
from workshops.services import Phase, bump_version


@transaction.atomic
def workshop_commit(*, workshop: Workshop, actor: User, proposal_ids: Iterable[int]) -> list[Goal]:
    """Turn the chosen proposals into shared goals and their steps into child goals.

    One transaction: if any goal cannot be created, nothing is written. Priorities follow the
    vote ranking, after the goals already ranked in the period. Returns the shared goals.
    """
    ensure_facilitator(workshop, actor)
    current = Workshop.objects.select_for_update().select_related("period").get(pk=workshop.pk)
    proposals = _chosen(current, set(proposal_ids))
    memberships = _memberships(current, proposals, actor)
    if actor.pk not in memberships:
        raise PermissionDenied("Only members of the workspace commit its workshops.")
    facilitator = memberships[actor.pk]
    ranked = Goal.objects.filter(period=current.period).aggregate(last=Max("priority"))["last"]
    goals = []
    for rank, proposal in enumerate(proposals, start=(ranked or 0) + 1):
        try:
            goal = _shared_goal(current, proposal, facilitator, memberships, rank)
        except ValidationError as error:
            raise ValidationError(
                f"“{proposal.title}” cannot become a goal: {' '.join(error.messages)} "
                "Nothing was committed."
            ) from error
        goals.append(goal)
    bump_version(current, phase=Phase.CLOSED, locked=False, committed_at=timezone.now())
    audit_record(
        workspace=current.workspace,
        actor=actor,
        verb="committed",
        target=current,
        summary=f"{actor} committed {len(goals)} shared goal{'s' if len(goals) != 1 else ''} "
        f"from “{current.title}”",
    )
    return goals


def _chosen(current: Workshop, ids: set[int]) -> list[Proposal]:
    """The chosen proposals, most votes first, if the workshop may be committed with them."""
    if current.is_committed:
        raise ValidationError("This workshop was already committed.")
    if current.phase != Phase.COMMIT:
        raise ValidationError("Move the workshop to the commit phase first.")
    if not ids:
        raise ValidationError({"proposals": "Choose at least one proposal to commit."})
    proposals = list(
        Proposal.objects.filter(workshop=current, status=Proposal.Status.ACTIVE, pk__in=ids)
        .annotate(vote_count=Count("votes", distinct=True))
        .select_related("author")
        .prefetch_related("owner_departments", "steps__department__lead")
        .order_by("-vote_count", "created_at", "id")
    )
    if len(proposals) != len(ids):
        raise ValidationError({"proposals": "Choose only active proposals of this workshop."})
    return proposals


def _memberships(
    current: Workshop, proposals: list[Proposal], actor: User
) -> dict[int, Membership]:
    """The memberships, by user id, of the facilitator and of everyone a goal may be given to
    (the authors, the steps' department leads): one query."""
    people = {p.author_id for p in proposals} | {
        s.department.lead_id for p in proposals for s in p.steps.all() if s.department.lead_id
    }
    return {
        m.user_id: m
        for m in Membership.objects.filter(
            workspace=current.workspace, user_id__in=people | {actor.pk}
        ).select_related("workspace", "user")
    }


def _shared_goal(
    current: Workshop,
    proposal: Proposal,
    facilitator: Membership,
    members: dict[int, Membership],
    rank: int,
) -> Goal:
    """The proposal as a goal ranked ``rank``, its steps as child goals."""
    period = current.period
    goal = goal_create(
        membership=facilitator,
        agreed_in_workshop=True,
        title=proposal.title,
        owner_departments=proposal.owner_departments.all(),
        description=proposal.description,
        accountable=proposal.author if proposal.author_id in members else None,
        period=period,
        start_date=period.start_date,
        due_date=proposal.due_date or period.end_date,
        status=Goal.Status.ON_TRACK,
        priority=rank,
        metric=proposal.metric,
        unit=proposal.unit,
        baseline=proposal.baseline,
        target=proposal.target,
        direction=proposal.direction,
    )
    for step in proposal.steps.all():
        lead = step.department.lead
        child = goal_create(
            membership=facilitator,
            agreed_in_workshop=True,
            title=step.title,
            owner_departments=[step.department],
            parent=goal,
            accountable=lead if step.department.lead_id in members else None,
            period=period,
            start_date=period.start_date,
            due_date=step.due_date or goal.due_date,
            status=Goal.Status.ON_TRACK,
            metric=step.metric,
            unit=step.unit,
            baseline=step.baseline,
            target=step.target,
            direction=Direction.DECREASE
            if step.target is not None and step.baseline is not None and step.target < step.baseline
            else Direction.INCREASE,
        )
        Step.objects.filter(pk=step.pk).update(goal=child)
    Proposal.objects.filter(pk=proposal.pk).update(goal=goal)
    return goal
