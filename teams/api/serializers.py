"""Input and output serializers of the teams API. Inputs only parse; services write."""

from rest_framework import serializers

from core.api.fields import MAX_PK, IdList, InWorkspace
from teams.models import Department, Role, User


class TokenCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    name = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="What the token is for; defaults to “API token <date>”.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    name = serializers.CharField()


class WorkspaceSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="workspace.slug")
    name = serializers.CharField(source="workspace.name")
    mission = serializers.CharField(source="workspace.mission")
    timezone = serializers.CharField(source="workspace.timezone")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The caller's role in it.")


class DepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Department.Kind.choices)
    color = serializers.CharField(help_text="The hex colour set for it, or blank.")
    display_color = serializers.CharField(help_text="The colour shown: its own or its kind's.")
    lead = serializers.IntegerField(source="lead_id", allow_null=True, help_text="A user id.")
    executive = serializers.IntegerField(
        source="executive_id", allow_null=True, help_text="A user id."
    )


class DepartmentInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=Department.Kind.choices, default=Department.Kind.OTHER)
    color = serializers.RegexField(
        r"^#[0-9A-Fa-f]{6}$",
        required=False,
        allow_blank=True,
        help_text="A hex colour such as #d63384, or blank for its kind's colour.",
        error_messages={"invalid": "Use a hex colour such as #d63384."},
    )
    lead = InWorkspace(
        queryset=User.objects.all(),
        workspace_field="memberships__workspace",
        allow_null=True,
        required=False,
        default=None,
        help_text="The user id of a member of the workspace.",
    )
    executive = InWorkspace(
        queryset=User.objects.all(),
        workspace_field="memberships__workspace",
        allow_null=True,
        required=False,
        default=None,
        help_text="The user id of a member; receives escalations of overdue check-ins.",
    )


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership id (used in this API's URLs).")
    user = serializers.IntegerField(source="user_id", help_text="The user id.")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.__str__")
    email = serializers.EmailField(source="user.email", allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    departments = IdList(help_text="Department ids.")


class MemberInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    departments = InWorkspace(queryset=Department.objects.all(), many=True)


class MemberFilterSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text="Members of this department id."
    )
