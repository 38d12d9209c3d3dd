"""The workshop rules, through the services: phases, lock, votes, merges, commit."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction

from core.models import AuditEvent
from goals.models import Goal
from tests.factories import GoalFactory, MembershipFactory, PeriodFactory
from tests.workshops.helpers import advance_to, make_proposal, make_workshop, quarter
from workshops import commit, services
from workshops.models import Proposal, ProposalComment, Step, Vote, Workshop


def _proposals(workshop, author, count):
    return [
        make_proposal(workshop, author, title=f"Increase qualified leads by {10 + i}% in Q4")
        for i in range(count)
    ]


# --- Creating a workshop ----------------------------------------------------------------------


def test_executive_starts_a_workshop_and_facilitates_it(acme):
    workshop = make_workshop(acme, participants=[acme.leo, acme.mia])
    assert workshop.facilitator == acme.claire
    assert workshop.phase == Workshop.Phase.DRAFT
    assert set(workshop.participants.values_list("user__username", flat=True)) == {
        "claire",
        "leo",
        "mia",
    }
    assert AuditEvent.objects.filter(verb="created", target_type="workshop").exists()


def test_lead_cannot_start_a_workshop(acme):
    with pytest.raises(PermissionDenied):
        make_workshop(acme, facilitator=acme.leo, participants=[acme.mia])
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"departments": "one"}, "departments"),
        ({"participants": []}, "participants"),
        ({"participants": "guest"}, "participants"),
        ({"participants": "outsider"}, "participants"),
    ],
)
def test_bad_workshop_is_refused_and_nothing_written(acme, oscar, change, field):
    kwargs = dict(change)
    if kwargs.get("departments") == "one":
        kwargs["departments"] = [acme.marketing]
    if kwargs.get("participants") == "guest":
        kwargs["participants"] = [acme.leo, acme.gus]
    if kwargs.get("participants") == "outsider":
        kwargs["participants"] = [oscar]
    with pytest.raises(ValidationError) as error:
        make_workshop(acme, **kwargs)
    assert field in error.value.message_dict
    assert not Workshop.objects.exists()


def test_period_of_another_workspace_is_refused(acme, globex):
    with pytest.raises(ValidationError):
        services.workshop_create(
            workspace=acme.workspace,
            actor=acme.claire,
            title="Q4",
            period=PeriodFactory(workspace=globex),
            departments=[acme.marketing, acme.product],
            participants=[acme.leo],
        )
    assert not Workshop.objects.exists()


# --- Phases and the lock ----------------------------------------------------------------------


def test_phases_move_forward_one_at_a_time_and_every_change_bumps_the_version(workshop, acme):
    version = workshop.version
    make_proposal(workshop, acme.leo)
    for expected in ["refine", "vote", "break_down", "commit"]:
        services.workshop_advance(workshop=workshop, actor=acme.claire)
        workshop.refresh_from_db()
        assert workshop.phase == expected
    assert workshop.version == version + 5
    with pytest.raises(ValidationError, match="ends by committing"):
        services.workshop_advance(workshop=workshop, actor=acme.claire)


def test_only_the_facilitator_moves_the_phase(workshop, proposal, acme):
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        services.workshop_advance(workshop=workshop, actor=acme.leo)
    workshop.refresh_from_db()
    assert workshop.phase == "draft"


def test_the_draft_phase_needs_a_proposal_before_moving_on(workshop, acme):
    with pytest.raises(ValidationError, match="at least one proposal"):
        services.workshop_advance(workshop=workshop, actor=acme.claire)


def test_a_locked_phase_lets_only_the_facilitator_change_anything(workshop, acme):
    services.workshop_set_lock(workshop=workshop, actor=acme.claire, locked=True)
    with pytest.raises(ValidationError, match="locked the draft phase"):
        make_proposal(workshop, acme.leo)
    assert not Proposal.objects.exists()
    make_proposal(workshop, acme.claire)
    services.workshop_advance(workshop=workshop, actor=acme.claire)
    workshop.refresh_from_db()
    assert workshop.locked is False, "a new phase starts unlocked"


# --- Proposals --------------------------------------------------------------------------------


def test_proposal_without_a_title_is_refused(workshop, acme):
    with pytest.raises(ValidationError) as error:
        make_proposal(workshop, acme.leo, title="   ")
    assert "title" in error.value.message_dict
    assert not Proposal.objects.exists()


def test_proposals_are_added_only_in_the_draft_phase(workshop, proposal, acme):
    advance_to(workshop, "refine")
    with pytest.raises(ValidationError, match="only in the draft phase"):
        make_proposal(workshop, acme.leo, title="Launch the partner portal by December")
    assert Proposal.objects.count() == 1


def test_owner_departments_must_take_part_in_the_workshop(workshop, acme):
    with pytest.raises(ValidationError) as error:
        make_proposal(workshop, acme.leo, owner_departments=[acme.sales])
    assert "owner_departments" in error.value.message_dict


def test_an_edit_based_on_an_old_version_is_refused_with_the_other_text(workshop, proposal, acme):
    services.proposal_update(
        proposal=proposal,
        actor=acme.claire,
        version=proposal.version,
        title="Increase trial sign-ups by 25% through partner webinars",
        owner_departments=[acme.marketing],
    )
    with pytest.raises(services.StaleProposalError) as stale:
        services.proposal_update(
            proposal=proposal,
            actor=acme.leo,
            version=proposal.version,
            title="Leo's text",
            owner_departments=[acme.product],
        )
    assert stale.value.current.title == "Increase trial sign-ups by 25% through partner webinars"
    proposal.refresh_from_db()
    assert proposal.title == "Increase trial sign-ups by 25% through partner webinars"
    assert [d.name for d in proposal.owner_departments.all()] == ["Marketing"]


def test_comments_need_a_body(workshop, proposal, acme):
    with pytest.raises(ValidationError):
        services.comment_create(proposal=proposal, actor=acme.leo, body="  ")
    assert not ProposalComment.objects.exists()


# --- Votes ------------------------------------------------------------------------------------


def test_votes_are_cast_only_in_the_vote_phase(workshop, proposal, acme):
    with pytest.raises(ValidationError, match="only in the vote phase"):
        services.vote_cast(proposal=proposal, voter=acme.leo)
    advance_to(workshop, "break_down")
    with pytest.raises(ValidationError, match="break down phase now"):
        services.vote_cast(proposal=proposal, voter=acme.leo)
    assert not Vote.objects.exists()


def test_a_vote_beyond_the_allowance_is_refused(acme):
    workshop = make_workshop(acme, votes_per_person=2)
    proposals = _proposals(workshop, acme.leo, 3)
    advance_to(workshop, "vote")
    services.vote_cast(proposal=proposals[0], voter=acme.leo)
    services.vote_cast(proposal=proposals[1], voter=acme.leo)
    with pytest.raises(ValidationError, match="You have used all 2 votes"):
        services.vote_cast(proposal=proposals[2], voter=acme.leo)
    with pytest.raises(ValidationError, match="You have used all 2 votes"):
        services.vote_cast(proposal=proposals[2], voter=acme.leo)
    assert Vote.objects.filter(voter=acme.leo).count() == 2


def test_the_database_refuses_a_second_vote_in_the_same_slot(acme):
    workshop = make_workshop(acme, votes_per_person=2)
    first, second = _proposals(workshop, acme.leo, 2)
    Vote.objects.create(workshop=workshop, proposal=first, voter=acme.leo, slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(workshop=workshop, proposal=second, voter=acme.leo, slot=1)


def test_one_vote_per_person_and_proposal_and_it_can_be_taken_back(workshop, proposal, acme):
    advance_to(workshop, "vote")
    services.vote_cast(proposal=proposal, voter=acme.leo)
    with pytest.raises(ValidationError, match="already voted"):
        services.vote_cast(proposal=proposal, voter=acme.leo)
    services.vote_withdraw(proposal=proposal, voter=acme.leo)
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError, match="not voted"):
        services.vote_withdraw(proposal=proposal, voter=acme.leo)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_voting_at_once_never_exceed_the_allowance(acme):
    """Five clicks at once, each on its own connection. On PostgreSQL they overlap and the
    workshop's row lock and the unique slot decide; SQLite (a file: tests/conftest.py) runs
    the write transactions one after the other. Either way one wins and four are told why."""
    workshop = make_workshop(acme, votes_per_person=2)
    proposals = _proposals(workshop, acme.leo, 6)
    advance_to(workshop, "vote")
    services.vote_cast(proposal=proposals[0], voter=acme.leo)
    start = threading.Barrier(5)
    outcomes: list[str] = []

    def click(proposal):
        try:
            start.wait()
            services.vote_cast(proposal=proposal, voter=acme.leo)
            outcomes.append("voted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(p,)) for p in proposals[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = "You have used all 2 votes. Take one back to vote for this proposal."
    assert sorted(outcomes) == [refused] * 4 + ["voted"], "every click gets an answer"
    assert Vote.objects.filter(voter=acme.leo).count() == 2
    assert sorted(Vote.objects.filter(voter=acme.leo).values_list("slot", flat=True)) == [1, 2]


def test_votes_per_person_cannot_go_below_what_someone_used(acme):
    workshop = make_workshop(acme, votes_per_person=5)
    proposals = _proposals(workshop, acme.leo, 4)
    advance_to(workshop, "vote")
    for proposal in proposals[:3]:
        services.vote_cast(proposal=proposal, voter=acme.leo)
    services.vote_withdraw(proposal=proposals[0], voter=acme.leo)  # frees slot 1
    with pytest.raises(ValidationError) as error:
        services.workshop_set_votes(workshop=workshop, actor=acme.claire, votes_per_person=1)
    assert "at least 2" in error.value.message_dict["votes_per_person"][0]
    services.workshop_set_votes(workshop=workshop, actor=acme.claire, votes_per_person=2)
    assert sorted(Vote.objects.filter(voter=acme.leo).values_list("slot", flat=True)) == [1, 2]
    with pytest.raises(ValidationError, match="used all 2 votes"):
        services.vote_cast(proposal=proposals[3], voter=acme.leo)


def test_votes_per_person_are_fixed_once_voting_is_over(workshop, proposal, acme):
    advance_to(workshop, "break_down")
    with pytest.raises(ValidationError):
        services.workshop_set_votes(workshop=workshop, actor=acme.claire, votes_per_person=5)
    workshop.refresh_from_db()
    assert workshop.votes_per_person == 3


# --- Facilitator: merge and remove ------------------------------------------------------------


def test_merging_moves_votes_without_exceeding_anyones_allowance(acme):
    workshop = make_workshop(acme, participants=[acme.leo, acme.mia])
    duplicate, survivor = _proposals(workshop, acme.leo, 2)
    services.comment_create(proposal=duplicate, actor=acme.mia, body="Same as the other one?")
    advance_to(workshop, "vote")
    services.vote_cast(proposal=duplicate, voter=acme.leo)
    services.vote_cast(proposal=survivor, voter=acme.leo)
    services.vote_cast(proposal=duplicate, voter=acme.mia)

    services.proposal_merge(proposal=duplicate, into=survivor, actor=acme.claire)

    duplicate.refresh_from_db()
    assert duplicate.status == Proposal.Status.MERGED
    assert duplicate.merged_into == survivor
    assert set(survivor.votes.values_list("voter__username", flat=True)) == {"leo", "mia"}
    assert Vote.objects.filter(voter=acme.leo).count() == 1, "Leo got his second vote back"
    assert survivor.comments.count() == 1


def test_merging_needs_another_active_proposal(workshop, proposal, acme):
    with pytest.raises(ValidationError):
        services.proposal_merge(proposal=proposal, into=proposal, actor=acme.claire)
    other = make_proposal(workshop, acme.claire, title="Launch the referral programme in Q4")
    services.proposal_remove(proposal=other, actor=acme.claire)
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="removed"):
        services.proposal_merge(proposal=proposal, into=other, actor=acme.claire)


def test_removing_a_proposal_keeps_it_marked_and_returns_its_votes(workshop, proposal, acme):
    advance_to(workshop, "vote")
    services.vote_cast(proposal=proposal, voter=acme.leo)
    with pytest.raises(PermissionDenied):
        services.proposal_remove(proposal=proposal, actor=acme.leo)
    services.proposal_remove(proposal=proposal, actor=acme.claire)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REMOVED
    assert not Vote.objects.exists()


# --- Steps ------------------------------------------------------------------------------------


def test_steps_are_added_in_the_break_down_phase_for_taking_part_departments(
    workshop, proposal, acme
):
    with pytest.raises(ValidationError, match="break down phase"):
        services.step_create(
            proposal=proposal, actor=acme.leo, department=acme.product, title="Ship it"
        )
    advance_to(workshop, "break_down")
    with pytest.raises(ValidationError) as error:
        services.step_create(
            proposal=proposal, actor=acme.leo, department=acme.sales, title="Sell it"
        )
    assert "department" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.step_create(
            proposal=proposal,
            actor=acme.leo,
            department=acme.product,
            title="Ship it",
            due_date=dt.date(2027, 3, 1),
        )
    assert "due_date" in error.value.message_dict
    services.step_create(proposal=proposal, actor=acme.leo, department=acme.product, title="Ship")
    assert Step.objects.count() == 1


# --- Commit -----------------------------------------------------------------------------------


def _ready_to_commit(acme):
    workshop = make_workshop(acme, participants=[acme.leo, acme.mia])
    awareness = make_proposal(
        workshop, acme.claire, title="Increase aided awareness by 30% through campaigns"
    )
    trials = make_proposal(workshop, acme.leo)
    advance_to(workshop, "vote")
    for voter in (acme.claire, acme.leo, acme.mia):
        services.vote_cast(proposal=trials, voter=voter)
    services.vote_cast(proposal=awareness, voter=acme.claire)
    advance_to(workshop, "break_down")
    for proposal, department in [(trials, acme.product), (trials, acme.marketing)]:
        services.step_create(
            proposal=proposal,
            actor=acme.leo,
            department=department,
            title=f"{department}: do its part",
            baseline=Decimal("10"),
            target=Decimal("5"),
        )
    services.step_create(
        proposal=awareness, actor=acme.claire, department=acme.marketing, title="Run the campaign"
    )
    advance_to(workshop, "commit")
    return workshop, awareness, trials


def test_commit_turns_proposals_and_steps_into_shared_goals_with_child_goals(acme):
    GoalFactory(workspace=acme.workspace, period=quarter(acme.workspace), priority=4)
    workshop, awareness, trials = _ready_to_commit(acme)

    goals = commit.workshop_commit(
        workshop=workshop, actor=acme.claire, proposal_ids=[awareness.pk, trials.pk]
    )

    assert [g.title for g in goals] == [trials.title, awareness.title], "ranked by votes"
    assert [g.priority for g in goals] == [5, 6], "after the goals already ranked"
    shared = Goal.objects.get(pk=goals[0].pk)
    assert shared.is_shared
    assert shared.period == workshop.period
    assert shared.accountable == acme.leo
    assert (shared.metric, shared.baseline, shared.target) == (
        "Trial sign-ups",
        Decimal("1000"),
        Decimal("1200"),
    )
    children = shared.children.order_by("title")
    assert [list(c.owner_departments.values_list("name", flat=True)) for c in children] == [
        ["Marketing"],
        ["Product"],
    ]
    assert all(c.direction == "decrease" for c in children)
    assert children.get(owner_departments=acme.product).accountable == acme.leo
    trials.refresh_from_db()
    assert trials.goal == shared
    workshop.refresh_from_db()
    assert workshop.phase == Workshop.Phase.CLOSED
    assert workshop.committed_at is not None


def test_a_second_commit_is_refused_and_writes_nothing(acme):
    workshop, awareness, trials = _ready_to_commit(acme)
    commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[trials.pk])
    goals = Goal.objects.count()
    with pytest.raises(ValidationError, match="This workshop was already committed"):
        commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[awareness.pk])
    assert Goal.objects.count() == goals


def test_commit_is_all_or_nothing(acme):
    workshop, awareness, trials = _ready_to_commit(acme)
    awareness.owner_departments.clear()  # the second goal cannot be created without owners
    with pytest.raises(ValidationError, match="cannot become a goal"):
        commit.workshop_commit(
            workshop=workshop, actor=acme.claire, proposal_ids=[awareness.pk, trials.pk]
        )
    assert not Goal.objects.exists()
    assert not Proposal.objects.exclude(goal=None).exists()
    workshop.refresh_from_db()
    assert workshop.phase == Workshop.Phase.COMMIT
    assert workshop.committed_at is None


def test_commit_needs_the_commit_phase_the_facilitator_and_active_proposals(acme):
    workshop, _awareness, trials = _ready_to_commit(acme)
    with pytest.raises(PermissionDenied):
        commit.workshop_commit(workshop=workshop, actor=acme.leo, proposal_ids=[trials.pk])
    with pytest.raises(ValidationError, match="at least one"):
        commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[])
    other = make_workshop(acme, title="Another")
    stray = make_proposal(other, acme.leo)
    with pytest.raises(ValidationError, match="only active proposals"):
        commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[stray.pk])
    with pytest.raises(ValidationError, match="commit phase first"):
        commit.workshop_commit(workshop=other, actor=acme.claire, proposal_ids=[stray.pk])
    assert not Goal.objects.exists()


def test_a_removed_member_is_not_made_accountable(acme):
    workshop, _awareness, trials = _ready_to_commit(acme)
    acme.leo.memberships.all().delete()
    MembershipFactory(user=acme.leo)  # still a person, in another workspace
    (goal,) = commit.workshop_commit(workshop=workshop, actor=acme.claire, proposal_ids=[trials.pk])
    assert goal.accountable is None
