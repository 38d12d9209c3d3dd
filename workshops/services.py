"""Writes for workshops.

Every change locks the workshop row (``_lock``), checks the phase and the facilitator's lock,
and bumps ``Workshop.version`` with F() in the same transaction (``bump_version``), so that the live
board of every participant sees it on its next poll. Each writes its audit row.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from core.audit import audit_record, update_audited
from goals.models import Direction, Period
from teams.models import Department, Membership, Role, User, Workspace
from teams.tenancy import ensure_in_workspace
from workshops import live
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop, WorkshopParticipant
from workshops.selectors import ensure_facilitator

Phase = Workshop.Phase
OPEN_PHASES = (Phase.DRAFT, Phase.REFINE, Phase.VOTE, Phase.BREAK_DOWN, Phase.COMMIT)
EDIT_PHASES = (Phase.DRAFT, Phase.REFINE)
DISCUSS_PHASES = (Phase.DRAFT, Phase.REFINE, Phase.VOTE, Phase.BREAK_DOWN)
ALREADY_COMMITTED = "This workshop was already committed; nothing can change any more."
PROPOSAL_FIELDS = ("description", "metric", "unit", "baseline", "target", "direction", "due_date")


class StaleProposalError(Exception):
    """Someone else saved the proposal since the editor loaded it; ``current`` is theirs."""

    def __init__(self, current: Proposal) -> None:
        super().__init__("Someone else changed this proposal while you were editing it.")
        self.current = current


def _phase_list(phases: Iterable[str]) -> str:
    names = [Phase(p).label.lower() for p in phases]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def lock_for_change(
    workshop: Workshop, actor: User, *, phases: Iterable[str], doing: str
) -> Workshop:
    """The workshop row, locked for this transaction, once the change is allowed now."""
    phases = tuple(phases)
    current = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if current.is_committed:
        raise ValidationError(ALREADY_COMMITTED)
    if current.phase not in phases:
        raise ValidationError(
            f"{doing} only in the {_phase_list(phases)} phase; the workshop is in the "
            f"{current.get_phase_display().lower()} phase now."
        )
    if current.locked and actor.pk != current.facilitator_id:
        raise ValidationError(
            f"The facilitator has locked the {current.get_phase_display().lower()} phase: "
            "wait until it is unlocked."
        )
    return current


def bump_version(current: Workshop, **changes: Any) -> None:
    """Apply ``changes`` and move the version on, for everyone's next poll."""
    Workshop.objects.filter(pk=current.pk).update(version=F("version") + 1, **changes)
    current.version += 1
    for name, value in changes.items():
        setattr(current, name, value)
    live.forget_version(current.pk)
    transaction.on_commit(lambda: live.forget_version(current.pk))


def _ensure_taking_part(workshop: Workshop, departments: Iterable[Department], field: str) -> None:
    allowed = set(workshop.departments.values_list("pk", flat=True))
    if any(d.pk not in allowed for d in departments):
        raise ValidationError({field: "Choose departments that take part in this workshop."})


def _ensure_active(proposal: Proposal) -> None:
    if proposal.status != Proposal.Status.ACTIVE:
        raise ValidationError(
            f"“{proposal.title}” was {proposal.get_status_display().lower()}; "
            "it can no longer change."
        )


def _require_title(title: str, field: str = "title") -> str:
    title = title.strip()
    if not title:
        raise ValidationError({field: "Give it a title: what will change?"})
    return title


# --- Workshops --------------------------------------------------------------------------------


@transaction.atomic
def workshop_create(
    *,
    workspace: Workspace,
    actor: User,
    title: str,
    period: Period,
    departments: Iterable[Department],
    participants: Iterable[User],
    votes_per_person: int = 3,
) -> Workshop:
    """A workshop in its draft phase, facilitated by ``actor`` (an executive or admin)."""
    departments = list(departments)
    people = [p for p in dict.fromkeys(participants) if p.pk != actor.pk]
    roles = dict(
        Membership.objects.filter(workspace=workspace, user__in=[actor, *people]).values_list(
            "user_id", "role"
        )
    )
    if Role(roles.get(actor.pk, Role.GUEST)).rank < Role.EXECUTIVE.rank:
        raise PermissionDenied("Executives and admins start workshops.")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the workshop a title, e.g. “Q4 shared goals: marketing × product”."
    if len(departments) < 2:
        errors["departments"] = "A joint workshop needs at least two departments."
    if not people:
        errors["participants"] = "Invite at least one other person."
    elif any(p.pk not in roles for p in people):
        errors["participants"] = "Choose people who are members of this workspace."
    elif guests := [str(p) for p in people if roles[p.pk] == Role.GUEST]:
        errors["participants"] = f"Guests cannot take part in workshops: {', '.join(guests)}."
    if errors:
        raise ValidationError(errors)
    ensure_in_workspace(workspace, departments, field="departments")
    ensure_in_workspace(workspace, [period], field="period")
    workshop = Workshop(
        workspace=workspace,
        title=title.strip(),
        period=period,
        facilitator=actor,
        votes_per_person=votes_per_person,
    )
    workshop.full_clean()
    workshop.save()
    workshop.departments.add(*departments)
    WorkshopParticipant.objects.bulk_create(
        WorkshopParticipant(workshop=workshop, user=person) for person in [actor, *people]
    )
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=workshop,
        summary=f"{actor} started the workshop “{workshop.title}” with {len(people)} people",
    )
    return workshop


@transaction.atomic
def workshop_advance(*, workshop: Workshop, actor: User) -> Workshop:
    """Move to the next phase (only forward, only by the facilitator); it starts unlocked."""
    ensure_facilitator(workshop, actor)
    current = lock_for_change(workshop, actor, phases=OPEN_PHASES, doing="The phase can move on")
    following = current.next_phase
    if following is None:
        raise ValidationError("The commit phase ends by committing the chosen proposals.")
    if not Proposal.objects.filter(workshop=current, status=Proposal.Status.ACTIVE).exists():
        raise ValidationError("Add at least one proposal before moving on.")
    before = current.get_phase_display()
    bump_version(current, phase=following, locked=False)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="phase",
        target=current,
        summary=f"{actor} moved “{current.title}” from {before} to {following.label}",
        changes={"phase": [before, following.label]},
    )
    return current


@transaction.atomic
def workshop_set_lock(*, workshop: Workshop, actor: User, locked: bool) -> Workshop:
    ensure_facilitator(workshop, actor)
    current = lock_for_change(workshop, actor, phases=OPEN_PHASES, doing="The phase can be locked")
    bump_version(current, locked=locked)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="locked" if locked else "unlocked",
        target=current,
        summary=f"{actor} {'locked' if locked else 'unlocked'} the "
        f"{current.get_phase_display().lower()} phase of “{current.title}”",
    )
    return current


@transaction.atomic
def workshop_set_votes(*, workshop: Workshop, actor: User, votes_per_person: int) -> Workshop:
    """Change the allowance before voting ends, never below what someone has already used."""
    ensure_facilitator(workshop, actor)
    current = lock_for_change(
        workshop,
        actor,
        phases=(Phase.DRAFT, Phase.REFINE, Phase.VOTE),
        doing="The votes per person can change",
    )
    if not 1 <= votes_per_person <= Workshop.MAX_VOTES:
        raise ValidationError(
            {"votes_per_person": f"Give each person between 1 and {Workshop.MAX_VOTES} votes."}
        )
    votes = list(
        Vote.objects.filter(workshop=current)
        .order_by("voter_id", "slot")
        .values_list("pk", "voter_id", "slot")
    )
    used: dict[int, list[int]] = {}
    for _, voter_id, slot in votes:
        used.setdefault(voter_id, []).append(slot)
    most = max((len(slots) for slots in used.values()), default=0)
    if votes_per_person < most:
        raise ValidationError(
            {
                "votes_per_person": f"Someone has already used {most} votes: "
                f"give at least {most}, or ask them to take votes back."
            }
        )
    # Keep every slot within the new allowance: move high slots down to free ones.
    for pk, voter_id, slot in votes:
        if slot > votes_per_person:
            free = min(set(range(1, votes_per_person + 1)) - set(used[voter_id]))
            used[voter_id] = [s for s in used[voter_id] if s != slot] + [free]
            Vote.objects.filter(pk=pk).update(slot=free)
    update_audited(
        current,
        {"votes_per_person": votes_per_person},
        workspace=workshop.workspace,
        actor=actor,
        summary=f"{actor} set {votes_per_person} votes per person in “{current.title}”",
        save=lambda changed: bump_version(changed, votes_per_person=votes_per_person),
    )
    return current


# --- Proposals --------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    workshop: Workshop,
    actor: User,
    title: str,
    owner_departments: Iterable[Department] = (),
    description: str = "",
    metric: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    direction: str = Direction.INCREASE,
    due_date: date | None = None,
) -> Proposal:
    current = lock_for_change(
        workshop, actor, phases=(Phase.DRAFT,), doing="Proposals can be added"
    )
    owners = list(owner_departments)
    title = _require_title(title)
    _ensure_taking_part(current, owners, "owner_departments")
    proposal = Proposal(
        workshop=current,
        author=actor,
        title=title,
        description=description,
        metric=metric,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
        due_date=due_date,
    )
    proposal.full_clean()
    proposal.save()
    proposal.owner_departments.add(*owners)
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="proposed",
        target=proposal,
        summary=f"{actor} proposed “{proposal.title}” in “{current.title}”",
    )
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    actor: User,
    version: int,
    title: str,
    owner_departments: Iterable[Department],
    **fields: Any,
) -> Proposal:
    """Edit a proposal; refuse with :class:`StaleProposalError` when ``version`` is old."""
    workshop = proposal.workshop
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"proposal_update() got unknown fields {sorted(unknown)}")
    current = lock_for_change(workshop, actor, phases=EDIT_PHASES, doing="Proposals can be edited")
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _ensure_active(locked)
    if locked.version != version:
        raise StaleProposalError(locked)
    owners = list(owner_departments)
    title = _require_title(title)
    _ensure_taking_part(current, owners, "owner_departments")

    def save(changed: Proposal) -> None:
        changed.version += 1
        changed.full_clean()
        changed.save()
        changed.owner_departments.set(owners)
        bump_version(current)

    update_audited(
        locked,
        {"title": title, **fields},
        workspace=workshop.workspace,
        actor=actor,
        summary=f"{actor} edited the proposal “{title}”",
        save=save,
        related={
            "owner_departments": (
                [d.name for d in locked.owner_departments.all()],
                [d.name for d in owners],
            )
        },
    )
    return locked


@transaction.atomic
def proposal_remove(*, proposal: Proposal, actor: User) -> Proposal:
    """Take a proposal off the board (the summary keeps it, marked removed); its votes return."""
    workshop = proposal.workshop
    ensure_facilitator(workshop, actor)
    current = lock_for_change(
        workshop, actor, phases=DISCUSS_PHASES, doing="Proposals can be removed"
    )
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _ensure_active(locked)
    Vote.objects.filter(proposal=locked).delete()
    Proposal.objects.filter(pk=locked.pk).update(
        status=Proposal.Status.REMOVED, version=F("version") + 1
    )
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="removed",
        target=locked,
        summary=f"{actor} removed the proposal “{locked.title}”",
    )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal, actor: User) -> Proposal:
    """Merge a duplicate into another proposal: its votes, comments, steps and owners move to the
    survivor; a person who voted for both keeps one vote and gets the other back."""
    workshop = proposal.workshop
    ensure_facilitator(workshop, actor)
    current = lock_for_change(
        workshop, actor, phases=DISCUSS_PHASES, doing="Proposals can be merged"
    )
    if into.workshop_id != current.pk or into.pk == proposal.pk:
        raise ValidationError({"into": "Choose another proposal of this workshop."})
    rows = Proposal.objects.select_for_update().in_bulk([proposal.pk, into.pk])
    merged, survivor = rows[proposal.pk], rows[into.pk]
    _ensure_active(merged)
    _ensure_active(survivor)
    survivor_voters = Vote.objects.filter(proposal=survivor).values("voter_id")
    Vote.objects.filter(proposal=merged, voter_id__in=survivor_voters).delete()
    Vote.objects.filter(proposal=merged).update(proposal=survivor)
    ProposalComment.objects.filter(proposal=merged).update(proposal=survivor)
    Step.objects.filter(proposal=merged).update(proposal=survivor)
    survivor.owner_departments.add(*merged.owner_departments.all())
    Proposal.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    Proposal.objects.filter(pk=merged.pk).update(
        status=Proposal.Status.MERGED, merged_into=survivor, version=F("version") + 1
    )
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="merged",
        target=merged,
        summary=f"{actor} merged “{merged.title}” into “{survivor.title}”",
    )
    survivor.refresh_from_db()
    return survivor


@transaction.atomic
def comment_create(*, proposal: Proposal, actor: User, body: str) -> ProposalComment:
    workshop = proposal.workshop
    current = lock_for_change(workshop, actor, phases=DISCUSS_PHASES, doing="Comments can be added")
    _ensure_active(proposal)
    if not body.strip():
        raise ValidationError({"body": "Write a comment first."})
    comment = ProposalComment(proposal=proposal, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="commented",
        target=proposal,
        summary=f"{actor} commented on “{proposal.title}”",
    )
    return comment


# --- Votes ------------------------------------------------------------------------------------


def _all_used(allowance: int) -> ValidationError:
    return ValidationError(
        f"You have used all {allowance} votes. Take one back to vote for this proposal."
    )


@transaction.atomic
def vote_cast(*, proposal: Proposal, voter: User) -> Vote:
    """One dot on a proposal. The voter's free slot is taken inside the transaction; the unique
    (workshop, voter, slot) constraint refuses a vote beyond the allowance even when two tabs
    click at the same moment."""
    workshop = proposal.workshop
    current = lock_for_change(workshop, voter, phases=(Phase.VOTE,), doing="Votes can be cast")
    _ensure_active(proposal)
    used = dict(Vote.objects.filter(workshop=current, voter=voter).values_list("slot", "proposal"))
    if proposal.pk in used.values():
        raise ValidationError("You already voted for this proposal.")
    free = sorted(set(range(1, current.votes_per_person + 1)) - set(used))
    if not free:
        raise _all_used(current.votes_per_person)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                workshop=current, proposal=proposal, voter=voter, slot=free[0]
            )
    except IntegrityError:
        raise _all_used(current.votes_per_person) from None
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=voter,
        verb="voted",
        target=proposal,
        summary=f"{voter} voted for “{proposal.title}”",
    )
    return vote


@transaction.atomic
def vote_withdraw(*, proposal: Proposal, voter: User) -> None:
    workshop = proposal.workshop
    current = lock_for_change(
        workshop, voter, phases=(Phase.VOTE,), doing="Votes can be taken back"
    )
    deleted, _ = Vote.objects.filter(proposal=proposal, voter=voter).delete()
    if not deleted:
        raise ValidationError("You have not voted for this proposal.")
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=voter,
        verb="unvoted",
        target=proposal,
        summary=f"{voter} took back their vote for “{proposal.title}”",
    )


# --- Steps ------------------------------------------------------------------------------------


@transaction.atomic
def step_create(
    *,
    proposal: Proposal,
    actor: User,
    department: Department,
    title: str,
    metric: str = "",
    unit: str = "",
    baseline: Decimal | None = None,
    target: Decimal | None = None,
    due_date: date | None = None,
) -> Step:
    """A department-level step of a proposal; committing makes it a child goal."""
    workshop = proposal.workshop
    current = lock_for_change(
        workshop, actor, phases=(Phase.BREAK_DOWN,), doing="Steps can be added"
    )
    _ensure_active(proposal)
    title = _require_title(title)
    _ensure_taking_part(current, [department], "department")
    period = current.period
    if due_date and not period.start_date <= due_date <= period.end_date:
        raise ValidationError(
            {
                "due_date": f"Choose a date within {period} "
                f"({period.start_date:%d %b} to {period.end_date:%d %b %Y})."
            }
        )
    step = Step(
        proposal=proposal,
        department=department,
        author=actor,
        title=title,
        metric=metric,
        unit=unit,
        baseline=baseline,
        target=target,
        due_date=due_date,
    )
    step.full_clean()
    step.save()
    bump_version(current)
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="created",
        target=step,
        summary=f"{actor} added the {department} step “{step.title}” to “{proposal.title}”",
    )
    return step


@transaction.atomic
def step_delete(*, step: Step, actor: User) -> None:
    workshop = step.proposal.workshop
    current = lock_for_change(
        workshop, actor, phases=(Phase.BREAK_DOWN,), doing="Steps can be removed"
    )
    audit_record(
        workspace=workshop.workspace,
        actor=actor,
        verb="deleted",
        target=step,
        summary=f"{actor} removed the step “{step.title}”",
    )
    step.delete()
    bump_version(current)
