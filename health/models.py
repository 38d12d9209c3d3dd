"""The relationship pulse: each check-in cycle, a department's lead answers one question about
each department it shares goals with, "How well are we working together?", from 1 to 5.

The alignment-health figures themselves are computed, not stored (:mod:`health.figures`).
"""

from django.conf import settings
from django.db import models

from checkins.models import Cycle
from teams.models import Department, Workspace


class PulseAnswer(models.Model):
    """One department's answer about another for one cycle; changeable while the cycle runs."""

    SCORES = [
        (1, "1 · Badly"),
        (2, "2 · Poorly"),
        (3, "3 · Well enough"),
        (4, "4 · Well"),
        (5, "5 · Very well"),
    ]

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="pulse_answers")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="pulse_answers")
    from_department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="pulse_given"
    )
    about_department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="pulse_received"
    )
    score = models.PositiveSmallIntegerField(choices=SCORES)
    comment = models.TextField(blank=True, max_length=1000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-cycle__starts_on", "from_department__name", "about_department__name"]
        indexes = [
            # The health figures: a workspace's answers of its latest cycles.
            models.Index(fields=["workspace", "cycle"], name="pulse_workspace_cycle"),
        ]
        constraints = [
            # Also serves the pulse form: one department's answers in a cycle.
            models.UniqueConstraint(
                fields=["cycle", "from_department", "about_department"],
                name="pulse_once_per_cycle_and_pair",
                violation_error_message="This department already answered about that one.",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="pulse_score_1_to_5",
                violation_error_message="Answer from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_department=models.F("about_department")),
                name="pulse_about_another_department",
                violation_error_message="Answer about another department than your own.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_department} on {self.about_department}: {self.score}/5"
