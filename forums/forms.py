"""Forms for the forum pages: they parse what people type; the services hold the rules."""

import zoneinfo
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.forms import Form, ObjectChoiceField, ObjectMultipleChoiceField
from forums import sources
from forums.models import ActionItem, Decision, Forum, Meeting, Partner, PartnerNote
from forums.selectors import DecisionFilters
from goals.models import Goal, Period
from teams.models import Department, Membership, Role, User, Workspace

TIMEZONES = sorted(zoneinfo.available_timezones())


def people(workspace: Workspace, *, guests: bool) -> QuerySet[User]:
    members = Membership.objects.filter(workspace=workspace)
    members = members.filter(role=Role.GUEST) if guests else members.exclude(role=Role.GUEST)
    return User.objects.filter(memberships__in=members).order_by(
        "first_name", "last_name", "username"
    )


class ForumForm(Form):
    name = forms.CharField(
        max_length=120,
        help_text="E.g. “CMO forum: marketing, sales and product leaders”.",
        error_messages={"required": "Give the forum a name."},
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the forum decides, and for whom.",
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Participating departments",
        error_messages={"required": "Choose at least one participating department."},
    )
    facilitator = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "Choose who facilitates the forum."}
    )
    guests = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Invited guests",
        help_text="Partners and vendors with a guest role: they see this forum and nothing else.",
    )
    partner = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="For a partner's review forum: the partner it reviews.",
    )
    cadence = forms.ChoiceField(choices=Forum.Cadence.choices)
    rrule = forms.CharField(
        max_length=300,
        required=False,
        label="Custom rule",
        help_text="Only for a custom cadence, an RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=-1FR.",
    )
    first_date = forms.DateField(
        label="First meeting",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The weekday and day of the month set the cadence's day.",
    )
    start_time = forms.TimeField(
        label="Starts at", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=Forum.MAX_DURATION, initial=60
    )
    timezone = forms.ChoiceField(
        choices=[(name, name) for name in TIMEZONES], help_text="The start time is in this zone."
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = workspace.departments.order_by("name")
        self.fields["facilitator"].queryset = people(workspace, guests=False)
        self.fields["guests"].queryset = people(workspace, guests=True)
        self.fields["partner"].queryset = workspace.partners.order_by("name")
        self.fields["timezone"].initial = workspace.timezone

    @staticmethod
    def initial_for(forum: Forum) -> dict[str, Any]:
        return {
            "name": forum.name,
            "purpose": forum.purpose,
            "departments": [d.pk for d in forum.departments.all()],
            "facilitator": forum.facilitator_id,
            "guests": [g.pk for g in forum.guests.all()],
            "partner": forum.partner_id,
            "cadence": forum.cadence,
            "rrule": forum.rrule if forum.cadence == Forum.Cadence.CUSTOM else "",
            "first_date": forum.first_date,
            "start_time": forum.start_time,
            "duration_minutes": forum.duration_minutes,
            "timezone": forum.timezone,
        }

    def forum_fields(self) -> dict[str, Any]:
        """The cleaned values as forum_create/forum_update keyword arguments."""
        data = dict(self.cleaned_data)
        data.pop("from_date", None)
        return data


class ForumEditForm(ForumForm):
    from_date = forms.DateField(
        label="Apply changes of time from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Meetings before this date keep their time. Leave empty for today.",
    )


class TopicForm(Form):
    title = forms.CharField(
        max_length=300, label="Topic", error_messages={"required": "Say what the topic is."}
    )
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    minutes_allotted = forms.IntegerField(
        label="Time box (minutes)", min_value=1, max_value=480, required=False
    )
    shared_with_guests = forms.BooleanField(required=False, label="Share with guests")


class MoveForm(Form):
    starts_at = forms.DateTimeField(
        label="New start",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text="In the forum's timezone.",
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=Forum.MAX_DURATION
    )


class MinutesForm(Form):
    minutes = forms.CharField(
        label="Minutes (Markdown)",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text="Markdown: **bold**, lists with -, links. Shown sanitised.",
    )
    minutes_shared_with_guests = forms.BooleanField(
        required=False, label="Guests may read the minutes"
    )


class ItemRecordForm(Form):
    discussed = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionFields(Form):
    """What every decision in the log says, from a meeting or from a conflict
    (:class:`conflicts.forms.DecideForm`)."""

    title = forms.CharField(
        max_length=300,
        label="What was decided",
        error_messages={"required": "Say what was decided."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why",
        error_messages={"required": "Say why: the log is read months later."},
    )
    review_on = forms.DateField(
        label="Review on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The decision comes back to the forum's agenda on this date.",
    )


class DecisionForm(DecisionFields):
    decided_by = forms.ModelChoiceField(queryset=None, label="Decided by")
    departments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Departments affected",
        error_messages={"required": "Name the departments the decision affects."},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = people(meeting.workspace, guests=False)
        self.fields["departments"].queryset = meeting.workspace.departments.order_by("name")


class ActionForm(Form):
    title = forms.CharField(
        max_length=300, label="Action", error_messages={"required": "Say what is to be done."}
    )
    owner = forms.ModelChoiceField(queryset=None, error_messages={"required": "Choose an owner."})
    department = forms.ModelChoiceField(queryset=None, required=False)
    due_on = forms.DateField(
        label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people(meeting.workspace, guests=False)
        self.fields["department"].queryset = Department.objects.filter(
            workspace=meeting.workspace
        ).order_by("name")


class AskForm(Form):
    goal = forms.ModelChoiceField(queryset=None, help_text="The goal the ask is for.")
    from_department = forms.ModelChoiceField(queryset=None, label="From")
    to_department = forms.ModelChoiceField(queryset=None, label="To")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label="What is needed",
        error_messages={"required": "Say what is needed."},
    )
    due_on = forms.DateField(
        label="Needed by", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = meeting.forum.departments.order_by("name")
        self.fields["from_department"].queryset = departments
        self.fields["to_department"].queryset = departments
        self.fields["goal"].queryset = (
            Goal.objects.filter(workspace=meeting.workspace, owner_departments__in=departments)
            .exclude(status__in=[*Goal.CLOSED_STATUSES, Goal.Status.DRAFT])
            .distinct()
            .order_by("title")
        )


class ActionStatusForm(Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class DecisionSearchForm(Form):
    """The decision log's filters, in the query string of the page, its CSV and its pages:
    words, a department, a kind and a source (:mod:`forums.sources`), and when the decision was
    taken, as a planning period of the workspace or days from and to (both: the days of the
    period between them)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    department = ObjectChoiceField(required=False, blank="All departments")
    kind = forms.ChoiceField(required=False, label="Kind")
    source = forms.ChoiceField(required=False, label="Made in")
    period = ObjectChoiceField(required=False, blank="Any period", label="Period")

    def __init__(
        self,
        data: Any = None,
        *,
        departments: Iterable[Department] = (),
        periods: Iterable[Period] = (),
    ) -> None:
        super().__init__(data)
        self.fields["department"].set_objects(departments, blank="All departments")
        self.fields["period"].set_objects(periods, blank="Any period")
        self.fields["kind"].choices = [("", "Any kind"), *sources.kind_choices()]
        self.fields["source"].choices = [("", "Anywhere"), *sources.source_choices()]
        # "from" is a Python keyword: the two days cannot be declared as attributes.
        for name, label in (("from", "Taken from"), ("to", "Taken to")):
            self.fields[name] = forms.DateField(
                required=False,
                label=label,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
                error_messages={"invalid": "Enter a date such as 2026-03-31."},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The last day comes on or after the first.")
        return cleaned

    def filters(self) -> DecisionFilters:
        """What the log is filtered by; a field given wrong is left out (the form says why)."""
        self.is_valid()
        cleaned = self.cleaned_data
        department, period = cleaned.get("department"), cleaned.get("period")
        starts = [day for day in (cleaned.get("from"), period and period.start_date) if day]
        ends = [day for day in (cleaned.get("to"), period and period.end_date) if day]
        return DecisionFilters(
            q=cleaned.get("q", "").strip(),
            department=department.pk if department else None,
            kind=cleaned.get("kind", ""),
            source=cleaned.get("source", ""),
            start=max(starts, default=None),
            end=min(ends, default=None),
        )

    @property
    def filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class DecisionChangeFields(DecisionFields):
    """What a decision says, and the departments it affects: to amend it or to supersede it."""

    departments = ObjectMultipleChoiceField(
        label="Departments affected",
        error_messages={"required": "Name the departments the decision affects."},
    )

    def __init__(self, *args: Any, departments: Iterable[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].set_objects(departments)


class DecisionAmendForm(DecisionChangeFields):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why amend it",
        help_text="Kept in the decision's history with what it said before.",
        error_messages={"required": "Say why the decision is amended: its history says so."},
    )


class DecisionSupersedeForm(DecisionChangeFields):
    """A new decision that replaces this one."""


class DecisionSupersedeByForm(Form):
    """A later decision, already in the log, that replaces this one."""

    by = ObjectChoiceField(
        label="Superseded by",
        blank="Choose a later decision…",
        error_messages={"required": "Choose the decision that replaces this one."},
    )

    def __init__(self, *args: Any, decisions: Iterable[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["by"].set_objects(decisions, blank="Choose a later decision…")


class PartnerForm(Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Name the partner."})
    kind = forms.ChoiceField(choices=Partner.Kind.choices)
    department = forms.ModelChoiceField(queryset=None, required=False, label="Owning department")
    health = forms.ChoiceField(choices=Partner.Health.choices, label="Relationship health")
    contacts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line: name, email, role.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = workspace.departments.order_by("name")

    @staticmethod
    def initial_for(partner: Partner) -> dict[str, Any]:
        return {
            "name": partner.name,
            "kind": partner.kind,
            "department": partner.department_id,
            "health": partner.health,
            "contacts": partner.contacts,
            "notes": partner.notes,
        }


class PartnerNoteForm(Form):
    kind = forms.ChoiceField(choices=PartnerNote.Kind.choices, initial=PartnerNote.Kind.NOTE)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        error_messages={"required": "Write the note."},
    )
