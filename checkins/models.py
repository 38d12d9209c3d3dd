from django.conf import settings
from django.db import models

from goals.models import Goal
from teams.models import Workspace


class Cycle(models.Model):
    """One check-in cycle of a workspace: each active goal owes one check-in per cycle."""

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


class CheckIn(models.Model):
    """A team lead's report on one goal for one cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="checkins")
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
        if self.confidence >= 7:
            return "on_track"
        return "at_risk" if self.confidence >= 4 else "off_track"
