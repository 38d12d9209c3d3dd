"""Recurring forums and their meetings: agendas, minutes, decisions and action items.

A :class:`Forum` is a series: who meets (departments, facilitator, guests), when (a local start
time in the forum's timezone and an RFC 5545 recurrence rule), and for how long. Its
:class:`Meeting` rows exist ahead of time, one per occurrence, keyed by the occurrence's
original start (``occurrence``, the iCalendar RECURRENCE-ID) so that one meeting can be moved
or cancelled without breaking the series. All times are stored in UTC.
"""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from core.outbox import OutboxRow
from forums.recurrence import describe
from teams.models import Department, Workspace, validate_timezone


def new_uid() -> str:
    """A series' iCalendar UID: stable for its whole life."""
    return f"{uuid.uuid4()}@alignment"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class Partner(models.Model):
    """An external partner or vendor, the department that owns the relationship, and how it
    is going; its quarterly review is a forum (``Forum.partner``)."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        CHANNEL = "channel", "Channel partner"
        CO_MARKETING = "co_marketing", "Co-marketing partner"
        VENDOR = "vendor", "Vendor"
        OTHER = "other", "Other"

    class Health(models.TextChoices):
        GOOD = "good", "Good"
        WATCH = "watch", "Needs attention"
        POOR = "poor", "Poor"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.OTHER)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="partners"
    )
    contacts = models.TextField(blank=True, help_text="One per line: name, email, role.")
    health = models.CharField(max_length=8, choices=Health, default=Health.GOOD)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="partner_name_unique_in_workspace",
                violation_error_message="A partner with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerNote(models.Model):
    """A note on a partner, or the record of a thank-you note sent to them."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        THANKS = "thanks", "Thank-you note sent"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="partner_notes")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.NOTE)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.partner}"


class Forum(models.Model):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY_WEEKDAY = "monthly_weekday", "Monthly, on a weekday (e.g. the first Tuesday)"
        MONTHLY_DAY = "monthly_day", "Monthly, on a day of the month"
        QUARTERLY = "quarterly", "Quarterly"
        CUSTOM = "custom", "Custom (an RFC 5545 rule)"

    MAX_DURATION = 8 * 60

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="forums")
    name = models.CharField(max_length=120)
    purpose = models.TextField(blank=True)
    departments = models.ManyToManyField(Department, related_name="forums")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_forums"
    )
    # People invited from outside the departments, guests (partners, vendors) above all.
    guests = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="guest_forums"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_forums"
    )
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    first_date = models.DateField(help_text="The date of the first meeting.")
    start_time = models.TimeField(help_text="Local time in the forum's timezone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[
            MinValueValidator(5, "A meeting lasts at least 5 minutes."),
            MaxValueValidator(480, "A meeting lasts at most 8 hours."),
        ],
    )
    cadence = models.CharField(max_length=16, choices=Cadence, default=Cadence.MONTHLY_WEEKDAY)
    # The RFC 5545 RRULE value (without "RRULE:"), derived from the cadence unless custom.
    rrule = models.CharField(max_length=300)
    ical_uid = models.CharField(max_length=80, unique=True, default=new_uid, editable=False)
    # iCalendar SEQUENCE of the series: bumped on every change of its time or rule.
    sequence = models.PositiveIntegerField(default=0)
    # A secret part of the forum's calendar feed URL; rotating it revokes the old URL.
    feed_key = models.CharField(max_length=40, unique=True, default=new_feed_key)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="forum_name_unique_in_workspace",
                violation_error_message="A forum with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="forum_duration_range",
                violation_error_message="A meeting lasts from 5 minutes to 8 hours.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def schedule(self) -> str:
        """When it meets, in words: "The first Tuesday of each month at 10:00 (60 min)"."""
        when = describe(self.cadence, self.first_date, self.rrule)
        return f"{when} at {self.start_time:%H:%M} ({self.duration_minutes} min)"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        STARTED = "started", "In progress"
        ENDED = "ended", "Ended, minutes not yet published"
        PUBLISHED = "published", "Minutes published"

    # Once started, the agenda is frozen into the record.
    RUNNING = (Status.STARTED, Status.ENDED)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="meetings")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    # The start the series gives this occurrence (UTC): its identity, kept when it is moved.
    occurrence = models.DateTimeField()
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True, help_text="Markdown.")
    minutes_shared_with_guests = models.BooleanField(default=False)
    # Before the meeting starts: the facilitator's order and time boxes of its agenda, by item
    # key ("topic:12", "ask:7": see forums.agenda), for items built from the data as for topics.
    agenda_order = models.JSONField(default=list, blank=True)
    agenda_minutes = models.JSONField(default=dict, blank=True)
    # iCalendar SEQUENCE of this occurrence, bumped when it is moved or cancelled.
    sequence = models.PositiveIntegerField(default=0)
    # Bumped (with F()) by every change; open meeting pages poll it.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            # A forum's meetings in time order (the forum page, the next meeting, the feed).
            models.Index(fields=["forum", "starts_at"], name="meeting_forum_time"),
            # Upcoming meetings of a workspace (the dashboard panel, reminders).
            models.Index(fields=["workspace", "starts_at"], name="meeting_workspace_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "occurrence"], name="meeting_one_per_occurrence"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["scheduled", "cancelled", "started", "ended", "published"]
                ),
                name="meeting_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forum} · {self.starts_at:%Y-%m-%d}"

    @property
    def is_frozen(self) -> bool:
        """Started or over: its agenda is the record, no longer built from the data."""
        return self.status not in (self.Status.SCHEDULED, self.Status.CANCELLED)

    @property
    def is_locked(self) -> bool:
        """Published: the minutes and outcomes no longer change."""
        return self.status == self.Status.PUBLISHED


class AgendaItem(models.Model):
    """A topic someone added, or (once the meeting starts) an item the data put on the agenda,
    frozen into the record with a link to its source."""

    class Kind(models.TextChoices):
        TOPIC = "topic", "Topic"
        GOAL_AT_RISK = "goal_at_risk", "Goal at risk or off track"
        LOW_CONFIDENCE = "low_confidence", "Low-confidence check-in"
        DIVERGENT = "divergent", "Owners' confidence diverges"
        ASK = "ask", "Open or late ask"
        KPI_RED = "kpi_red", "KPI past its red threshold"
        ACTION_OVERDUE = "action_overdue", "Overdue action item"
        DECISION_REVIEW = "decision_review", "Decision due for review"
        CONFLICT = "conflict", "Conflict between departments"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.TOPIC)
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    # A data item's source: its id (of the kind's model) and its page, kept in the record.
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    minutes_allotted = models.PositiveSmallIntegerField(null=True, blank=True)
    shared_with_guests = models.BooleanField(default=False)
    discussed = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes_allotted__isnull=True)
                | models.Q(minutes_allotted__gte=1, minutes_allotted__lte=480),
                name="agenda_item_minutes_range",
                violation_error_message="Give an item from 1 to 480 minutes.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="topic") | models.Q(source_id__isnull=False),
                name="agenda_item_data_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A recorded decision: from a meeting's agenda item, or recorded directly (a conflict's
    decision, :func:`forums.outcomes.decision_record_direct`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    title = models.CharField("what was decided", max_length=300)
    rationale = models.TextField("why")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_made"
    )
    departments = models.ManyToManyField(Department, related_name="decisions")
    review_on = models.DateField("review date", null=True, blank=True)
    # The decision that replaced this one (:func:`forums.outcomes.decision_supersede`); its
    # reverse, ``supersedes``, is the one it replaced. A superseded decision stays in the log,
    # marked, and no longer comes back for review.
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The decision log (decision_log, without words): a workspace's decisions, newest
            # first with the id breaking ties, read in order under the page's LIMIT.
            models.Index(fields=["workspace", "-created_at", "-id"], name="decision_log"),
            # Decisions due for review, for agendas and reminders.
            models.Index(fields=["workspace", "review_on"], name="decision_review"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(superseded_by=models.F("pk")),
                name="decision_not_superseded_by_itself",
                violation_error_message="A decision cannot supersede itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None


class DecisionRevision(models.Model):
    """A decision as it stood before one amendment: its previous what, why, review date and
    departments, who amended it, when, and why."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField("what was decided", max_length=300)
    rationale = models.TextField("why")
    review_on = models.DateField("review date", null=True, blank=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="+")
    reason = models.TextField("why it was amended")
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-amended_at", "-id"]

    def __str__(self) -> str:
        return f"{self.decision} before {self.amended_at:%Y-%m-%d %H:%M}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    due_on = models.DateField("due")
    status = models.CharField(max_length=8, choices=Status, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # "My work": a person's open action items, soonest first.
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_open"),
            # Overdue actions of a workspace, for agendas and reminders.
            models.Index(fields=["workspace", "status", "due_on"], name="action_workspace_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "done", "dropped"]),
                name="action_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {'attended' if self.present else 'was absent from'} {self.meeting}"


class CalendarFeed(models.Model):
    """A person's secret calendar URL for one workspace: every meeting they may attend.
    Revoking it gives a new key; the old URL then answers 404."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key = models.CharField(max_length=40, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="calendar_feed_once"),
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.user}"


class ForumReminder(OutboxRow):
    """One forum reminder to one person, sent exactly once (see :class:`core.outbox.OutboxRow`):
    a meeting's agenda, the facilitator's prompts to prepare it and to publish the minutes, an
    action item's owner's reminders, a decision's owners' review reminder. Meeting kinds are
    keyed by (meeting, recipient, kind), action kinds by (action, recipient, kind), the review
    by (decision, recipient, kind, review_on): a decision amended to a later review date comes
    back once more on that date."""

    class Kind(models.TextChoices):
        PREPARE = "agenda_prepare", "Prepare the agenda"
        AGENDA = "meeting_agenda", "The agenda, before the meeting"
        MINUTES = "minutes_due", "Minutes not published a day after the meeting"
        ACTION_DUE = "action_due", "Action item due"
        ACTION_OVERDUE = "action_overdue", "Action item overdue"
        DECISION_REVIEW = "decision_review", "Decision due for review"

    MEETING_KINDS = (Kind.PREPARE, Kind.AGENDA, Kind.MINUTES)
    ACTION_KINDS = (Kind.ACTION_DUE, Kind.ACTION_OVERDUE)

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="forum_reminders"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    action = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # The review date a decision's reminder is for.
    review_on = models.DateField(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind)

    class Meta(OutboxRow.Meta):
        constraints = [
            *OutboxRow.Meta.constraints,
            models.UniqueConstraint(
                fields=["meeting", "recipient", "kind"], name="forum_reminder_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["action", "recipient", "kind"], name="forum_reminder_once_per_action"
            ),
            models.UniqueConstraint(
                fields=["decision", "recipient", "kind", "review_on"],
                name="forum_reminder_once_per_review",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["agenda_prepare", "meeting_agenda", "minutes_due"],
                        meeting__isnull=False,
                        action__isnull=True,
                        decision__isnull=True,
                    )
                    | models.Q(
                        kind__in=["action_due", "action_overdue"],
                        action__isnull=False,
                        meeting__isnull=True,
                        decision__isnull=True,
                    )
                    | models.Q(
                        kind="decision_review",
                        decision__isnull=False,
                        review_on__isnull=False,
                        meeting__isnull=True,
                        action__isnull=True,
                    )
                ),
                name="forum_reminder_kind_has_its_key",
            ),
        ]

    def __str__(self) -> str:
        if self.meeting_id:
            about = f"meeting {self.meeting_id}"
        elif self.action_id:
            about = f"action {self.action_id}"
        else:
            about = f"decision {self.decision_id}"
        return f"{self.get_kind_display()} to {self.recipient_id} about {about}"
