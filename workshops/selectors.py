"""Reads for workshops, with their joins made, and the one participation check."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from goals import smart
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import get_scoped, require_role
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop, WorkshopParticipant

NOT_INVITED = "Only the people invited to this workshop take part in it."


def _count(model: type, **outer: str) -> Coalesce:
    """How many ``model`` rows point at the outer row, as a subquery (no join fan-out)."""
    (field, ref), *_ = outer.items()
    counted = (
        model.objects.filter(**{field: OuterRef(ref)})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def workshop_list(*, workspace: Workspace, user: User) -> QuerySet[Workshop]:
    """The workshops this person facilitates or was invited to, newest first."""
    return (
        Workshop.objects.filter(workspace=workspace, participants__user=user)
        .select_related("period", "facilitator")
        .annotate(
            people=_count(WorkshopParticipant, workshop="pk"),
            proposal_count=_count(Proposal, workshop="pk"),
        )
        .order_by("-created_at", "-id")
    )


def _is_participant(user: User, workshop_ref: str = "pk") -> Exists:
    return Exists(WorkshopParticipant.objects.filter(workshop=OuterRef(workshop_ref), user=user))


def ensure_participant(workshop: Workshop) -> None:
    """The participation rule, in one place: only invited people (and the facilitator, who is
    one of them) take part. Reads the ``is_participant`` the getters below annotate."""
    if not workshop.is_participant:
        raise PermissionDenied(NOT_INVITED)


def ensure_facilitator(workshop: Workshop, user: User) -> None:
    """Only the facilitator moves phases, locks them, sets votes, merges, removes, commits."""
    if workshop.facilitator_id != user.pk:
        raise PermissionDenied(f"Only the facilitator, {workshop.facilitator}, can do this.")


def workshop_get(*, workspace: Workspace, user: User, pk: int) -> Workshop:
    """The workshop ``pk`` for one of its participants: another workspace's is a 404
    (``get_scoped``), a member who was not invited gets 403. One query."""
    workshop = get_scoped(
        Workshop.objects.select_related("period", "facilitator", "workspace").annotate(
            is_participant=_is_participant(user)
        ),
        workspace,
        pk=pk,
    )
    ensure_participant(workshop)
    return workshop


def workshop_for_poll(*, slug: str, user: User, pk: int) -> Workshop:
    """:func:`workshop_get` for the poll, which knows the workspace by its slug only: the
    membership, role and participation checks ride on the workshop's one query. Someone of
    another workspace or a guest gets 404, a member who was not invited 403."""
    role = Membership.objects.filter(workspace=OuterRef("workspace"), user=user).values("role")
    workshop = get_object_or_404(
        Workshop.objects.select_related("period", "facilitator", "workspace").annotate(
            is_participant=_is_participant(user), role=Subquery(role)
        ),
        pk=pk,
        workspace__slug=slug,
    )
    if workshop.role is None:
        raise Http404("No such workspace.")
    if workshop.role == Role.GUEST:
        raise Http404("No such page.")
    require_role(Membership(role=workshop.role), Role.MEMBER)
    ensure_participant(workshop)
    return workshop


def proposal_get(*, workspace: Workspace, user: User, workshop_pk: int, pk: int) -> Proposal:
    """A proposal (any status) with its workshop, for a participant; one query."""
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "workshop__period",
            "workshop__facilitator",
            "workshop__workspace",
            "author",
            "merged_into",
            "goal",
        ).annotate(is_participant=_is_participant(user, "workshop")),
        workshop__workspace=workspace,
        workshop_id=workshop_pk,
        pk=pk,
    )
    proposal.workshop.is_participant = proposal.is_participant
    ensure_participant(proposal.workshop)
    return proposal


def step_get(*, workspace: Workspace, user: User, workshop_pk: int, pk: int) -> Step:
    step = get_object_or_404(
        Step.objects.select_related(
            "proposal__workshop__period", "proposal__workshop__workspace", "department"
        ).annotate(is_participant=_is_participant(user, "proposal__workshop")),
        proposal__workshop__workspace=workspace,
        proposal__workshop_id=workshop_pk,
        pk=pk,
    )
    step.proposal.workshop.is_participant = step.is_participant
    ensure_participant(step.proposal.workshop)
    return step


def departments_with_owners(*, proposal: Proposal) -> list[Department]:
    """The workshop's departments, each marked ``is_owner`` of this proposal (one query)."""
    owners = Proposal.owner_departments.through.objects.filter(
        proposal_id=proposal.pk, department_id=OuterRef("pk")
    )
    return list(proposal.workshop.departments.annotate(is_owner=Exists(owners)).order_by("name"))


def merge_targets(*, proposal: Proposal) -> list[Proposal]:
    return list(
        Proposal.objects.filter(workshop_id=proposal.workshop_id, status=Proposal.Status.ACTIVE)
        .exclude(pk=proposal.pk)
        .only("pk", "title")
    )


def proposal_steps(*, proposal: Proposal) -> QuerySet[Step]:
    return proposal.steps.select_related("department")


def proposal_list(*, workshop: Workshop, user: User) -> QuerySet[Proposal]:
    """Every proposal of the workshop (any status) with its author, owners, counts and this
    person's vote; ranked by votes once voting has started, else in the order proposed."""
    proposals = (
        Proposal.objects.filter(workshop=workshop)
        .select_related("author")
        .annotate(
            vote_count=_count(Vote, proposal="pk"),
            comment_count=_count(ProposalComment, proposal="pk"),
            step_count=_count(Step, proposal="pk"),
            my_vote=Exists(Vote.objects.filter(proposal=OuterRef("pk"), voter=user)),
        )
        .prefetch_related(
            Prefetch("owner_departments", queryset=Department.objects.order_by("name"))
        )
    )
    if workshop.phase_reached(Workshop.Phase.VOTE):
        return proposals.order_by("-vote_count", "created_at", "id")
    return proposals.order_by("created_at", "id")


def board_proposals(*, workshop: Workshop, user: User) -> list[Proposal]:
    """The active proposals with their votes, the person's own vote, comments, owners and steps,
    each with its SMART result; ranked by votes once voting has started."""
    proposals = (
        proposal_list(workshop=workshop, user=user)
        .filter(status=Proposal.Status.ACTIVE)
        .prefetch_related(Prefetch("steps", queryset=Step.objects.select_related("department")))
    )
    result = list(proposals)
    for rank, proposal in enumerate(result, start=1):
        proposal.rank = rank
        proposal.dots = range(proposal.vote_count)
        proposal.smart = proposal_smart(
            proposal, workshop=workshop, owner_count=len(proposal.owner_departments.all())
        )
    return result


def commit_choices(*, workshop: Workshop) -> list[Proposal]:
    """The proposals the facilitator can commit, ranked by votes, with their step counts."""
    return list(
        Proposal.objects.filter(workshop=workshop, status=Proposal.Status.ACTIVE)
        .annotate(vote_count=_count(Vote, proposal="pk"), step_count=_count(Step, proposal="pk"))
        .order_by("-vote_count", "created_at", "id")
    )


def proposal_smart(
    proposal: Proposal, *, workshop: Workshop, owner_count: int
) -> smart.SmartResult:
    """The same SMART rules as the goal form, for a proposal of a top-level shared goal."""
    return smart.check(
        smart.Draft(
            title=proposal.title,
            description=proposal.description,
            metric=proposal.metric,
            baseline=proposal.baseline,
            target=proposal.target,
            direction=proposal.direction,
            start_date=workshop.period.start_date,
            due_date=proposal.due_date,
            period_start=workshop.period.start_date,
            period_end=workshop.period.end_date,
            has_parent=False,
            mission=workshop.workspace.mission,
            owner_count=owner_count,
        )
    )


def proposal_comments(*, proposal: Proposal) -> QuerySet[ProposalComment]:
    return proposal.comments.select_related("author")


def workshop_departments(*, workshop: Workshop) -> QuerySet[Department]:
    return workshop.departments.order_by("name")


def invitable_people(*, workspace: Workspace) -> QuerySet[User]:
    """Members who can take part in a workshop (guests see only their forums)."""
    return (
        User.objects.filter(
            memberships__workspace=workspace,
            memberships__role__in=[r for r in Role if r.rank >= Role.MEMBER.rank],
        )
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def summary_proposals(*, workshop: Workshop) -> list[Proposal]:
    """Every proposal, whatever became of it: its author, votes, owners, steps and goal."""
    return list(
        Proposal.objects.filter(workshop=workshop)
        .select_related("author", "merged_into", "goal")
        .annotate(vote_count=_count(Vote, proposal="pk"))
        .prefetch_related(
            Prefetch("owner_departments", queryset=Department.objects.order_by("name")),
            Prefetch("steps", queryset=Step.objects.select_related("department", "goal")),
        )
        .order_by(F("goal__priority").asc(nulls_last=True), "-vote_count", "created_at", "id")
    )


def workshop_participants(*, workshop: Workshop) -> QuerySet[WorkshopParticipant]:
    """The invited people (the facilitator among them), by name."""
    return WorkshopParticipant.objects.filter(workshop=workshop).select_related("user")


def workshop_steps(*, workshop: Workshop) -> QuerySet[Step]:
    """The department steps of every proposal of the workshop, by proposal then department."""
    return (
        Step.objects.filter(proposal__workshop=workshop)
        .select_related("department", "author")
        .order_by("proposal_id", "department__name", "created_at", "id")
    )


def votes_used(*, workshop: Workshop, user: User) -> int:
    return Vote.objects.filter(workshop=workshop, voter=user).count()
