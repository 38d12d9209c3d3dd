"""Input and output serializers of the forums API. Inputs only parse; the services hold the
rules (forums.services, forums.outcomes) and their errors come back on these fields."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import MAX_PK, IdList, InWorkspace
from forums import sources
from forums.agenda import Item
from forums.models import ActionItem, AgendaItem, Decision, Forum, Meeting
from forums.permissions import can_run
from forums.selectors import DecisionFilters
from teams.models import Department, Role, User

# Dates the API plans with: far enough for any forum, and never near the limits of a date.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
# A meeting's status as the API names it: started is in progress; ended and published are held
# (``minutes_published`` tells them apart).
STATUS = {
    Meeting.Status.SCHEDULED: "scheduled",
    Meeting.Status.STARTED: "in_progress",
    Meeting.Status.ENDED: "held",
    Meeting.Status.PUBLISHED: "held",
    Meeting.Status.CANCELLED: "cancelled",
}
STATUS_CHOICES = [
    ("scheduled", "Scheduled"),
    ("in_progress", "In progress"),
    ("held", "Held"),
    ("cancelled", "Cancelled"),
]
# What an agenda item built from the data points at.
Kind = AgendaItem.Kind
SOURCE_TYPES = {
    Kind.GOAL_AT_RISK: "goal",
    Kind.LOW_CONFIDENCE: "checkin",
    Kind.DIVERGENT: "goal",
    Kind.ASK: "ask",
    Kind.KPI_RED: "kpi",
    Kind.ACTION_OVERDUE: "action_item",
    Kind.DECISION_REVIEW: "decision",
}
# "conflict" is named for the conflicts to come, which will put their own items on agendas.
SOURCE_CHOICES = [*dict.fromkeys(SOURCE_TYPES.values()), "conflict"]


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choices are one enum of the schema, named ``enum_name`` wherever
    the field appears (DRF's own are named after the field, and the many fields called
    ``status`` or ``kind`` would rename one another's)."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict[str, Any]:
        field = self.target
        schema = {
            "type": "string",
            "enum": list(field.choices),
            "description": build_choice_description_list(field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "10:00"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day as people write it, ``HH:MM`` (seconds accepted), with no UTC offset: it
    is read on the forum's clock."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def in_planning_range(value: dt.date | dt.datetime) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise serializers.ValidationError(
            f"Choose a date from {FIRST_DAY.year} to {LAST_DAY.year}."
        )


def planning_date(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(validators=[in_planning_range], **kwargs)


# --- Forums ------------------------------------------------------------------------------------


def people(**kwargs: Any) -> InWorkspace:
    """User ids of people of the workspace (the services say who may be which)."""
    return InWorkspace(
        queryset=User.objects.all(), workspace_field="memberships__workspace", **kwargs
    )


class ForumSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    departments = IdList(help_text="Ids of the participating departments.")
    facilitator = serializers.IntegerField(source="facilitator_id", help_text="A user id.")
    guests = serializers.SerializerMethodField(
        help_text="User ids of the invited guests (partners, vendors); empty for a guest."
    )
    timezone = serializers.CharField(help_text="The start time is on this clock.")
    cadence = NamedChoiceField(choices=Forum.Cadence.choices, enum_name="ForumCadenceEnum")
    recurrence = serializers.CharField(
        source="rrule", help_text="The RFC 5545 RRULE value, e.g. `FREQ=MONTHLY;BYDAY=1TU`."
    )
    first_date = serializers.DateField(help_text="The date of the first meeting.")
    start_time = ClockTimeField(help_text="On the forum's clock.")
    duration_minutes = serializers.IntegerField()
    ical_url = serializers.SerializerMethodField(
        help_text="The forum's iCalendar feed: a secret URL calendar apps fetch without signing "
        "in. Keep it to the forum's people. Null for a guest, who subscribes to their own feed."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _for_guest(self) -> bool:
        membership = self.context.get("membership")
        return membership is None or membership.role == Role.GUEST

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_guests(self, forum: Forum) -> list[int]:
        return [] if self._for_guest() else [guest.pk for guest in forum.guests.all()]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_ical_url(self, forum: Forum) -> str | None:
        if self._for_guest():
            return None
        return settings.SITE_URL + reverse("forum_feed", kwargs={"key": forum.feed_key})


class ForumInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    purpose = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    departments = InWorkspace(
        queryset=Department.objects.all(),
        many=True,
        help_text="Ids of the participating departments; at least one.",
    )
    facilitator = people(help_text="The user id of a member (not a guest) who runs it.")
    guests = people(
        many=True, required=False, default=list, help_text="User ids of the people invited."
    )
    timezone = serializers.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        default="",
        help_text="An IANA time zone, e.g. `Europe/Berlin`; the workspace's when left out.",
    )
    cadence = NamedChoiceField(
        choices=Forum.Cadence.choices,
        enum_name="ForumCadenceEnum",
        required=False,
        help_text="Monthly on a weekday when left out; `custom` with a `recurrence`.",
    )
    recurrence = serializers.CharField(
        max_length=300,
        allow_blank=True,
        required=False,
        default="",
        help_text="A custom RFC 5545 RRULE, e.g. `FREQ=MONTHLY;BYDAY=-1FR` (its cadence is "
        "`custom`); the preset cadences derive theirs from the first date.",
    )
    first_date = planning_date(help_text="The date of the first meeting; it anchors the cadence.")
    start_time = ClockTimeField(help_text="On the forum's clock, e.g. `14:00`.")
    duration_minutes = serializers.IntegerField(
        min_value=5, max_value=Forum.MAX_DURATION, default=60
    )

    def validate(self, data: dict) -> dict:
        if data.get("recurrence"):
            cadence = data.setdefault("cadence", Forum.Cadence.CUSTOM)
            if cadence != Forum.Cadence.CUSTOM:
                raise serializers.ValidationError(
                    {"recurrence": "Send a recurrence with the custom cadence only."}
                )
        return data


class ForumUpdateSerializer(ForumInputSerializer):
    from_date = planning_date(
        required=False,
        help_text="A change of when the forum meets applies to its meetings from this date "
        "(default: today); those before it, and those already moved, cancelled or given a "
        "topic, stay as they are.",
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Send at least one field to change.")
        return super().validate(data)


# --- Meetings and their agendas ----------------------------------------------------------------


class SourceSerializer(serializers.Serializer):
    type = NamedChoiceField(choices=SOURCE_CHOICES, enum_name="AgendaSourceTypeEnum")
    id = serializers.IntegerField()


class AgendaItemSerializer(serializers.Serializer):
    """One line of an agenda, from :func:`agenda_entry`."""

    id = serializers.IntegerField(
        allow_null=True,
        help_text="The item's id: topics have one from the start, items from the data once "
        "the meeting starts (null before).",
    )
    key = serializers.CharField(
        help_text="The item's key in the facilitator's order, e.g. `ask:7` or `topic:12`."
    )
    kind = NamedChoiceField(choices=AgendaItem.Kind.choices, enum_name="AgendaItemKindEnum")
    title = serializers.CharField()
    details = serializers.CharField()
    source = SourceSerializer(
        allow_null=True, help_text="What the data put on the agenda; null for a topic."
    )
    url = serializers.CharField(help_text="The page of its source; empty for most topics.")
    minutes = serializers.IntegerField(allow_null=True, help_text="Its time box, in minutes.")
    position = serializers.IntegerField(help_text="Its place on the agenda, 1 first.")
    discussed = serializers.BooleanField()
    notes = serializers.CharField(help_text="What was said, once the meeting has started.")
    shared_with_guests = serializers.BooleanField()
    carried_from = serializers.IntegerField(
        allow_null=True, help_text="The item of an earlier meeting it carries forward."
    )


def agenda_entry(item: Item, position: int) -> dict[str, Any]:
    """An agenda item as :class:`AgendaItemSerializer` shows it."""
    row = item.topic
    source_id = row.source_id if row else int(item.key.partition(":")[2])
    return {
        "id": row.pk if row else None,
        "key": item.key,
        "kind": item.kind,
        "title": item.title,
        "details": item.details,
        "source": None
        if item.kind == Kind.TOPIC
        else {"type": SOURCE_TYPES[item.kind], "id": source_id},
        "url": settings.SITE_URL + item.url if item.url else "",
        "minutes": item.minutes,
        "position": position,
        "discussed": row.discussed if row else False,
        "notes": row.notes if row else "",
        "shared_with_guests": item.shared_with_guests,
        "carried_from": row.carried_from_id if row else None,
    }


class MeetingStatusField(NamedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=STATUS_CHOICES, enum_name="MeetingStatusEnum", **kwargs)

    def to_representation(self, value: str) -> str:
        return STATUS[value]


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    forum = serializers.IntegerField(source="forum_id")
    forum_name = serializers.CharField(source="forum.name")
    starts_at = serializers.SerializerMethodField(
        help_text="On the forum's clock, with its UTC offset."
    )
    ends_at = serializers.SerializerMethodField(
        help_text="On the forum's clock, with its UTC offset."
    )
    timezone = serializers.CharField(source="forum.timezone")
    duration_minutes = serializers.IntegerField()
    status = MeetingStatusField()
    minutes_published = serializers.BooleanField(
        source="is_locked", help_text="Published minutes lock the meeting's record."
    )
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Moves on with every change of the meeting.")
    can_run = serializers.SerializerMethodField(
        help_text="Whether the caller may start, end, publish, move or cancel it."
    )

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_starts_at(self, meeting: Meeting) -> str:
        return meeting.starts_at.astimezone(meeting.forum.zone).isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_ends_at(self, meeting: Meeting) -> str:
        ends = meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes)
        return ends.astimezone(meeting.forum.zone).isoformat()

    def get_can_run(self, meeting: Meeting) -> bool:
        return can_run(self.context["membership"], meeting.forum)


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(
        many=True,
        source="agenda_entries",
        help_text="Before the meeting starts, built live from the data and the topics; from "
        "its start, the frozen record. A guest sees only the items shared with guests.",
    )
    total_minutes = serializers.IntegerField(help_text="The agenda's time boxes added up.")
    minutes = serializers.CharField(
        source="visible_minutes",
        help_text="The minutes, in Markdown; empty for a guest unless shared with guests.",
    )
    minutes_shared_with_guests = serializers.BooleanField()


class MeetingFilterSerializer(serializers.Serializer):
    forum = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text="Meetings of this forum id."
    )
    upcoming = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="True: those not started yet or in progress, soonest first; false: the "
        "others, newest first. True when left out, unless `from` or `to` is sent.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: these two cannot be class attributes.
        return {
            **super().get_fields(),
            "from": planning_date(
                required=False,
                help_text="Meetings starting on this day or later (the workspace's date).",
            ),
            "to": planning_date(
                required=False,
                help_text="Meetings starting on this day or before (the workspace's date).",
            ),
        }

    def validate(self, data: dict) -> dict:
        if "from" in data and "to" in data and data["to"] < data["from"]:
            raise serializers.ValidationError({"to": "Choose a day on or after “from”."})
        return data


class WallClockDateTimeField(serializers.DateTimeField):
    """A date and time; one sent without a UTC offset stays naive, for the view to read on the
    forum's clock."""

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            return value
        return super().enforce_timezone(value)


class MoveInputSerializer(serializers.Serializer):
    starts_at = WallClockDateTimeField(
        validators=[in_planning_range],
        help_text="The new start, in the future; without a UTC offset, on the forum's clock.",
    )
    duration_minutes = serializers.IntegerField(
        min_value=5,
        max_value=Forum.MAX_DURATION,
        required=False,
        help_text="The new length; the meeting's own when left out.",
    )


class MeetingUpdateSerializer(MoveInputSerializer):
    starts_at = WallClockDateTimeField(
        validators=[in_planning_range],
        required=False,
        help_text="Move this one meeting: the new start, in the future; without a UTC offset, "
        "on the forum's clock.",
    )
    status = NamedChoiceField(
        choices=[("cancelled", "Cancelled")],
        enum_name="MeetingCancelEnum",
        required=False,
        help_text="`cancelled` cancels this one meeting; the series goes on.",
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError(
                "Send `status`, or `starts_at` and `duration_minutes`."
            )
        if "status" in data and len(data) > 1:
            raise serializers.ValidationError("Cancel the meeting or move it, not both.")
        return data


class TopicInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, help_text="What the topic is.")
    details = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    minutes_allotted = serializers.IntegerField(
        min_value=1, max_value=480, allow_null=True, required=False, default=None
    )
    shared_with_guests = serializers.BooleanField(required=False, default=False)


# --- Decisions and action items ----------------------------------------------------------------


class DecisionSerializer(serializers.Serializer):
    """A decision; give it its ``origin`` first (:func:`forums.sources.origins`)."""

    id = serializers.IntegerField()
    title = serializers.CharField(help_text="What was decided.")
    rationale = serializers.CharField(help_text="Why.")
    decided_by = serializers.IntegerField(source="decided_by_id", help_text="A user id.")
    departments = IdList(help_text="Ids of the departments it affects.")
    review_on = serializers.DateField(allow_null=True)
    source = serializers.CharField(
        source="origin.source",
        help_text="Where it was made: `meeting`, `conflict` or `direct` (recorded directly).",
    )
    kind = serializers.SerializerMethodField(
        help_text="Its kind where it was made (a conflict's: resources, priority, timeline, "
        "scope, other), or null."
    )
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    forum = serializers.IntegerField(source="meeting.forum_id", allow_null=True)
    conflict = serializers.SerializerMethodField(
        help_text="The id of the conflict it settles, or null."
    )
    supersedes = serializers.SerializerMethodField(
        help_text="The id of the decision it replaced, or null."
    )
    superseded_by = serializers.IntegerField(
        source="superseded_by_id",
        allow_null=True,
        help_text="The id of the decision that replaced it, or null.",
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_kind(self, decision: Decision) -> str | None:
        return decision.origin.kind or None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_conflict(self, decision: Decision) -> int | None:
        return decision.origin.id if decision.origin.source == "conflict" else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_supersedes(self, decision: Decision) -> int | None:
        before = getattr(decision, "supersedes", None)
        return before.pk if before else None


class DecisionFilterSerializer(serializers.Serializer):
    """The decision log's filters (those of its page, :class:`forums.forms.DecisionSearchForm`)."""

    search = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="Words of what was decided or why; the best matches first.",
    )
    department = InWorkspace(
        queryset=Department.objects.all(),
        required=False,
        help_text="Decisions affecting this department id.",
    )
    kind = serializers.ChoiceField(
        choices=[],
        required=False,
        help_text="Decisions of this kind where they were made (a conflict's kind).",
    )
    source = serializers.ChoiceField(
        choices=[],
        required=False,
        help_text="Decisions made in a meeting, a conflict, or directly.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sources.kind_choices()
        self.fields["source"].choices = sources.source_choices()
        # "from" is a Python keyword: these two cannot be declared as attributes.
        self.fields["from"] = serializers.DateField(
            required=False, help_text="Decisions taken on this day or after (the workspace's)."
        )
        self.fields["to"] = serializers.DateField(
            required=False, help_text="Decisions taken on this day or before."
        )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": "The last day comes on or after the first."})
        return attrs


def decision_filters(data: dict[str, Any]) -> DecisionFilters:
    """The log's filters from the validated query parameters."""
    return DecisionFilters(
        q=data.get("search", "").strip(),
        department=data["department"].pk if data.get("department") else None,
        kind=data.get("kind", ""),
        source=data.get("source", ""),
        start=data.get("from"),
        end=data.get("to"),
    )


def action_status(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(
        choices=ActionItem.Status.choices, enum_name="ActionItemStatusEnum", **kwargs
    )


class ActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id", help_text="A user id.")
    department = serializers.IntegerField(source="department_id", allow_null=True)
    due_on = serializers.DateField()
    status = action_status()
    overdue = serializers.SerializerMethodField(help_text="Open and due before today.")
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    forum = serializers.IntegerField(source="meeting.forum_id", allow_null=True)
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_overdue(self, action: ActionItem) -> bool:
        return action.status == ActionItem.Status.OPEN and action.due_on < self.context["today"]


class ActionFilterSerializer(serializers.Serializer):
    owner = people(
        required=False, help_text="Whose action items, a user id; the caller's when left out."
    )
    status = action_status(default=ActionItem.Status.OPEN)


class ActionStatusSerializer(serializers.Serializer):
    status = action_status(help_text="Done or dropped closes it; open opens it again.")
