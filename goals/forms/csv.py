"""The CSV upload forms, and the form of one row of a goal import (the goal form, with every
link named as people write it)."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db import models

from core.forms import Form
from goals.forms.goals import FORM_STATUSES, GoalForm
from goals.models import Direction
from goals.selectors.goals import GoalChoices
from teams.models import Membership


def name_key(text: str) -> str:
    """How an imported name is matched: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


class NamedObjectField(forms.Field):
    """Objects named as people write them (a department's name, a person's email); cleans to
    the object, or to a list of them with ``many``. A name two objects share is refused."""

    def __init__(
        self,
        *,
        objects: Iterable[models.Model],
        names: Callable[[Any], Iterable[str]],
        noun: str,
        many: bool = False,
        hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.many, self.noun, self.hint = many, noun, hint
        self.lookup: dict[str, models.Model | None] = {}
        for obj in objects:
            for name in names(obj):
                key = name_key(name)
                if key:
                    self.lookup[key] = obj if self.lookup.get(key, obj) is obj else None

    def _find(self, name: str) -> models.Model:
        key = name_key(name)
        if key not in self.lookup:
            raise forms.ValidationError(
                f"There is no {self.noun} “{name}” in this workspace{self.hint}."
            )
        obj = self.lookup[key]
        if obj is None:
            raise forms.ValidationError(
                f"Several {self.noun}s are called “{name}”; rename one of them first."
            )
        return obj

    def clean(self, value: Any) -> models.Model | list[models.Model] | None:
        names = [name for name in (value if self.many else [value]) or [] if name and name.strip()]
        if not names:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [] if self.many else None
        found, errors = [], []
        for name in names:
            try:
                obj = self._find(name)
            except forms.ValidationError as error:
                errors.append(error)
            else:
                if obj not in found:
                    found.append(obj)
        if errors:
            raise forms.ValidationError(errors)
        return found if self.many else found[0]


# Cells of a list column (owner and contributing departments): "Marketing; Product".
LIST_SEPARATOR = re.compile(r"[;|]")
IMPORT_DATE_FORMATS = ["%Y-%m-%d"]
REQUIRED = "This column needs a value."


class GoalImportForm(GoalForm):
    """One row of a goal import: the goal form and its rules, with departments, the
    accountable person, parent, period and KPI named as people write them.

    ``cells`` are the row's text by column; a blank status, direction or weight takes the form's
    default, and statuses and directions may be written as shown ("On track") or as stored
    ("on_track"). ``named`` are the fields that look names up, made once per file by
    :meth:`named_fields`. One form checks a whole file, bound to each row in turn
    (:meth:`bind`): a row then costs no more than cleaning its own cells.
    """

    def __init__(
        self,
        cells: dict[str, str] | None = None,
        *,
        choices: GoalChoices,
        membership: Membership,
        named: dict[str, NamedObjectField],
    ) -> None:
        # The named fields replace the goal form's lists; only the departments count here
        # (the person's own ones, for the rule on who owns a goal).
        just_departments = GoalChoices(
            departments=choices.departments, people=[], parents=[], periods=[], kpis=[]
        )
        super().__init__(self._data(cells or {}), choices=just_departments, membership=membership)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
        self.fields.update(named)
        for name in ("start_date", "due_date"):
            self.fields[name].input_formats = IMPORT_DATE_FORMATS
            self.fields[name].error_messages["invalid"] = (
                "Write the date as YYYY-MM-DD, e.g. 2026-03-31."
            )
        for name in ("status", "direction"):
            allowed = ", ".join(str(label).lower() for _, label in self.fields[name].choices)
            self.fields[name].error_messages["invalid_choice"] = (
                f"“%(value)s” is not a {name} you can import ({allowed})."
            )

    def bind(self, cells: dict[str, str]) -> "GoalImportForm":
        """This form bound to another row, its errors and cleaned values to come afresh (the
        fields, their choices and messages stay: making them is most of a form's cost)."""
        self.data, self.is_bound, self._errors = self._data(cells), True, None
        return self

    @classmethod
    def named_fields(cls, choices: GoalChoices) -> dict[str, NamedObjectField]:
        """The fields that find departments, people, parents, periods and KPIs by name."""
        departments = {"objects": choices.departments, "names": lambda d: [d.name], "many": True}
        named: dict[str, dict[str, Any]] = {
            # Every department: the goal form's own rule then says which a lead may own.
            "owner_departments": {**departments, "noun": "department"},
            "contributing_departments": {**departments, "noun": "department"},
            "accountable": {
                "objects": choices.people,
                "names": lambda u: [u.username, u.email],
                "noun": "member",
                "hint": " (name them by email or username)",
            },
            "parent": {
                "objects": choices.parents,
                "names": lambda g: [g.title],
                "noun": "open top-level goal",
            },
            "period": {"objects": choices.periods, "names": lambda p: [p.name], "noun": "period"},
            "kpi": {"objects": choices.kpis, "names": lambda k: [k.name], "noun": "KPI"},
        }
        return {
            name: NamedObjectField(
                required=cls.base_fields[name].required,
                label=cls.base_fields[name].label,
                error_messages={"required": REQUIRED},
                **options,
            )
            for name, options in named.items()
        }

    @classmethod
    def _data(cls, cells: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {name: cells.get(name, "").strip() for name in cls.base_fields}
        for name in ("owner_departments", "contributing_departments"):
            data[name] = [part.strip() for part in LIST_SEPARATOR.split(data[name])]
        for name, choices in (("status", FORM_STATUSES), ("direction", Direction.choices)):
            spelled = {name_key(str(label)): value for value, label in choices}
            spelled |= {name_key(value): value for value, _ in choices}
            data[name] = spelled.get(name_key(data[name]), data[name])
        for name in ("status", "direction", "weight"):
            if not data[name]:
                data[name] = cls.base_fields[name].initial
        return data

    def row_errors(self) -> list[str]:
        """Each error as "column: message" (a message about the whole row stands alone)."""
        return [
            message if field == forms.forms.NON_FIELD_ERRORS else f"{field}: {message}"
            for field, messages in self.errors.items()
            for message in messages
        ]


class CSVUploadForm(Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text (with or without a byte order mark), comma-, semicolon- or "
        "tab-separated, with a header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to check.",
            "empty": "The file is empty.",
        },
    )


class MeasurementUploadForm(CSVUploadForm):
    replace = forms.BooleanField(
        label="Replace values already recorded for these dates and sources", required=False
    )


class ImportConfirmForm(Form):
    """The checked file, carried signed from the preview to the import."""

    token = forms.CharField(widget=forms.HiddenInput)


class GoalImportConfirmForm(Form):
    """The checked goal file to import: its job (see goals.models.GoalImport)."""

    job = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
