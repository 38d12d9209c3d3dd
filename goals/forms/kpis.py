"""Forms for the KPI pages: validation of what people type, nothing more."""

import re
from typing import Any

from django import forms

from core.forms import Form, plain
from goals.models import KPI, Direction
from teams.models import Department, Workspace

# A pasted line: the date, then a tab, comma or semicolon (or spaces), then the value.
PASTE_SEPARATOR = re.compile(r"\s*[\t;,]\s*|\s+")
# "1,234,567.89" as a spreadsheet copies it: commas that only group thousands.
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class KPIFilterForm(Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(), required=False, empty_label="All departments"
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = workspace.departments.order_by("name")
        self.fields["q"].widget.attrs["placeholder"] = "Name, description or unit"


class KPIForm(Form):
    name = forms.CharField(max_length=120)
    unit = forms.CharField(
        max_length=30, required=False, help_text="For example EUR, %, leads or days."
    )
    direction = forms.ChoiceField(
        label="Better when it goes",
        choices=[(Direction.INCREASE, "Up (e.g. leads)"), (Direction.DECREASE, "Down (e.g. cost)")],
        initial=Direction.INCREASE,
    )
    owner_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Two or more departments make it a shared KPI.",
        error_messages={"required": "Choose at least one owner department."},
    )
    green_threshold = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        help_text="On target (green) at this value or better.",
    )
    red_threshold = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        help_text="Off target (red) at this value or worse; amber in between.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What it measures, where the numbers come from.",
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_departments"].queryset = workspace.departments.order_by("name")

    @classmethod
    def for_kpi(cls, kpi: KPI, data: Any = None) -> "KPIForm":
        return cls(
            data,
            workspace=kpi.workspace,
            initial={
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "owner_departments": list(kpi.owner_departments.all()),
                "green_threshold": plain(kpi.green_threshold),
                "red_threshold": plain(kpi.red_threshold),
                "description": kpi.description,
            },
        )


class MeasurementForm(Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    value = forms.DecimalField(error_messages={"invalid": "Enter a number, e.g. 1250.5."})


class MeasurementPasteForm(Form):
    text = forms.CharField(
        label="Values, one per line",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            "Each line: a date (YYYY-MM-DD), then a tab, comma or semicolon, then the value "
            "with a dot for decimals. Paste two columns straight from a spreadsheet; a header "
            "line without digits is skipped."
        ),
    )
    replace = forms.BooleanField(
        label="Replace values already recorded for these dates", required=False
    )

    def rows(self) -> tuple[list[dict[str, str]], list[int]]:
        """The pasted rows and their line numbers (call after ``is_valid()``)."""
        return parse_pasted(self.cleaned_data["text"])


def parse_pasted(text: str) -> tuple[list[dict[str, str]], list[int]]:
    """Split pasted lines into ``{"date", "value"}`` rows, numbered by line; blank lines and a
    first line without digits (a header) are skipped. Checking the values is the service's."""
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or (not numbers and not any(char.isdigit() for char in line)):
            continue
        parts = PASTE_SEPARATOR.split(line, maxsplit=1)
        date, value = parts[0], parts[1] if len(parts) > 1 else ""
        if THOUSANDS.match(value):
            value = value.replace(",", "")
        rows.append({"date": date, "value": value})
        numbers.append(number)
    return rows, numbers
