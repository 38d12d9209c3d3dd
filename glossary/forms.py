"""The glossary's forms: they parse, the services decide (glossary.services)."""

from collections.abc import Sequence
from typing import Any

from django import forms

from core.forms import Form, ObjectChoiceField
from glossary.models import Term
from teams.models import Department


class TermForm(Form):
    term = forms.CharField(
        max_length=Term.MAX_TERM,
        help_text="As people write it, e.g. “MQL”. A term in capitals is marked only in "
        "capitals; any other term in any case.",
        error_messages={"required": "Write the term, e.g. “MQL”."},
    )
    meaning = forms.CharField(
        max_length=Term.MAX_MEANING,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it means, in words someone from another department understands.",
        error_messages={"required": "Say what the term means."},
    )
    department = ObjectChoiceField(
        label="Owning department",
        help_text="Its lead keeps the term up to date.",
        error_messages={
            "required": "Choose the department that owns the term.",
            "invalid_choice": "Choose one of the departments you keep terms for.",
        },
    )

    def __init__(self, *args: Any, departments: Sequence[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A lead of one department has nothing to choose.
        blank = None if len(departments) == 1 else "Choose…"
        self.fields["department"].set_objects(departments, blank=blank)

    @staticmethod
    def initial_for(term: Term) -> dict[str, Any]:
        return {"term": term.term, "meaning": term.meaning, "department": term.department_id}


class TermSearchForm(Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    department = forms.IntegerField(required=False, min_value=1)
