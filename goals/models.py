from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from teams.models import Department, Workspace


def period_start_key() -> Coalesce:
    """The goal list's first sort key, newest period first: ``Goal.period_start``, or the
    earliest date for a goal without a period, so that it comes after the others. (An index
    cannot say NULLS LAST on SQLite; this expression it can hold on both databases.)"""
    return Coalesce("period_start", Value(date.min))


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class Period(models.Model):
    """A planning cycle, usually a quarter."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="period_name_unique_in_workspace",
                violation_error_message="A period with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="period_ends_after_start",
                violation_error_message="The period must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Saved with a new start date, the period moves its goals' copy of it
        (:attr:`Goal.period_start`) in the same transaction."""
        update_fields = kwargs.get("update_fields")
        moves = not self._state.adding and (update_fields is None or "start_date" in update_fields)
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if moves:
                self.goals.exclude(period_start=self.start_date).update(
                    period_start=self.start_date
                )


class KPI(models.Model):
    """A named metric with thresholds and a measurement history."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=8, choices=Direction, default=Direction.INCREASE)
    owner_departments = models.ManyToManyField(Department, related_name="kpis")
    # Green at or beyond `green_threshold`, red at or beyond `red_threshold` the wrong way.
    green_threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    red_threshold = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"
        indexes = [
            # The KPI list and the API's (kpi_list), and the KPI panel (kpi_shared_first): a
            # workspace's KPIs by name, read in order under the page's LIMIT.
            models.Index(fields=["workspace", "name", "id"], name="kpi_workspace_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="kpi_name_unique_in_workspace",
                violation_error_message="A KPI with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=["increase", "decrease"]),
                name="kpi_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(green_threshold__isnull=True)
                | models.Q(red_threshold__isnull=True)
                | models.Q(direction="increase", green_threshold__gt=models.F("red_threshold"))
                | models.Q(direction="decrease", green_threshold__lt=models.F("red_threshold")),
                name="kpi_thresholds_ordered",
                violation_error_message=(
                    "The green threshold must be better than the red one for the KPI's direction."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def band(self, value: Decimal | None) -> str:
        """ "green", "amber", "red", or "" when there is no value or no thresholds."""
        if value is None or self.green_threshold is None or self.red_threshold is None:
            return ""
        sign = 1 if self.direction == Direction.INCREASE else -1
        if sign * value >= sign * self.green_threshold:
            return "green"
        if sign * value <= sign * self.red_threshold:
            return "red"
        return "amber"


class Measurement(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Manual"
        API = "api", "API"
        IMPORT = "import", "Import"

    # Indexed by measurement_kpi_recent and the unique constraint, both led by the KPI.
    kpi = models.ForeignKey(
        KPI, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    date = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=4)
    source = models.CharField(max_length=8, choices=Source, default=Source.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        indexes = [
            # A KPI's measurements newest first, read in order under a LIMIT: the KPI page's
            # table and chart (kpi_measurements, kpi_series), the goal page's history
            # (goals.selectors.goals.kpi_measurements), sparklines and latest values
            # (recent_measurements, kpi_histories), a goal's latest value (goal_latest_value).
            models.Index(fields=["kpi", "-date", "-id"], name="measurement_kpi_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "date", "source"],
                name="measurement_unique_per_kpi_date_source",
                violation_error_message="This KPI already has a value for that date and source.",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=["manual", "api", "import"]),
                name="measurement_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} on {self.date}"


class Goal(models.Model):
    """A SMART goal; with two or more owner departments it is a *shared* goal."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        ACHIEVED = "achieved", "Achieved"
        MISSED = "missed", "Missed"
        DROPPED = "dropped", "Dropped"

    CLOSED_STATUSES = (Status.ACHIEVED, Status.MISSED, Status.DROPPED)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_departments = models.ManyToManyField(Department, related_name="owned_goals")
    contributing_departments = models.ManyToManyField(
        Department, blank=True, related_name="contributed_goals"
    )
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accountable_goals",
        help_text="The one person answerable for the goal.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    # Indexed by goal_period_rank, which it leads.
    period = models.ForeignKey(
        Period,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="goals",
        db_index=False,
    )
    # The period's start date, copied so that the goal list's order (newest period first)
    # is read from one index (goal_list_order) instead of sorting every goal of the workspace
    # through a join. Goal.save() and Period.save() keep it; a bulk insert sets it itself.
    period_start = models.DateField(null=True, blank=True, editable=False)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    priority = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rank in the period's priority list; 1 comes first."
    )
    metric = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    current_value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=8, choices=Direction, default=Direction.INCREASE)
    kpi = models.ForeignKey(
        KPI, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    # 0-100, kept by goals.services.goals.goal_refresh_progress (see goals/progress.py).
    progress = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="Share of the parent's progress this goal carries."
    )
    # Bumped by every save through the services; a stale version means someone else saved.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "due_date", "id"]
        indexes = [
            # A workspace's goals by status, and their counts (the goal list's filter); by due
            # date within a status: the dashboard's at-risk goals (goals_needing_attention).
            models.Index(
                fields=["workspace", "status", "due_date", "id"], name="goal_workspace_status"
            ),
            # The dashboard's worst goals, off track or overdue (goals_needing_attention): open
            # goals by due date, read in order until enough are flagged.
            models.Index(
                fields=["workspace", "due_date", "id"],
                condition=~models.Q(status__in=["achieved", "missed", "dropped"]),
                name="goal_open_due",
            ),
            # The check-ins panel's overdue list (overdue_goals) and a lead's next goal to
            # check in (next_owed_goal): active goals in rank order, read until enough of them
            # have no check-in this cycle.
            models.Index(
                fields=["workspace", "priority", "due_date", "id"],
                condition=models.Q(status__in=["on_track", "at_risk", "off_track"]),
                name="goal_active_rank",
            ),
            # goal_search (the goal list and the API's), unfiltered or by status: newest
            # period first, then by rank, due date and id, read in order under the LIMIT.
            models.Index(
                "workspace",
                period_start_key().desc(),
                "priority",
                "due_date",
                "id",
                name="goal_list_order",
            ),
            # priority_goals, alignment_tree and goal_search by period: a period's goals by
            # rank, then due date and id.
            models.Index(fields=["period", "priority", "due_date", "id"], name="goal_period_rank"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="goal_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(target__isnull=True)
                | models.Q(baseline__isnull=True)
                | ~models.Q(target=models.F("baseline")),
                name="goal_target_differs_from_baseline",
                violation_error_message="The target must differ from the baseline.",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="goal_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="goal_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="goal_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft",
                        "on_track",
                        "at_risk",
                        "off_track",
                        "achieved",
                        "missed",
                        "dropped",
                    ]
                ),
                name="goal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=["increase", "decrease"]),
                name="goal_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """Saving the period (or the whole goal) copies its start date into ``period_start``."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"period", "period_id"} & set(update_fields):
            self.period_start = self.period.start_date if self.period_id else None
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "period_start"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("goal_detail", kwargs={"ws": self.workspace.slug, "pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def is_shared(self) -> bool:
        """Two or more owner departments (reads the prefetched owners when there are some)."""
        return len(self.owner_departments.all()) >= 2


class Retrospective(models.Model):
    """What the owners learned when a goal ended (achieved or missed); lessons stay searchable.

    One per goal: closing a reopened goal again replaces the lesson (the audit trail keeps the
    earlier one).
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="retrospectives"
    )
    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="retrospective")
    outcome = models.CharField(
        max_length=10,
        choices=[(Goal.Status.ACHIEVED, "Achieved"), (Goal.Status.MISSED, "Missed")],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    what_worked = models.TextField()
    what_to_change = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The lessons list (retrospective_search): a workspace's retrospectives, newest
            # first with the id breaking ties, read in order under the page's LIMIT.
            models.Index(fields=["workspace", "-created_at", "-id"], name="retro_workspace_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["achieved", "missed"]),
                name="retrospective_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(what_worked="") & ~models.Q(what_to_change=""),
                name="retrospective_not_empty",
                violation_error_message="Say what worked and what to change.",
            ),
        ]

    def __str__(self) -> str:
        return f"Retrospective of {self.goal}"


class Win(models.Model):
    """An achieved shared goal, celebrated in the workspace feed (once per goal)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="wins")
    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="win")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The dashboard's recent wins (recent_wins): newest first, the id breaking ties.
            models.Index(fields=["workspace", "-created_at", "-id"], name="win_workspace_recent"),
        ]

    def __str__(self) -> str:
        return self.text


class GoalImport(models.Model):
    """A goal file on its way in: checked by the import page, then imported by a Celery task,
    every row or none (see goals.services.imports).

    The file's text waits here from its check (``checked``) through its confirmation
    (``pending``) to its worker (``running``); the goals are written and the job marked
    ``done`` in one transaction, so a job is done exactly when its goals exist. While that
    transaction runs, nobody else can see its rows: the worker reports how far it got through
    the cache instead. A failed job keeps its file, to be tried again.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", "Checked"
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    UNFINISHED = (Status.PENDING, Status.RUNNING)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="goal_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status, default=Status.CHECKED)
    # The file as checked; emptied once its goals are imported.
    text = models.TextField(blank=True)
    # Its rows, each one goal.
    total = models.PositiveIntegerField()
    # Why nothing was imported: "Row 3: owner_departments: …", one line each.
    errors = models.JSONField(default=list, blank=True)
    # The one period of every goal imported, when they share one: the goal list shows them.
    period = models.ForeignKey(
        Period, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Staging a file deletes its workspace's stale checks: by status and age.
            models.Index(
                fields=["workspace", "status", "created_at"], name="goalimport_ws_status_age"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["checked", "pending", "running", "done", "failed"]),
                name="goal_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.total} goals ({self.get_status_display()})"
