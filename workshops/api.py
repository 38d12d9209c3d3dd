"""API v1 endpoints of workshops (DRF): thin views over the app's services and selectors.

A workshop is read and changed only by the people invited to it (``selectors.workshop_get``: an
id of another workspace is 404, a member who was not invited gets 403). The services decide
what each phase allows and what only the facilitator may do; a change the phase, the lock or
the commit does not allow is a 400 whose ``non_field_errors`` say why.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api.urls``.
"""

from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from alignment.api.fields import IdList, InWorkspace
from alignment.api.serializers import PeriodSerializer, SmartResultSerializer, _decimal
from alignment.api.tenancy import WorkspaceScopedViewSet
from goals.models import Direction, Period
from teams.models import Department, Role, User
from workshops import selectors, services
from workshops.models import Proposal, ProposalComment, Step, Workshop

SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Workspace")
WORKSHOP = OpenApiParameter(
    "workshop_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Workshop id"
)
PROPOSAL = OpenApiParameter(
    "proposal_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Proposal id"
)
PHASE_RULES = (
    "Phases move forward only: draft (proposals are added), refine (proposals are edited), "
    "vote (dot votes), break down (department steps), commit (the facilitator commits the "
    "chosen proposals as shared goals), closed. A change the phase or the facilitator's lock "
    "does not allow is a 400 whose `non_field_errors` say why."
)
FACILITATOR = "Only the workshop's facilitator; anyone else gets 403."
# The largest id the database holds: a larger number is refused as input, not sent to it.
ID_MAX = 2**63 - 1


# --- Serializers ------------------------------------------------------------------------------


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
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
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
    baseline = _decimal("")
    target = _decimal("")
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
    baseline = _decimal("Where the metric stands today.")
    target = _decimal("The value that means the goal is met; not the baseline.")
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
    baseline = _decimal("")
    target = _decimal("")
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
    baseline = _decimal("")
    target = _decimal("")
    due_date = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="Within the workshop's period."
    )


class ProposalFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Proposal.Status.choices, required=False)


class StepFilterSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, help_text="Steps of this proposal id."
    )


# --- Views ------------------------------------------------------------------------------------


def _detail(workshop: Workshop, user: User) -> dict[str, Any]:
    """The workshop with its departments, people, the caller's votes left and every proposal."""
    workshop.department_list = list(selectors.workshop_departments(workshop=workshop))
    workshop.participant_list = list(selectors.workshop_participants(workshop=workshop))
    workshop.proposal_list = selectors.summary_proposals(workshop=workshop)
    workshop.votes_left = workshop.votes_per_person - selectors.votes_used(
        workshop=workshop, user=user
    )
    return WorkshopDetailSerializer(workshop).data


@extend_schema(tags=["workshops"])
@extend_schema_view(
    list=extend_schema(
        summary="The workshops the caller facilitates or was invited to, newest first",
        parameters=[SLUG],
    ),
    retrieve=extend_schema(
        summary="One workshop: its phase, people, proposals, votes and steps",
        description=PHASE_RULES,
        parameters=[SLUG],
        responses={200: WorkshopDetailSerializer},
    ),
    create=extend_schema(
        summary="Start a workshop, facilitated by the caller (executives and admins)",
        parameters=[SLUG],
        request=WorkshopInputSerializer,
        responses={201: WorkshopDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change the votes per person or lock the phase (facilitator)",
        description=FACILITATOR + " Both changes, when sent together, apply together or not.",
        parameters=[SLUG],
        request=WorkshopUpdateSerializer,
        responses={200: WorkshopDetailSerializer},
    ),
    advance=extend_schema(
        summary="Move the workshop to its next phase (facilitator)",
        description=f"{FACILITATOR} {PHASE_RULES}",
        parameters=[SLUG],
        request=None,
        responses={200: WorkshopDetailSerializer},
    ),
    commit=extend_schema(
        summary="Commit the chosen proposals as shared goals and close (facilitator)",
        description=f"{FACILITATOR} In the commit phase only. Every chosen proposal becomes a "
        "shared goal of the period (priorities follow the votes) and its steps child goals, "
        "in one transaction: if one cannot, nothing is committed.",
        parameters=[SLUG],
        request=CommitInputSerializer,
        responses={200: WorkshopDetailSerializer},
    ),
)
class WorkshopViewSet(WorkspaceScopedViewSet):
    queryset = Workshop.objects.all()
    serializer_class = WorkshopSerializer
    action_roles = {"create": Role.EXECUTIVE}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Workshop]:
        if getattr(self, "swagger_fake_view", False):
            return Workshop.objects.none()
        return selectors.workshop_list(workspace=self.request.workspace, user=self.request.user)

    def _workshop(self, pk: int) -> Workshop:
        return selectors.workshop_get(
            workspace=self.request.workspace, user=self.request.user, pk=pk
        )

    def _answer(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        return Response(_detail(self._workshop(pk), self.request.user), status=code)

    def list(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WorkshopSerializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str, pk: int) -> Response:
        return self._answer(pk)

    def create(self, request: Request, slug: str) -> Response:
        workshop = services.workshop_create(
            workspace=request.workspace,
            actor=request.user,
            **self.validated(WorkshopInputSerializer),
        )
        return self._answer(workshop.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str, pk: int) -> Response:
        workshop = self._workshop(pk)
        changes = self.validated(WorkshopUpdateSerializer)
        with transaction.atomic():
            if "votes_per_person" in changes:
                services.workshop_set_votes(
                    workshop=workshop,
                    actor=request.user,
                    votes_per_person=changes["votes_per_person"],
                )
            if "locked" in changes:
                services.workshop_set_lock(
                    workshop=workshop, actor=request.user, locked=changes["locked"]
                )
        return self._answer(pk)

    @action(detail=True, methods=["post"])
    def advance(self, request: Request, slug: str, pk: int) -> Response:
        services.workshop_advance(workshop=self._workshop(pk), actor=request.user)
        return self._answer(pk)

    @action(detail=True, methods=["post"])
    def commit(self, request: Request, slug: str, pk: int) -> Response:
        workshop = self._workshop(pk)
        data = self.validated(CommitInputSerializer)
        services.workshop_commit(
            workshop=workshop, actor=request.user, proposal_ids=data["proposals"]
        )
        return self._answer(pk)


class InWorkshopViewSet(WorkspaceScopedViewSet):
    """A viewset under ``workshops/<workshop_pk>/``: the workshop is fetched once, for one of
    its participants, and given to the serializers as ``workshop``."""

    @cached_property
    def workshop(self) -> Workshop:
        return selectors.workshop_get(
            workspace=self.request.workspace, user=self.request.user, pk=self.kwargs["workshop_pk"]
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["workshop"] = self.workshop
        return context


@extend_schema(tags=["workshops"])
@extend_schema_view(
    list=extend_schema(
        summary="A workshop's proposals, ranked by votes once voting has started",
        parameters=[SLUG, WORKSHOP, ProposalFilterSerializer],
    ),
    retrieve=extend_schema(
        summary="One proposal, with its votes and SMART check", parameters=[SLUG, WORKSHOP]
    ),
    create=extend_schema(
        summary="Propose a goal (draft phase)",
        parameters=[SLUG, WORKSHOP],
        request=ProposalInputSerializer,
        responses={201: ProposalSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit a proposal (draft and refine phases)",
        description="Send the `version` last read: when someone else saved since, the answer "
        "is a 409 with the current version, and nothing is changed.",
        parameters=[SLUG, WORKSHOP],
        request=ProposalUpdateSerializer,
        responses={
            200: ProposalSerializer,
            409: OpenApiResponse(StaleSerializer, description="Someone else saved it first."),
        },
    ),
    destroy=extend_schema(
        summary="Take a proposal off the board (facilitator)",
        description=f"{FACILITATOR} Its votes return to the voters; it stays listed, with the "
        "status `removed`.",
        parameters=[SLUG, WORKSHOP],
        responses={204: None},
    ),
    vote=extend_schema(
        summary="Vote for a proposal (vote phase)",
        description="One dot per proposal, up to the workshop's votes per person.",
        parameters=[SLUG, WORKSHOP],
        request=None,
        responses={200: ProposalSerializer},
    ),
    merge=extend_schema(
        summary="Merge a duplicate into another proposal (facilitator)",
        description=f"{FACILITATOR} Votes, comments, steps and owners move to the survivor, "
        "which is returned; a person who voted for both gets one vote back.",
        parameters=[SLUG, WORKSHOP],
        request=MergeInputSerializer,
        responses={200: ProposalSerializer},
    ),
)
class ProposalViewSet(InWorkshopViewSet):
    queryset = Proposal.objects.all()
    serializer_class = ProposalSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Proposal]:
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return selectors.proposal_list(workshop=self.workshop, user=self.request.user)

    def _proposal(self, pk: int) -> Proposal:
        proposal = self.get_queryset().get(pk=pk)
        proposal.workshop = self.workshop
        return proposal

    def _answer(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        data = ProposalSerializer(self._proposal(pk), context=self.get_serializer_context()).data
        return Response(data, status=code)

    def list(self, request: Request, slug: str, workshop_pk: int) -> Response:
        filters = self.validated(ProposalFilterSerializer, data=request.query_params)
        proposals = self.get_queryset()
        if "status" in filters:
            proposals = proposals.filter(status=filters["status"])
        page = self.paginate_queryset(proposals)
        serializer = ProposalSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        return self._answer(pk)

    def create(self, request: Request, slug: str, workshop_pk: int) -> Response:
        proposal = services.proposal_create(
            workshop=self.workshop, actor=request.user, **self.validated(ProposalInputSerializer)
        )
        return self._answer(proposal.pk, code=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        proposal = self._proposal(pk)
        changes = dict(self.validated(ProposalUpdateSerializer, partial=True))
        current = {key: getattr(proposal, key) for key in ("title", *services.PROPOSAL_FIELDS)}
        current["owner_departments"] = list(proposal.owner_departments.all())
        try:
            services.proposal_update(
                proposal=proposal,
                actor=request.user,
                version=changes.pop("version"),
                **{**current, **changes},
            )
        except services.StaleProposalError as stale:
            return Response(
                {"detail": str(stale), "version": stale.current.version},
                status=status.HTTP_409_CONFLICT,
            )
        return self._answer(pk)

    def destroy(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        services.proposal_remove(proposal=self._proposal(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def vote(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        services.vote_cast(proposal=self._proposal(pk), voter=request.user)
        return self._answer(pk)

    @extend_schema(
        summary="Take back a vote (vote phase)",
        parameters=[SLUG, WORKSHOP],
        request=None,
        responses={200: ProposalSerializer},
    )
    @vote.mapping.delete
    def unvote(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        services.vote_withdraw(proposal=self._proposal(pk), voter=request.user)
        return self._answer(pk)

    @action(detail=True, methods=["post"])
    def merge(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        proposal = self._proposal(pk)
        into = self.validated(MergeInputSerializer)["into"]
        survivor = services.proposal_merge(proposal=proposal, into=into, actor=request.user)
        return self._answer(survivor.pk)


@extend_schema(tags=["workshops"])
@extend_schema_view(
    list=extend_schema(
        summary="The discussion of a proposal, oldest first", parameters=[SLUG, WORKSHOP, PROPOSAL]
    ),
    create=extend_schema(
        summary="Comment on a proposal (draft to break-down phases)",
        parameters=[SLUG, WORKSHOP, PROPOSAL],
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    ),
)
class CommentViewSet(WorkspaceScopedViewSet):
    queryset = ProposalComment.objects.all()
    serializer_class = CommentSerializer
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def proposal(self) -> Proposal:
        return selectors.proposal_get(
            workspace=self.request.workspace,
            user=self.request.user,
            workshop_pk=self.kwargs["workshop_pk"],
            pk=self.kwargs["proposal_pk"],
        )

    def get_queryset(self) -> QuerySet[ProposalComment]:
        if getattr(self, "swagger_fake_view", False):
            return ProposalComment.objects.none()
        return selectors.proposal_comments(proposal=self.proposal)

    def list(self, request: Request, slug: str, workshop_pk: int, proposal_pk: int) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    def create(self, request: Request, slug: str, workshop_pk: int, proposal_pk: int) -> Response:
        comment = services.comment_create(
            proposal=self.proposal,
            actor=request.user,
            body=self.validated(CommentInputSerializer)["body"],
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["workshops"])
@extend_schema_view(
    list=extend_schema(
        summary="The department steps of a workshop's proposals",
        parameters=[SLUG, WORKSHOP, StepFilterSerializer],
    ),
    retrieve=extend_schema(summary="One department step", parameters=[SLUG, WORKSHOP]),
    create=extend_schema(
        summary="Add a department step to a proposal (break-down phase)",
        description="Committing the proposal makes each of its steps a child goal.",
        parameters=[SLUG, WORKSHOP],
        request=StepInputSerializer,
        responses={201: StepSerializer},
    ),
    destroy=extend_schema(
        summary="Remove a department step (break-down phase)",
        parameters=[SLUG, WORKSHOP],
        responses={204: None},
    ),
)
class StepViewSet(InWorkshopViewSet):
    queryset = Step.objects.all()
    serializer_class = StepSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Step]:
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        return selectors.workshop_steps(workshop=self.workshop)

    def list(self, request: Request, slug: str, workshop_pk: int) -> Response:
        filters = self.validated(StepFilterSerializer, data=request.query_params)
        steps = self.get_queryset()
        if "proposal" in filters:
            steps = steps.filter(proposal_id=filters["proposal"])
        page = self.paginate_queryset(steps)
        return self.get_paginated_response(StepSerializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        return Response(StepSerializer(self.get_queryset().get(pk=pk)).data)

    def create(self, request: Request, slug: str, workshop_pk: int) -> Response:
        data = dict(self.validated(StepInputSerializer))
        proposal = data.pop("proposal")
        proposal.workshop = self.workshop
        step = services.step_create(proposal=proposal, actor=request.user, **data)
        answer = StepSerializer(self.get_queryset().get(pk=step.pk)).data
        return Response(answer, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, slug: str, workshop_pk: int, pk: int) -> Response:
        step = selectors.step_get(
            workspace=request.workspace, user=request.user, workshop_pk=workshop_pk, pk=pk
        )
        services.step_delete(step=step, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


WORKSHOP_PATH = "workshops/<id:workshop_pk>"
routes: list[tuple[str, type, str]] = [
    ("workshops", WorkshopViewSet, "api-workshop"),
    (f"{WORKSHOP_PATH}/proposals", ProposalViewSet, "api-workshop-proposal"),
    (
        f"{WORKSHOP_PATH}/proposals/<id:proposal_pk>/comments",
        CommentViewSet,
        "api-workshop-comment",
    ),
    (f"{WORKSHOP_PATH}/steps", StepViewSet, "api-workshop-step"),
]
