"""Input and output serializers of the workshops API. Inputs only validate; services write."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import MAX_PK, IdList, InWorkspace, optional_decimal
from goals.api.periods import PeriodSerializer
from goals.api.smart import SmartResultSerializer
from goals.models import Direction, Period
from teams.models import Department, User
from workshops import selectors
from workshops.models import Proposal, Workshop


@extend_schema_field(OpenApiTypes.INT)
class InThisWorkshop(serializers.PrimaryKeyRelatedField):
    """The id of a proposal of the workshop in the URL; any other reads as missing."""

    default_error_messages = {
        "does_not_exist": "No proposal with id {pk_value} in this workshop.",
        "incorrect_type": "Send an id (a whole number), not {data_type}.",
    }

    def get_queryset(self) -> QuerySet[Proposal]:
        return Proposal.objects.filter(workshop=self.context["workshop"])


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The user id.")
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", help_text="The user id.")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.__str__")
    last_seen = serializers.DateTimeField(
        allow_null=True, help_text="When their board last asked for news (about every 10 s)."
    )


class WorkshopBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    phase = serializers.ChoiceField(choices=Workshop.Phase.choices)
    phase_help = serializers.CharField(help_text="What the current phase is for.")
    next_phase = serializers.ChoiceField(
        choices=Workshop.Phase.choices,
        allow_null=True,
        help_text="Where `advance` moves it; null in the commit phase (it ends by committing) "
        "and once closed.",
    )
    locked = serializers.BooleanField(
        help_text="A locked phase: only the facilitator may change anything."
    )
    votes_per_person = serializers.IntegerField(min_value=1, max_value=Workshop.MAX_VOTES)
    version = serializers.IntegerField(help_text="Moves on with every change in the workshop.")
    period = PeriodSerializer()
    facilitator = PersonSerializer()
    created_at = serializers.DateTimeField()
    committed_at = serializers.DateTimeField(allow_null=True)


class WorkshopSerializer(WorkshopBaseSerializer):
    participant_count = serializers.IntegerField(source="people")
    proposal_count = serializers.IntegerField(help_text="Proposals of any status.")


class SummaryStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id")
    title = serializers.CharField()
    goal = serializers.IntegerField(
        source="goal_id", allow_null=True, help_text="The child goal it became, once committed."
    )


class SummaryProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Proposal.Status.choices)
    author = PersonSerializer()
    owner_departments = IdList(help_text="Department ids.")
    vote_count = serializers.IntegerField()
    merged_into = serializers.IntegerField(
        source="merged_into_id", allow_null=True, help_text="The proposal it was merged into."
    )
    goal = serializers.IntegerField(
        source="goal_id", allow_null=True, help_text="The shared goal it became, once committed."
    )
    steps = SummaryStepSerializer(many=True)


class WorkshopDetailSerializer(WorkshopBaseSerializer):
    departments = DepartmentRefSerializer(many=True, source="department_list")
    participants = ParticipantSerializer(
        many=True, source="participant_list", help_text="The facilitator is one of them."
    )
    votes_left = serializers.IntegerField(help_text="The caller's dots still to spend.")
    proposals = SummaryProposalSerializer(
        many=True,
        source="proposal_list",
        help_text="Every proposal and what became of it: committed ones first, by priority, "
        "then by votes.",
    )


class WorkshopInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    period = InWorkspace(
        queryset=Period.objects.all(), help_text="The period the goals will belong to."
    )
    departments = InWorkspace(
        queryset=Department.objects.all(),
        many=True,
        help_text="At least two department ids taking part.",
    )
    participants = InWorkspace(
        queryset=User.objects.all(),
        workspace_field="memberships__workspace",
        many=True,
        help_text="User ids of the members invited (not guests); the caller facilitates.",
    )
    votes_per_person = serializers.IntegerField(
        min_value=1, max_value=Workshop.MAX_VOTES, default=3
    )


class WorkshopUpdateSerializer(serializers.Serializer):
    votes_per_person = serializers.IntegerField(
        min_value=1,
        max_value=Workshop.MAX_VOTES,
        required=False,
        help_text="Until voting ends, and never below what someone has used.",
    )
    locked = serializers.BooleanField(
        required=False, help_text="Lock the current phase: only the facilitator may change it."
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Send `votes_per_person`, `locked` or both.")
        return data


class CommitInputSerializer(serializers.Serializer):
    proposals = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_PK),
        max_length=500,
        help_text="Ids of the active proposals that become shared goals (their steps become "
        "child goals). All or nothing.",
    )


@extend_schema_field(SmartResultSerializer)
class SmartField(serializers.Field):
    """The SMART check of a proposal, as the board's coach shows it (computed, no query)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, proposal: Proposal) -> dict:
        result = selectors.proposal_smart(
            proposal,
            workshop=self.context["workshop"],
            owner_count=len(proposal.owner_departments.all()),
        )
        return result.as_dict()


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    baseline = optional_decimal()
    target = optional_decimal()
    direction = serializers.ChoiceField(choices=Direction.choices)
    due_date = serializers.DateField(allow_null=True)
    owner_departments = IdList(help_text="Department ids.")
    status = serializers.ChoiceField(choices=Proposal.Status.choices)
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    goal = serializers.IntegerField(source="goal_id", allow_null=True)
    author = PersonSerializer()
    version = serializers.IntegerField(help_text="Send it back with an edit.")
    vote_count = serializers.IntegerField()
    my_vote = serializers.BooleanField(help_text="Whether the caller voted for it.")
    comment_count = serializers.IntegerField()
    step_count = serializers.IntegerField()
    smart = SmartField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProposalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="What will change?")
    description = serializers.CharField(allow_blank=True, required=False, default="")
    metric = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    unit = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    baseline = optional_decimal("Where the metric stands today.")
    target = optional_decimal("The value that means the goal is met; not the baseline.")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INCREASE)
    due_date = serializers.DateField(allow_null=True, required=False, default=None)
    owner_departments = InWorkspace(
        queryset=Department.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text="Ids of departments taking part in the workshop.",
    )


class ProposalUpdateSerializer(ProposalInputSerializer):
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Required: the `version` last read. Someone else's newer save is a 409.",
    )

    def validate(self, data: dict) -> dict:
        if "version" not in data:
            raise serializers.ValidationError(
                {"version": "Send the version of the proposal you last read."}
            )
        return data


class StaleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version, to base a retry on.")


class MergeInputSerializer(serializers.Serializer):
    into = InThisWorkshop(help_text="The proposal of this workshop it duplicates.")


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = PersonSerializer()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10_000)


class StepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.IntegerField(source="proposal_id")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    author = PersonSerializer()
    title = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    baseline = optional_decimal()
    target = optional_decimal()
    due_date = serializers.DateField(allow_null=True)
    goal = serializers.IntegerField(
        source="goal_id", allow_null=True, help_text="The child goal it became, once committed."
    )
    created_at = serializers.DateTimeField()


class StepInputSerializer(serializers.Serializer):
    proposal = InThisWorkshop(help_text="The proposal of this workshop it breaks down.")
    department = InWorkspace(
        queryset=Department.objects.all(), help_text="A department taking part in the workshop."
    )
    title = serializers.CharField(max_length=200, help_text="What the department will do.")
    metric = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    unit = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    baseline = optional_decimal()
    target = optional_decimal()
    due_date = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="Within the workshop's period."
    )


class ProposalFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Proposal.Status.choices, required=False)


class StepFilterSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text="Steps of this proposal id."
    )
