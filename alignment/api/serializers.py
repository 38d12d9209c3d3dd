"""Input and output serializers of API v1. Inputs only validate; services write."""

from rest_framework import serializers

from alignment.api.fields import MAX_PK, IdList, InWorkspace, optional_decimal
from goals.models import KPI, Direction, Goal, Period
from goals.smart import LETTERS
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


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class PeriodInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    start_date = serializers.DateField()
    end_date = serializers.DateField()

    def validate(self, data: dict) -> dict:
        # The database says so too; here the message can name the field.
        if data["end_date"] <= data["start_date"]:
            raise serializers.ValidationError({"end_date": "The period must end after it starts."})
        return data


class SmartCheckInputSerializer(serializers.Serializer):
    """A draft goal; every field is optional, the check says what is missing."""

    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    description = serializers.CharField(allow_blank=True, required=False, default="")
    metric = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    baseline = optional_decimal("Where the metric stands today.")
    target = optional_decimal("The value that means the goal is met.")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INCREASE)
    start_date = serializers.DateField(allow_null=True, required=False, default=None)
    due_date = serializers.DateField(allow_null=True, required=False, default=None)
    period = InWorkspace(
        queryset=Period.objects.all(), allow_null=True, required=False, default=None
    )
    parent = InWorkspace(queryset=Goal.objects.all(), allow_null=True, required=False, default=None)
    owner_departments = InWorkspace(
        queryset=Department.objects.all(), many=True, required=False, default=list
    )
    kpi = InWorkspace(
        queryset=KPI.objects.all(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A KPI whose measurement history the target is judged against.",
    )


class SmartResultSerializer(serializers.Serializer):
    specific = serializers.BooleanField()
    measurable = serializers.BooleanField()
    achievable = serializers.BooleanField()
    relevant = serializers.BooleanField()
    time_bound = serializers.BooleanField()
    score = serializers.IntegerField(min_value=0, max_value=len(LETTERS))
    hints = serializers.ListField(
        child=serializers.CharField(), help_text="What is missing, in plain sentences."
    )
