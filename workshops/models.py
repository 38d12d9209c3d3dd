"""Live goal-setting workshops: proposals, comments, dot votes and department-level steps.

A workshop moves forward through its phases (draft, refine, vote, break down, commit) and ends
closed, when ``workshop_commit`` has turned the chosen proposals into real shared goals.
Every change bumps ``Workshop.version``; the live board compares it to what a browser last saw.
"""

from django.conf import settings
from django.db import models

from goals.models import Direction, Goal, Period
from teams.models import Department, Workspace


class Workshop(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", "Draft"
        REFINE = "refine", "Refine"
        VOTE = "vote", "Vote"
        BREAK_DOWN = "break_down", "Break down"
        COMMIT = "commit", "Commit"
        CLOSED = "closed", "Closed"

    # What each phase is for, in the words shown on the board.
    PHASE_HELP = {
        Phase.DRAFT: "Everyone proposes goals. Add yours and watch the others arrive.",
        Phase.REFINE: "Make each proposal SMART: fix what the coach flags and discuss.",
        Phase.VOTE: "Dot voting: spend your votes on the proposals that matter most.",
        Phase.BREAK_DOWN: "Break the winners into department-level steps.",
        Phase.COMMIT: "The facilitator chooses the proposals that become shared goals.",
        Phase.CLOSED: "Committed: the chosen proposals are now shared goals.",
    }
    MAX_VOTES = 20

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(max_length=200)
    period = models.ForeignKey(Period, on_delete=models.RESTRICT, related_name="workshops")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_workshops"
    )
    departments = models.ManyToManyField(Department, related_name="workshops")
    phase = models.CharField(max_length=12, choices=Phase, default=Phase.DRAFT)
    # A locked phase: only the facilitator may change anything.
    locked = models.BooleanField(default=False)
    votes_per_person = models.PositiveSmallIntegerField(default=3)
    # Bumped (with F()) in the transaction of every change; the live board polls it.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The workshop list: a workspace's workshops, newest first.
            models.Index(fields=["workspace", "-created_at"], name="workshop_workspace_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    phase__in=["draft", "refine", "vote", "break_down", "commit", "closed"]
                ),
                name="workshop_phase_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(votes_per_person__gte=1, votes_per_person__lte=20),
                name="workshop_votes_per_person_range",
                violation_error_message="Give each person between 1 and 20 votes.",
            ),
            models.CheckConstraint(
                condition=models.Q(phase="closed", committed_at__isnull=False)
                | (~models.Q(phase="closed") & models.Q(committed_at__isnull=True)),
                name="workshop_closed_iff_committed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phase_help(self) -> str:
        return self.PHASE_HELP[self.Phase(self.phase)]

    @property
    def next_phase(self) -> "Workshop.Phase | None":
        """The phase the facilitator can move to next (commit ends only by committing)."""
        order = list(self.Phase)
        index = order.index(self.Phase(self.phase))
        return order[index + 1] if index + 1 < order.index(self.Phase.CLOSED) else None

    def phase_reached(self, phase: str) -> bool:
        order = list(self.Phase)
        return order.index(self.Phase(self.phase)) >= order.index(self.Phase(phase))

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None


class WorkshopParticipant(models.Model):
    """An invited person (the facilitator is one too); ``last_seen`` drives presence."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_seats"
    )
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__username"]
        constraints = [
            # Also serves the participation check (workshop, user).
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshop_participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workshop}"


class Proposal(models.Model):
    """A goal proposed in a workshop; committing it creates a shared goal."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        MERGED = "merged", "Merged"
        REMOVED = "removed", "Removed"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workshop_proposals"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    metric = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=8, choices=Direction, default=Direction.INCREASE)
    due_date = models.DateField(null=True, blank=True)
    owner_departments = models.ManyToManyField(Department, related_name="workshop_proposals")
    status = models.CharField(max_length=8, choices=Status, default=Status.ACTIVE)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    # Bumped by every edit; an edit that names an older version is refused.
    version = models.PositiveIntegerField(default=1)
    goal = models.OneToOneField(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshop_proposal"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "merged", "removed"]),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="merged", merged_into__isnull=False)
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="proposal_merged_names_survivor",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=["increase", "decrease"]),
                name="proposal_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(target__isnull=True)
                | models.Q(baseline__isnull=True)
                | ~models.Q(target=models.F("baseline")),
                name="proposal_target_differs_from_baseline",
                violation_error_message="The target must differ from the baseline.",
            ),
        ]
        indexes = [
            # The board: a workshop's proposals by status.
            models.Index(fields=["workshop", "status"], name="proposal_workshop_status"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalComment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Vote(models.Model):
    """One dot. A person holds slots 1..votes_per_person in a workshop; the unique slot is
    what makes the database refuse a vote beyond the allowance, however fast it is clicked."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "voter", "slot"], name="vote_slot_unique_per_voter"
            ),
            # One dot per person and proposal; also serves "my votes on this proposal".
            models.UniqueConstraint(fields=["proposal", "voter"], name="vote_once_per_proposal"),
            models.CheckConstraint(
                condition=models.Q(slot__gte=1, slot__lte=20), name="vote_slot_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.proposal}"


class Step(models.Model):
    """A department-level step of a proposal; committing makes it a child goal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="workshop_steps"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    metric = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    goal = models.OneToOneField(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="workshop_step"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department__name", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target__isnull=True)
                | models.Q(baseline__isnull=True)
                | ~models.Q(target=models.F("baseline")),
                name="step_target_differs_from_baseline",
                violation_error_message="The target must differ from the baseline.",
            ),
        ]

    def __str__(self) -> str:
        return self.title
