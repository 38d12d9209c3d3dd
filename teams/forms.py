import zoneinfo

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)

from alignment.lib.forms import Form, StyledFormMixin
from teams.models import Cadence, Department, Role, User, Workspace

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class WorkspaceForm(Form):
    name = forms.CharField(max_length=120)
    mission = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One paragraph that ties the departments' work to the company mission.",
    )
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, initial="UTC")
    checkin_cadence = forms.ChoiceField(
        label="Check-in cadence", choices=Cadence.choices, initial=Cadence.BIWEEKLY
    )

    @classmethod
    def for_workspace(cls, workspace: Workspace, data=None) -> "WorkspaceForm":
        return cls(
            data,
            initial={
                "name": workspace.name,
                "mission": workspace.mission,
                "timezone": workspace.timezone,
                "checkin_cadence": workspace.checkin_cadence,
            },
        )


class DepartmentForm(Form):
    name = forms.CharField(max_length=80)
    kind = forms.ChoiceField(choices=Department.Kind.choices, initial=Department.Kind.OTHER)
    color = forms.RegexField(
        regex=r"^#[0-9A-Fa-f]{6}$",
        required=False,
        help_text="Optional, e.g. #d63384. Blank uses the kind's colour.",
        error_messages={"invalid": "Use a hex colour such as #d63384."},
    )
    lead = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    executive = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Receives escalations when check-ins are overdue.",
    )

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(memberships__workspace=workspace).order_by("first_name")
        self.fields["lead"].queryset = people
        self.fields["executive"].queryset = people


class InvitationForm(Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = workspace.departments.all()


class MembershipForm(Form):
    role = forms.ChoiceField(choices=Role.choices)
    departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, workspace: Workspace, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = workspace.departments.all()


class SignupForm(StyledFormMixin, UserCreationForm):
    """Create an account while accepting an invitation (the email comes from it)."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name")


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class ResetForm(StyledFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class ChangePasswordForm(StyledFormMixin, PasswordChangeForm):
    pass
