import json
import unicodedata
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from core.forms import Form, StyledFormMixin
from teams.models import Cadence, Department, Role, User, Workspace

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
# Larger exports go through ``manage.py workspace_import``: a page keeps its memory small.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


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


class WorkspaceImportForm(Form):
    document = forms.FileField(
        label="Export file",
        help_text="The .json file downloaded from a workspace's settings.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    name = forms.CharField(
        max_length=120, required=False, help_text="Blank keeps the name in the file."
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=60,
        required=False,
        help_text="As in /w/acme-analytics/; blank makes one from the name.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: it shares the page with the create form, which has a name field too.
        kwargs.setdefault("auto_id", "id_import_%s")
        super().__init__(*args, **kwargs)

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"This file is larger than {filesizeformat(MAX_IMPORT_BYTES)}; an operator can "
                "import it with manage.py workspace_import."
            )
        try:
            return json.load(upload)
        except ValueError as error:  # also UnicodeDecodeError
            raise ValidationError(f"This file is not JSON: {error}.") from None
        except RecursionError:
            raise ValidationError("This file is nested too deeply to be an export.") from None


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
    def get_users(self, email: str) -> Iterator[User]:
        """Active accounts with this address, including those a workspace import made without
        a usable password (Django's form skips them): this is how their owners choose one.
        The Unicode-aware comparison is Django's guard against look-alike addresses."""
        wanted = _folded(email)
        users = User._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if _folded(user.email) == wanted)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class NewPasswordForm(StyledFormMixin, SetPasswordForm):
    pass


class ChangePasswordForm(StyledFormMixin, PasswordChangeForm):
    pass


class TokenForm(Form):
    name = forms.CharField(
        max_length=80,
        label="Token name",
        help_text="What will use it, e.g. “CRM sync” or “BI dashboard”.",
    )
