from datetime import date

from django import forms

from checkins.models import CheckIn, ReminderPreference, confidence_band
from core.forms import Form, ModelForm, plain_decimal
from goals.models import Goal
from teams.models import Department

CHECKIN_FIELDS = ("value", "confidence", "moved", "blockers", "next_steps")
BAND_LABELS = {status: Goal.Status(status).label for status in Goal.Status.values}


class CheckInForm(Form):
    value = forms.DecimalField(
        label="Current value",
        required=False,
        max_digits=18,
        decimal_places=4,
        error_messages={"invalid": "Enter a number, such as 1250 or 12.5."},
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    confidence = forms.IntegerField(
        label="Confidence",
        min_value=1,
        max_value=10,
        help_text="1–3 off track, 4–6 at risk, 7–10 on track.",
        error_messages={"invalid": "Choose a confidence from 1 to 10."},
        widget=forms.NumberInput(attrs={"type": "range", "min": 1, "max": 10, "step": 1}),
    )
    moved = forms.CharField(
        label="What moved", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    blockers = forms.CharField(
        label="Blockers", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    set_status = forms.BooleanField(
        label="Set the goal's status from my confidence", required=False, initial=True
    )

    def __init__(self, *args, goal: Goal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confidence"].widget.attrs["class"] = "form-range"
        value = self.fields["value"]
        metric = goal.metric or "value"
        value.label = f"Current {metric}" + (f" ({goal.unit})" if goal.unit else "")
        value.required = goal.target is not None
        if goal.target is not None:
            value.help_text = f"Target {goal.target.normalize():f}" + (
                f", from a baseline of {goal.baseline.normalize():f}"
                if goal.baseline is not None
                else ""
            )
        if goal.kpi_id:
            value.help_text += f". The KPI “{goal.kpi}” drives the goal's progress."

    @staticmethod
    def initial_for(goal: Goal, current: CheckIn | None, last: CheckIn | None) -> dict:
        """This cycle's check-in when there is one; else the last values carried forward."""
        if current is not None:
            return {field: getattr(current, field) for field in CHECKIN_FIELDS} | {
                "value": plain_decimal(current.value),
                "set_status": True,
            }
        confidence = {
            Goal.Status.ON_TRACK: 8,
            Goal.Status.AT_RISK: 5,
            Goal.Status.OFF_TRACK: 2,
        }.get(goal.status, 7)
        return {
            "value": plain_decimal(
                last.value if last and last.value is not None else goal.current_value
            ),
            "confidence": last.confidence if last else confidence,
            "blockers": last.blockers if last else "",
            "set_status": True,
        }

    @property
    def band(self) -> str:
        """The status label the chosen confidence stands for (for the live hint)."""
        raw = self["confidence"].value()
        try:
            return BAND_LABELS[confidence_band(int(raw))]
        except (TypeError, ValueError):
            return ""


class AskForm(Form):
    to_department = forms.TypedChoiceField(
        label="Ask department",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose one of the departments listed."},
    )
    text = forms.CharField(
        label="What is needed",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "e.g. two case studies for the launch"}),
    )
    due_on = forms.DateField(
        label="Needed by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2026-12-04."},
    )

    def __init__(self, *args, departments: list[Department], today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.departments = {department.pk: department for department in departments}
        self.fields["to_department"].choices = [("", "Choose a department")] + [
            (department.pk, department.name) for department in departments
        ]
        self.fields["due_on"].widget.attrs["min"] = today.isoformat()
        self.today = today

    def clean_to_department(self) -> Department | None:
        pk = self.cleaned_data["to_department"]
        return None if pk is None else self.departments[pk]

    def clean(self) -> dict:
        data = super().clean()
        filled = [name for name in ("to_department", "text", "due_on") if data.get(name)]
        if not filled or self.errors:
            return data
        if not data.get("to_department"):
            self.add_error("to_department", "Choose the department you need help from.")
        if not data.get("text", "").strip():
            self.add_error("text", "Say what you need.")
        if not data.get("due_on"):
            self.add_error("due_on", "Say by when you need it.")
        elif data["due_on"] < self.today:
            self.add_error("due_on", "The date cannot be in the past.")
        return data

    @property
    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(n) for n in ("to_department", "text", "due_on"))


AskFormSet = forms.formset_factory(AskForm, extra=1, max_num=10, validate_max=True)


class AskResponseForm(Form):
    action = forms.ChoiceField(
        choices=[("commit", "Commit"), ("decline", "Decline"), ("deliver", "Mark delivered")],
        widget=forms.HiddenInput,
    )
    committed_on = forms.DateField(
        label="Deliver by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, such as 2026-12-04."},
    )
    decline_reason = forms.CharField(label="Reason", required=False, max_length=1000)


class ReminderPreferenceForm(ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["before_due", "nudge", "escalation", "asks", "by_email"]
