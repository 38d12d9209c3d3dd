"""Forms of the conflict register: they parse input and show the services' errors; the rules
are the services'."""

from typing import Any

from django import forms

from conflicts.models import Conflict, Position
from core.forms import Form
from forums.forms import DecisionFields, people
from goals.models import KPI, Goal
from teams.models import Department, Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConflictFilterForm(Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Conflict.Status.choices]
    )
    department = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any department")

    def __init__(self, *args: Any, workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = workspace.departments.order_by("name")


class ConflictForm(Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Name the conflict."})
    kind = forms.ChoiceField(choices=Conflict.Kind.choices)
    at_stake = forms.CharField(
        label="What is at stake",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what is at stake."},
    )
    raised_by_department = forms.ModelChoiceField(
        queryset=None,
        label="Raised by",
        error_messages={"required": "Choose the department raising it."},
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="With",
        help_text="The other departments involved.",
        error_messages={"required": "Name at least one other department."},
    )
    goals = forms.ModelMultipleChoiceField(queryset=None, required=False, label="Goals it touches")
    kpis = forms.ModelMultipleChoiceField(queryset=None, required=False, label="KPIs it touches")
    decide_by = forms.DateField(
        widget=DATE, label="Decide by", error_messages={"required": "Give a date to decide by."}
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = membership.workspace
        departments = workspace.departments.order_by("name")
        self.fields["raised_by_department"].queryset = departments
        self.fields["departments"].queryset = departments
        self.fields["goals"].queryset = Goal.objects.filter(workspace=workspace).order_by("title")
        self.fields["kpis"].queryset = KPI.objects.filter(workspace=workspace).order_by("name")
        mine = membership.departments.order_by("name").first()
        if mine is not None:
            self.fields["raised_by_department"].initial = mine.pk


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["wants", "why", "would_trade"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        error_messages = {
            "wants": {"required": "Say what your department wants."},
            "why": {"required": "Say why: the other side reads it."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class EvidenceForm(Form):
    kpi = forms.ModelChoiceField(
        queryset=None, label="KPI", error_messages={"required": "Choose a KPI."}
    )

    def __init__(self, *args: Any, workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = KPI.objects.filter(workspace=workspace).order_by("name")


class FacilitatorForm(Form):
    facilitator = forms.ModelChoiceField(
        queryset=None, error_messages={"required": "Choose a facilitator."}
    )

    def __init__(self, *args: Any, workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = people(workspace, guests=False)


class MoveForm(Form):
    status = forms.ChoiceField(choices=Conflict.Status.choices)


class DecideForm(DecisionFields):
    consulted = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Departments consulted",
    )

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sides = list(conflict.departments.all())
        self.fields["consulted"].queryset = conflict.workspace.departments.exclude(
            pk__in=[d.pk for d in sides]
        ).order_by("name")
        for department in sides:
            self.fields[f"trade_off_{department.pk}"] = forms.CharField(
                label=f"What {department} accepts",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                error_messages={"required": f"Say what {department} accepts."},
            )
        self.sides: list[Department] = sides

    @property
    def trade_off_fields(self) -> list:
        return [self[f"trade_off_{department.pk}"] for department in self.sides]

    def trade_offs(self) -> dict[int, str]:
        return {d.pk: self.cleaned_data[f"trade_off_{d.pk}"] for d in self.sides}
