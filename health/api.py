"""API v1 endpoints of alignment health (DRF): thin views over :mod:`health.figures` and the
pulse service.

``health/`` returns the figures of every department and of every pair of departments (one entry
per pair, the lower id first), as on the health page; members read it. A department entry holds
its ``id``, ``name`` and the same eight figures as a pair, counted for the department: its
shared goals, the check-ins of the goals it owns, the asks it received, its conflicts and the
pulse others gave about it. A figure without data is ``null``, never zero.

``pulse/`` lists the pulse answers of the last cycles (comments only for executives, admins and
the leads of the two departments; blank for anyone else) and takes a department's answer about
another for the current cycle: its lead (its executive, when it has no lead) answers, else 403;
answering again in the same cycle changes the answer (200).

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from checkins.services.cycles import cycle_current
from core.api.fields import InWorkspace
from core.api.schema import SLUG
from health import selectors
from health.figures import WINDOW, Figures, health_figures
from health.models import PulseAnswer
from health.services import PulseDraft, ensure_answers_for, pulse_answer, pulse_lock
from health.sources import cycles_back
from teams.api.tenancy import WorkspaceScopedViewSet
from teams.models import Department, Role

FIGURES = (
    "shared_goals",
    "on_track_share",
    "checkin_rate",
    "open_asks",
    "open_conflicts",
    "decision_days",
    "divergence",
    "pulse",
)


class FiguresSerializer(serializers.Serializer):
    shared_goals = serializers.IntegerField(help_text="Active goals both own or contribute to.")
    on_track_share = serializers.FloatField(
        allow_null=True, help_text="Share of the shared goals on track, 0 to 1."
    )
    checkin_rate = serializers.FloatField(
        allow_null=True,
        help_text=f"Check-ins logged of those owed in the last {WINDOW} cycles due, 0 to 1.",
    )
    open_asks = serializers.IntegerField(help_text="Asks not yet delivered or declined.")
    open_conflicts = serializers.IntegerField(help_text="Conflicts not yet decided.")
    decision_days = serializers.FloatField(
        allow_null=True, help_text="Median days from raising a conflict to its decision."
    )
    divergence = serializers.FloatField(
        allow_null=True,
        help_text="Mean gap between the departments' confidence (1 to 10) in their own steps "
        "of each shared goal, 0 to 9.",
    )
    pulse = serializers.FloatField(
        allow_null=True,
        help_text="Mean pulse answer (1 to 5) of the latest cycle answered.",
    )


class DepartmentHealthSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PairHealthSerializer(FiguresSerializer):
    departments = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=2,
        max_length=2,
        help_text="The two department ids, the lower first.",
    )


class HealthSerializer(serializers.Serializer):
    departments = DepartmentHealthSerializer(many=True)
    pairs = PairHealthSerializer(many=True)


def _figures(figures: Figures) -> dict:
    return {name: getattr(figures, name) for name in FIGURES}


class OneObjectSchema(AutoSchema):
    """The health route answers one object, though the router calls its GET ``list``."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


@extend_schema(tags=["health"])
@extend_schema_view(
    list=extend_schema(
        summary="Alignment health of every department and every pair of departments",
        description="Computed as on the health page, in a fixed number of queries.",
        parameters=[SLUG],
        responses=HealthSerializer,
    )
)
class HealthViewSet(WorkspaceScopedViewSet):
    queryset = Department.objects.all()
    pagination_class = None
    serializer_class = HealthSerializer
    schema = OneObjectSchema()

    def list(self, request: Request, slug: str) -> Response:
        health = health_figures(workspace=request.workspace)
        body = {
            "departments": [
                {"id": d.pk, "name": d.name, **_figures(health.by_department[d.pk])}
                for d in health.departments
            ],
            "pairs": [
                {"departments": list(pair), **_figures(figures)}
                for pair, figures in sorted(health.pairs.items())
            ],
        }
        return Response(HealthSerializer(body).data)


class PulseAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle_starts_on = serializers.DateField(source="cycle.starts_on")
    department = serializers.IntegerField(
        source="from_department_id", help_text="The department that answered."
    )
    about = serializers.IntegerField(source="about_department_id")
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.SerializerMethodField(
        help_text="Blank unless the caller is an executive, an admin or the lead of either "
        "department."
    )
    answered_by = serializers.IntegerField(source="answered_by_id", allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_comment(self, answer: PulseAnswer) -> str:
        return answer.comment if self.context["sees"](answer) else ""


class PulseInputSerializer(serializers.Serializer):
    department = InWorkspace(
        queryset=Department.objects.all(), help_text="The department answering."
    )
    about = InWorkspace(
        queryset=Department.objects.all(),
        help_text="A department it shares an active goal with.",
    )
    score = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (badly) to 5.")
    comment = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


@extend_schema(tags=["health"])
@extend_schema_view(
    list=extend_schema(
        summary=f"Pulse answers of the last {WINDOW} cycles, newest first", parameters=[SLUG]
    ),
    create=extend_schema(
        summary="Answer the pulse about a partner department for the current cycle",
        description="201 with a new answer; 200 when it changed the department's answer "
        "already given in the current cycle (same id).",
        parameters=[SLUG],
        request=PulseInputSerializer,
        responses={201: PulseAnswerSerializer, 200: PulseAnswerSerializer},
    ),
)
class PulseViewSet(mixins.ListModelMixin, WorkspaceScopedViewSet):
    queryset = PulseAnswer.objects.select_related("cycle")
    serializer_class = PulseAnswerSerializer

    def get_queryset(self) -> QuerySet[PulseAnswer]:
        answers = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return answers
        workspace = self.request.workspace
        starts = [b.starts_on for b in cycles_back(workspace, workspace.today(), WINDOW)]
        return answers.filter(cycle__starts_on__in=starts).order_by(
            "-cycle__starts_on", "from_department_id", "about_department_id", "pk"
        )

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        membership = getattr(self.request, "membership", None)
        if membership is None or membership.has_role(Role.EXECUTIVE):
            context["sees"] = lambda answer: True
            return context
        mine = {d.pk for d in selectors.pulse_departments(membership)}
        context["sees"] = lambda answer: bool(
            {answer.from_department_id, answer.about_department_id} & mine
        )
        return context

    def create(self, request: Request, slug: str) -> Response:
        data = self.validated(PulseInputSerializer)
        current = cycle_current(workspace=request.workspace)
        draft = PulseDraft(about=data["about"], score=data["score"], comment=data["comment"])
        try:
            with transaction.atomic():
                # Locked before the look-up, so of two first answers at once the second waits,
                # then changes the first (200) rather than being told it created one.
                ensure_answers_for(request.membership, data["department"])
                pulse_lock(data["department"])
                changing = PulseAnswer.objects.filter(
                    cycle=current,
                    from_department=data["department"],
                    about_department=data["about"],
                ).exists()
                (answer,) = pulse_answer(
                    membership=request.membership,
                    department=data["department"],
                    answers=[draft],
                    cycle=current.pk,
                )
        except ValidationError as error:
            # One answer: its errors belong to the body's fields, not to one of a form's rows.
            raise ValidationError(
                {
                    key.rpartition("_")[0] or key: messages
                    for key, messages in error.message_dict.items()
                }
            ) from error
        answer = PulseAnswer.objects.select_related("cycle").get(pk=answer.pk)
        return Response(
            PulseAnswerSerializer(answer, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if changing else status.HTTP_201_CREATED,
        )


routes: list[tuple[str, type, str]] = [
    ("health", HealthViewSet, "api-health"),
    ("pulse", PulseViewSet, "api-pulse"),
]
