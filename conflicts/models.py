"""The conflict register: disputes between departments, each side's position and evidence, and
the decision that settles them.

A :class:`Conflict` moves open -> in discussion -> decided -> closed, or is withdrawn before it
is decided. Its decision is a :class:`forums.models.Decision` in the workspace's one decision
log; what only a conflict's decision has lives here, beside it: the trade-off each side
accepted and its lead's acknowledgement (:class:`Acknowledgement`), the consulted departments
(``Conflict.consulted``, DACI), and the evidence it rested on (:class:`DecisionEvidence`). They
stay in this app rather than on the forum decision because forums stands below conflicts and
knows nothing of sides: a meeting's decision has none, and the decision log stays one plain
table that every source writes the same way.
"""

from django.conf import settings
from django.db import models

from core.outbox import OutboxRow
from forums.models import Decision
from goals.models import KPI, Goal
from teams.models import Department, Workspace


class Conflict(models.Model):
    class Kind(models.TextChoices):
        RESOURCES = "resources", "Resources"
        PRIORITY = "priority", "Priority"
        TIMELINE = "timeline", "Timeline"
        SCOPE = "scope", "Scope"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_DISCUSSION = "in_discussion", "In discussion"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # Still to be decided: on forum agendas, escalated past their date.
    UNDECIDED = (Status.OPEN, Status.IN_DISCUSSION)
    # The steps of the process in order (withdrawn is a way out, not a step).
    STEPS = (Status.OPEN, Status.IN_DISCUSSION, Status.DECIDED, Status.CLOSED)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conflicts")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.OTHER)
    at_stake = models.TextField("what is at stake")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts_raised"
    )
    # RESTRICT, not PROTECT (here and on the decision): a department or decision with
    # conflicts cannot be deleted alone, but deleting the whole workspace deletes them all.
    raised_by_department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="conflicts_raised"
    )
    departments = models.ManyToManyField(Department, related_name="conflicts")
    goals = models.ManyToManyField(Goal, blank=True, related_name="conflicts")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="conflicts")
    decide_by = models.DateField("decide by")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflicts_facilitated",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    decision = models.ForeignKey(
        Decision, on_delete=models.RESTRICT, null=True, blank=True, related_name="conflicts"
    )
    # DACI: the departments consulted before the decision (the deciders are its sides).
    consulted = models.ManyToManyField(Department, blank=True, related_name="conflicts_consulted")
    created_at = models.DateTimeField(auto_now_add=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The register: a workspace's conflicts by status; escalation: undecided by date.
            models.Index(fields=["workspace", "status", "decide_by"], name="conflict_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["open", "in_discussion", "decided", "closed", "withdrawn"]
                ),
                name="conflict_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["decided", "closed"], decision__isnull=False)
                | models.Q(status__in=["open", "in_discussion", "withdrawn"]),
                name="conflict_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_undecided(self) -> bool:
        return self.status in self.UNDECIDED


class Position(models.Model):
    """What one involved department wants, why, and what it would trade."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="positions")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    wants = models.TextField("what we want")
    why = models.TextField("why")
    would_trade = models.TextField("what we would trade", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "department"],
                name="position_once_per_department",
                violation_error_message="This department has already stated its position.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.wants[:60]}"


class Evidence(models.Model):
    """A KPI a position points to; the conflict page charts its recent values."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="evidence")
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["position", "kpi"], name="evidence_once_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} for {self.position.department}"


class DecisionEvidence(models.Model):
    """One evidence KPI as it stood when the conflict was decided: its last values, in the
    shape the KPI chart reads (name, unit, direction, dates, values, green, red)."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="snapshot")
    kpi = models.ForeignKey(KPI, on_delete=models.SET_NULL, null=True, related_name="+")
    data = models.JSONField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.data.get('name', 'KPI')} at the decision on {self.conflict}"

    @property
    def chart_id(self) -> str:
        return f"snapshot-chart-{self.pk}"


class Acknowledgement(models.Model):
    """The trade-off one side accepted in the decision, and its lead's acknowledgement (the
    department's executive's, when it has no lead)."""

    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    trade_off = models.TextField("the trade-off accepted")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict", "department"], name="acknowledgement_once_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} on {self.conflict}"


class ConflictReminder(OutboxRow):
    """A conflict past its decide-by date without a decision, escalated to one executive of
    an involved department, exactly once (see :class:`core.outbox.OutboxRow`)."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", "Past its decide-by date"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="conflict_reminders"
    )
    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.ESCALATION)

    class Meta(OutboxRow.Meta):
        # OutboxRow's indexes, named shorter: "conflictreminder_…" passes 30 characters.
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(status="pending"),
                name="conflict_rem_pending_queued",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="conflict_rem_sending_claimed",
            ),
        ]
        constraints = [
            *OutboxRow.Meta.constraints,
            models.UniqueConstraint(
                fields=["conflict", "recipient", "kind"], name="conflict_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} about conflict {self.conflict_id}"
