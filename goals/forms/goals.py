"""Goal forms: parsing only; the views hand the cleaned values to goals.services.goals.

Choices come from lists the view loaded once (see goals.selectors.goals.goal_form_choices), so
rendering and cleaning a form make no further queries.
"""

from collections.abc import Iterable
from typing import Any

from django import forms

from core.forms import Form, ObjectChoiceField, ObjectMultipleChoiceField, plain
from goals.models import Direction, Goal, Period
from goals.selectors.goals import GoalChoices, GoalFilters
from teams.models import Department, Membership, Role, User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Statuses the goal form sets; achieving or missing a goal goes through the closing form.
FORM_STATUSES = [
    (status.value, status.label)
    for status in Goal.Status
    if status not in (Goal.Status.ACHIEVED, Goal.Status.MISSED)
]


def person_label(user: User) -> str:
    return user.get_full_name() or user.username


class GoalForm(Form):
    """Every SMART field of a goal; ``version`` guards against overwriting someone's edit.

    It parses only: the rules (dates, target, owners, who may set what) are the services'
    (goals.services.goals.goal_check), whose errors the views show on these fields.
    """

    title = forms.CharField(
        max_length=200,
        help_text="The outcome and by how much, e.g. “Increase trial sign-ups by 20% through "
        "onboarding emails”.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Why it matters and how you will get there.",
    )
    owner_departments = ObjectMultipleChoiceField(
        help_text="Two or more owners make it a shared goal."
    )
    contributing_departments = ObjectMultipleChoiceField(
        required=False, help_text="Departments that help without owning the goal."
    )
    accountable = ObjectChoiceField(
        label="Accountable person", required=False, help_text="The one person answerable."
    )
    parent = ObjectChoiceField(
        label="Parent goal",
        required=False,
        help_text="The shared goal this one is a step of. Leave empty when it serves the "
        "mission directly.",
    )
    period = ObjectChoiceField(required=False)
    start_date = forms.DateField(widget=DATE_INPUT, required=False)
    due_date = forms.DateField(widget=DATE_INPUT, required=False)
    status = forms.ChoiceField(choices=FORM_STATUSES, initial=Goal.Status.DRAFT)
    metric = forms.CharField(
        max_length=120, required=False, help_text="What you will measure, e.g. “Trial sign-ups”."
    )
    unit = forms.CharField(max_length=30, required=False, help_text="e.g. %, EUR, sign-ups.")
    baseline = forms.DecimalField(
        max_digits=18, decimal_places=4, required=False, help_text="Where the metric is today."
    )
    target = forms.DecimalField(
        max_digits=18, decimal_places=4, required=False, help_text="The value that means done."
    )
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.INCREASE)
    current_value = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        help_text="Only when there is no KPI and no check-in yet: they update it from then on.",
    )
    kpi = ObjectChoiceField(
        label="KPI",
        required=False,
        help_text="Its measurements become the goal's current value.",
    )
    weight = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=1,
        help_text="Its share of the parent goal's progress; steps weigh the same by default.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        choices: GoalChoices,
        membership: Membership,
        goal: Goal | None = None,
        **kwargs: Any,
    ) -> None:
        """``choices.departments`` carry ``mine`` (see workspace_departments)."""
        super().__init__(data, **kwargs)
        owners = (
            choices.departments
            if membership.has_role(Role.EXECUTIVE)
            else [d for d in choices.departments if d.mine]
        )
        self.fields["owner_departments"].set_objects(owners)
        self.fields["contributing_departments"].set_objects(choices.departments)
        self.fields["accountable"].set_objects(
            choices.people, label_from=person_label, blank="— Nobody yet —"
        )
        self.fields["parent"].set_objects(choices.parents, blank="— None: serves the mission —")
        self.fields["period"].set_objects(choices.periods, blank="— No period —")
        self.fields["kpi"].set_objects(choices.kpis, blank="— No KPI —")
        if goal is not None and goal.status not in dict(FORM_STATUSES):
            self.fields["status"].choices = [
                *FORM_STATUSES,
                (goal.status, goal.get_status_display()),
            ]

    @staticmethod
    def initial_for(goal: Goal) -> dict[str, Any]:
        """The form's initial values for ``goal`` (its ``owners``/``contributors`` attached)."""
        return {
            "title": goal.title,
            "description": goal.description,
            "owner_departments": [str(d.pk) for d in goal.owners],
            "contributing_departments": [str(d.pk) for d in goal.contributors],
            "accountable": goal.accountable_id,
            "parent": goal.parent_id,
            "period": goal.period_id,
            "start_date": goal.start_date,
            "due_date": goal.due_date,
            "status": goal.status,
            "metric": goal.metric,
            "unit": goal.unit,
            "baseline": plain(goal.baseline),
            "target": plain(goal.target),
            "direction": goal.direction,
            "current_value": plain(goal.current_value),
            "kpi": goal.kpi_id,
            "weight": goal.weight,
            "version": goal.version,
        }

    def goal_fields(self) -> dict[str, Any]:
        """The cleaned values as goal_create/goal_update keyword arguments."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ClosingForm(Form):
    """Achieved or missed, with the short retrospective that closing a goal asks for."""

    status = forms.ChoiceField(
        label="How did it end?",
        choices=[(Goal.Status.ACHIEVED, "Achieved"), (Goal.Status.MISSED, "Missed")],
        widget=forms.RadioSelect,
    )
    what_worked = forms.CharField(
        label="What worked",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What should the next goal keep doing?",
    )
    what_to_change = forms.CharField(
        label="What to change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What would you do differently next time?",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CarryOverForm(Form):
    goals = ObjectMultipleChoiceField(label="Goals to carry over")
    period = ObjectChoiceField(label="Into the period", blank="— Choose a period —")

    def __init__(
        self, data: Any = None, *, goals: Iterable[Goal], periods: Iterable[Period], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.fields["goals"].set_objects(goals)
        self.fields["period"].set_objects(periods, blank="— Choose a period —")
        self.fields["period"].required = True


class GoalFilterForm(Form):
    """The goal list's filters (GET); a value that does not fit is ignored, not an error.

    Ids are checked only as numbers: the search is scoped to the workspace, so an id from
    elsewhere finds nothing. The option lists are needed only to render the full page.
    """

    q = forms.CharField(label="Search", required=False, max_length=100)
    department = forms.IntegerField(required=False, widget=forms.Select)
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), ("open", "Open (not closed)"), *Goal.Status.choices],
    )
    period = forms.IntegerField(required=False, widget=forms.Select)
    owner = forms.IntegerField(label="Accountable person", required=False, widget=forms.Select)
    shared = forms.BooleanField(label="Shared goals only", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        departments: Iterable[Department] = (),
        periods: Iterable[Period] = (),
        people: Iterable[User] = (),
    ) -> None:
        super().__init__(data)
        options = {
            "department": [("", "All departments"), *((d.pk, d.name) for d in departments)],
            "period": [("", "All periods"), *((p.pk, p.name) for p in periods)],
            "owner": [("", "Anyone"), *((u.pk, person_label(u)) for u in people)],
        }
        for name, choices in options.items():
            self.fields[name].widget.choices = choices

    def filters(self) -> GoalFilters:
        self.is_valid()
        cleaned = self.cleaned_data
        return GoalFilters(
            department=cleaned.get("department"),
            status=cleaned.get("status", ""),
            period=cleaned.get("period"),
            owner=cleaned.get("owner"),
            shared=cleaned.get("shared", False),
            q=cleaned.get("q", "").strip(),
        )


class WeightsForm(Form):
    """One weight per child step of a goal."""

    def __init__(self, data: Any = None, *, children: Iterable[Goal]) -> None:
        super().__init__(data)
        for child in children:
            self.fields[f"weight-{child.pk}"] = forms.IntegerField(
                label=child.title, min_value=1, max_value=100, initial=child.weight
            )

    def weights(self) -> dict[int, int]:
        return {
            int(name.removeprefix("weight-")): value for name, value in self.cleaned_data.items()
        }


class PriorityMoveForm(Form):
    goal = forms.IntegerField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class PriorityOrderForm(Form):
    """The whole ranked list at once, as dragged: ``order`` repeated, top first."""

    period = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = self.data.getlist("order") if hasattr(self.data, "getlist") else []
        if not raw or not all(value.isdigit() for value in raw):
            raise forms.ValidationError("Send the goals in their new order.")
        cleaned["order"] = [int(value) for value in raw]
        return cleaned
