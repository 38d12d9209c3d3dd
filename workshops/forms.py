"""Parsing only: the services decide what is allowed.

The board's forms take their choices as lists the view has already read, so that several
forms on one panel cost no query each.
"""

from collections.abc import Sequence

from django import forms

from core.forms import Form, ObjectChoiceField, ObjectMultipleChoiceField, plain
from goals.models import Direction
from teams.models import Department, User, Workspace
from workshops import selectors
from workshops.models import Proposal, Workshop


class WorkshopForm(Form):
    title = forms.CharField(
        max_length=200,
        help_text="What the workshop should agree on, e.g. “Q4 shared goals: marketing × product”.",
        error_messages={"required": "Give the workshop a title."},
    )
    period = forms.ModelChoiceField(
        queryset=None,
        help_text="The planning period the goals will belong to.",
        error_messages={"required": "Choose the period the goals are for."},
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Participating departments",
        error_messages={"required": "Choose the departments taking part."},
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Invite people",
        help_text="You facilitate; invite the executives and leads who set the goals with you.",
        error_messages={"required": "Invite at least one other person."},
    )
    votes_per_person = forms.IntegerField(
        min_value=1,
        max_value=Workshop.MAX_VOTES,
        initial=3,
        help_text="Dots each person may spend in the vote phase.",
    )

    def __init__(self, *args, workspace: Workspace, facilitator: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = workspace.periods.order_by("-start_date")
        self.fields["departments"].queryset = workspace.departments.order_by("name")
        self.fields["participants"].queryset = selectors.invitable_people(
            workspace=workspace
        ).exclude(pk=facilitator.pk)


class ProposalForm(Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the proposal a title: what will change?"},
        widget=forms.TextInput(attrs={"placeholder": "Increase trial sign-ups by 20% …"}),
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why and how"
    )
    metric = forms.CharField(max_length=120, required=False)
    unit = forms.CharField(max_length=30, required=False)
    baseline = forms.DecimalField(max_digits=18, decimal_places=4, required=False)
    target = forms.DecimalField(max_digits=18, decimal_places=4, required=False)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.INCREASE)
    due_date = forms.DateField(
        required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"})
    )
    owner_departments = ObjectMultipleChoiceField(required=False, label="Owner departments")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, departments: Sequence[Department], id_prefix: str = "new", **kwargs
    ) -> None:
        # Two of these can share a page (a new proposal and an edited one): distinct ids.
        kwargs.setdefault("auto_id", f"id_{id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner_departments"].set_objects(departments)

    @classmethod
    def for_proposal(
        cls, proposal: Proposal, departments: Sequence[Department], data=None
    ) -> "ProposalForm":
        """The edit form; ``departments`` carry ``is_owner`` (selectors.departments_with_owners)."""
        initial = {
            "title": proposal.title,
            "description": proposal.description,
            "metric": proposal.metric,
            "unit": proposal.unit,
            "baseline": plain(proposal.baseline),
            "target": plain(proposal.target),
            "direction": proposal.direction,
            "due_date": proposal.due_date,
            "owner_departments": [d.pk for d in departments if d.is_owner],
            "version": proposal.version,
        }
        return cls(data, initial=initial, departments=departments, id_prefix=f"p{proposal.pk}")

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("version")
        return fields


class CommentForm(Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a comment first."},
    )

    def __init__(self, *args, proposal: Proposal, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_comment{proposal.pk}_%s")
        super().__init__(*args, **kwargs)


class StepForm(Form):
    department = ObjectChoiceField(
        error_messages={"required": "Choose the department that owns the step."}
    )
    title = forms.CharField(
        max_length=200,
        label="Step",
        error_messages={"required": "Say what the department will do."},
    )
    metric = forms.CharField(max_length=120, required=False)
    baseline = forms.DecimalField(max_digits=18, decimal_places=4, required=False)
    target = forms.DecimalField(max_digits=18, decimal_places=4, required=False)
    due_date = forms.DateField(
        required=False, label="Due date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args, proposal: Proposal, departments: Sequence[Department], **kwargs
    ) -> None:
        kwargs.setdefault("auto_id", f"id_step{proposal.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)


class MergeForm(Form):
    into = ObjectChoiceField(
        label="Merge into", error_messages={"required": "Choose the proposal this one duplicates."}
    )

    def __init__(self, *args, proposal: Proposal, targets: Sequence[Proposal], **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_merge{proposal.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["into"].set_objects(targets)


class VotesForm(Form):
    votes_per_person = forms.IntegerField(
        min_value=1, max_value=Workshop.MAX_VOTES, label="Votes per person"
    )


class CommitForm(Form):
    proposals = ObjectMultipleChoiceField(
        label="Proposals to commit as shared goals",
        error_messages={"required": "Choose at least one proposal to commit."},
    )

    def __init__(self, *args, proposals: Sequence[Proposal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].set_objects(proposals)
