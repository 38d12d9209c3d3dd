from django.conf import settings
from django.db import models

from core.outbox import OutboxRow
from goals.models import Goal
from teams.models import Department, Workspace


class Cycle(models.Model):
    """One check-in cycle of a workspace: each active goal owes one check-in per cycle.

    The dates follow from the workspace's cadence (see :mod:`checkins.cycles`); the row gives
    check-ins and reminders something to point at.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cycles")
    starts_on = models.DateField()
    due_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "starts_on"], name="cycle_unique_start_per_workspace"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="cycle_due_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%d %b} – {self.due_on:%d %b %Y}"


def confidence_band(confidence: int) -> str:
    """The goal status a confidence of 1 to 10 stands for."""
    if confidence >= 7:
        return Goal.Status.ON_TRACK
    return Goal.Status.AT_RISK if confidence >= 4 else Goal.Status.OFF_TRACK


class CheckIn(models.Model):
    """A team lead's report on one goal for one cycle."""

    # Indexed by the one-per-goal-per-cycle constraint and checkin_cycle_confidence, both led
    # by the cycle.
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins",
    )
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(help_text="1 (will miss) to 10 (certain).")
    moved = models.TextField("what moved", blank=True)
    blockers = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Goal detail: a goal's check-in history, newest first.
            models.Index(fields=["goal", "-created_at"], name="checkin_goal_recent"),
            # My check-ins: what a person sent, newest first.
            models.Index(fields=["author", "-created_at"], name="checkin_author_recent"),
            # The health figures (health.sources.sources_read): the confidences of the latest
            # cycles' check-ins, read from the index alone.
            models.Index(fields=["cycle", "goal", "confidence"], name="checkin_cycle_confidence"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "goal"], name="checkin_one_per_goal_per_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=10),
                name="checkin_confidence_1_to_10",
                violation_error_message="Confidence runs from 1 to 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} ({self.cycle})"

    @property
    def confidence_band(self) -> str:
        return confidence_band(self.confidence)


class Ask(models.Model):
    """What one department needs from another, by when, for which goal."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMMITTED = "committed", "Committed"
        DECLINED = "declined", "Declined"
        DELIVERED = "delivered", "Delivered"

    UNRESOLVED = (Status.OPEN, Status.COMMITTED)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="asks")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="asks")
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="asks"
    )
    from_department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="asks_sent"
    )
    to_department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="asks_received"
    )
    text = models.TextField("what is needed", max_length=1000)
    due_on = models.DateField("needed by")
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    committed_on = models.DateField("committed for", null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Ask inbox: a department's asks by status, soonest due first.
            models.Index(fields=["to_department", "status", "due_on"], name="ask_inbox"),
            # Sent asks: a department's outgoing asks by status.
            models.Index(fields=["from_department", "status", "due_on"], name="ask_outbox"),
            # A workspace's asks by status: the ask inbox's filter, the health figures' asks.
            models.Index(fields=["workspace", "status", "due_on"], name="ask_workspace_status"),
            # The check-ins panel's late asks (asks_needing_attention): unresolved asks by the
            # date needed, read in order until enough are late.
            models.Index(
                fields=["workspace", "due_on", "id"],
                condition=models.Q(status__in=["open", "committed"]),
                name="ask_unresolved_due",
            ),
            # The check-ins panel's recent declines (asks_needing_attention): a workspace's
            # asks of a status by when they were answered.
            models.Index(
                fields=["workspace", "status", "responded_at"], name="ask_workspace_responded"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_department=models.F("to_department")),
                name="ask_between_two_departments",
                violation_error_message="Ask another department than your own.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "committed", "declined", "delivered"]),
                name="ask_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="committed") | models.Q(committed_on__isnull=False),
                name="ask_commitment_has_date",
                violation_error_message="Say by when you will deliver.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="ask_decline_has_reason",
                violation_error_message="Say why you decline.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}: {self.text[:60]}"

    @property
    def expected_on(self):
        """The date that counts: the committed date once there is one, else the due date."""
        return self.committed_on or self.due_on

    def is_late(self, today) -> bool:
        return self.status in self.UNRESOLVED and self.expected_on < today


class Reminder(OutboxRow):
    """One check-in or ask reminder to one person (see :class:`core.outbox.OutboxRow`).

    Check-in kinds are keyed by (cycle, goal, recipient, kind), ask kinds by (ask, recipient,
    kind). A row moves pending -> sending (claimed by one worker) -> sent, or to failed after
    its retries, or to cancelled when there is nothing left to remind of.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", "Before the due date"
        NUDGE = "nudge", "Nudge after the due date"
        ESCALATION = "escalation", "Escalation to the executive"
        ASK_RECEIVED = "ask_received", "New ask for your department"
        ASK_DECLINED = "ask_declined", "Ask declined"
        ASK_LATE = "ask_late", "Ask late"

    CHECKIN_KINDS = (Kind.BEFORE_DUE, Kind.NUDGE, Kind.ESCALATION)
    ASK_KINDS = (Kind.ASK_RECEIVED, Kind.ASK_DECLINED, Kind.ASK_LATE)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="reminders")
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reminders")
    ask = models.ForeignKey(
        Ask, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind)

    class Meta(OutboxRow.Meta):
        constraints = [
            *OutboxRow.Meta.constraints,
            models.UniqueConstraint(
                fields=["cycle", "goal", "recipient", "kind"],
                name="reminder_once_per_cycle_goal_person_kind",
            ),
            models.UniqueConstraint(
                fields=["ask", "recipient", "kind"], name="reminder_once_per_ask_person_kind"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["before_due", "nudge", "escalation"],
                        cycle__isnull=False,
                        ask__isnull=True,
                    )
                    | models.Q(
                        kind__in=["ask_received", "ask_declined", "ask_late"], ask__isnull=False
                    )
                ),
                name="reminder_kind_has_its_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} about goal {self.goal_id}"


class ReminderPreference(models.Model):
    """Which reminders a person gets in a workspace; no row means all of them, by email."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    before_due = models.BooleanField(
        "before a check-in is due", default=True, help_text="Two days before the due date."
    )
    nudge = models.BooleanField(
        "when a check-in is overdue", default=True, help_text="The day after the due date."
    )
    escalation = models.BooleanField(
        "when my departments' check-ins are overdue",
        default=True,
        help_text="For executives: two days after the due date.",
    )
    asks = models.BooleanField(
        "about asks",
        default=True,
        help_text="New asks for my department, and asks declined or late.",
    )
    by_email = models.BooleanField(
        "also by email", default=True, help_text="Off: reminders only appear in Notifications."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="reminder_preference_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user_id} in {self.workspace_id}"

    def wants(self, kind: str) -> bool:
        if kind in Reminder.ASK_KINDS:
            return self.asks
        return getattr(self, kind)
