"""The workshops API's viewsets and their routes (see the package docstring)."""

from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import SLUG
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Role, User
from workshops import commit, selectors, services
from workshops.api.serializers import (
    CommentInputSerializer,
    CommentSerializer,
    CommitInputSerializer,
    MergeInputSerializer,
    ProposalFilterSerializer,
    ProposalInputSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
    StaleSerializer,
    StepFilterSerializer,
    StepInputSerializer,
    StepSerializer,
    WorkshopDetailSerializer,
    WorkshopInputSerializer,
    WorkshopSerializer,
    WorkshopUpdateSerializer,
)
from workshops.models import Proposal, ProposalComment, Step, Workshop

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
        commit.workshop_commit(
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
