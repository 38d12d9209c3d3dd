"""The pulse form: one radio group of 1 to 5 and a comment per partner department. It parses
input and shows the service's errors; the rules are :func:`health.services.pulse_answer`'s."""

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from core.forms import Form
from health.models import PulseAnswer
from health.services import PulseDraft
from teams.models import Department

SCORE_KEY = re.compile(r"^score_(\d+)$")
SCORE_ERROR = "Answer from 1 (badly) to 5 (very well)."


@dataclass
class Partner:
    """One partner department's fields, for the template."""

    department: Department
    score: forms.BoundField
    comment: forms.BoundField


class PulseForm(Form):
    cycle = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        partners: list[Department],
        given: dict[int, PulseAnswer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partners = partners
        for department in partners:
            answer = given.get(department.pk)
            self.fields[f"score_{department.pk}"] = forms.TypedChoiceField(
                label=f"How well are we working together with {department.name}?",
                choices=PulseAnswer.SCORES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                initial=answer.score if answer else None,
                error_messages={"invalid_choice": SCORE_ERROR},
            )
            self.fields[f"comment_{department.pk}"] = forms.CharField(
                label=f"Comment on working with {department.name} (optional)",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                initial=answer.comment if answer else "",
            )

    def rows(self) -> list[Partner]:
        return [Partner(d, self[f"score_{d.pk}"], self[f"comment_{d.pk}"]) for d in self.partners]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        partner_ids = {d.pk for d in self.partners}
        strangers = [
            key for key in self.data if (m := SCORE_KEY.match(key)) and int(m[1]) not in partner_ids
        ]
        if strangers:
            raise forms.ValidationError(
                "You answered about a department you share no active goal with: the pulse asks "
                "only about the departments you work with."
            )
        if self.partners and not self.errors and not self.drafts():
            raise forms.ValidationError("Answer about at least one department.")
        return data

    def drafts(self) -> list[PulseDraft]:
        """The answers given: partners left without a score are skipped."""
        data = self.cleaned_data
        return [
            PulseDraft(about=d, score=data[f"score_{d.pk}"], comment=data[f"comment_{d.pk}"])
            for d in self.partners
            if data.get(f"score_{d.pk}") not in (None, "")
        ]
