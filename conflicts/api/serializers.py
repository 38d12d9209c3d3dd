"""Input and output serializers of the conflicts API. Inputs only parse; the services hold the
rules (``conflicts.services``, ``conflicts.decisions``) and their errors come back on these
fields."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conflicts.forms import PositionForm
from conflicts.models import Conflict, Position
from core.api.fields import MAX_IDS, IdList, InWorkspace, InWorkspaceRows
from forums.api.serializers import NamedChoiceField, people
from goals.models import KPI, Goal
from teams.models import Department

Status = Conflict.Status
# The statuses a PATCH moves a conflict to: deciding has its own endpoint (``decide/``).
MOVES = [(value, label) for value, label in Status.choices if value != Status.DECIDED]
LONG_TEXT = 5000


def kind_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(choices=Conflict.Kind.choices, enum_name="ConflictKindEnum", **kwargs)


def status_field(**kwargs: Any) -> NamedChoiceField:
    return NamedChoiceField(choices=Status.choices, enum_name="ConflictStatusEnum", **kwargs)


def department_ids(**kwargs: Any) -> InWorkspace:
    return InWorkspace(queryset=Department.objects.all(), **kwargs)


class PositionSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    wants = serializers.CharField(help_text="What the department wants.")
    why = serializers.CharField()
    would_trade = serializers.CharField(help_text="What it would trade; may be empty.")
    evidence = serializers.SerializerMethodField(
        help_text="Ids of the KPIs it points to; the conflict page charts their recent values."
    )

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_evidence(self, position: Position) -> list[int]:
        return [evidence.kpi_id for evidence in position.evidence.all()]


class TradeOffSerializer(serializers.Serializer):
    department = serializers.IntegerField(source="department_id")
    trade_off = serializers.CharField(help_text="What this side accepted in the decision.")
    acknowledged_by = serializers.IntegerField(
        source="acknowledged_by_id",
        allow_null=True,
        help_text="The user id of the side's lead (its executive when it has no lead) who "
        "acknowledged the decision; null until then.",
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class ConflictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = kind_field()
    departments = IdList(help_text="Ids of the involved departments, two or more.")
    raised_by = serializers.IntegerField(source="raised_by_id", help_text="A user id.")
    raised_by_department = serializers.IntegerField(source="raised_by_department_id")
    facilitator = serializers.IntegerField(
        source="facilitator_id",
        allow_null=True,
        help_text="The user id of the neutral facilitator (from none of the involved "
        "departments); null until an executive names one.",
    )
    status = status_field()
    stakes = serializers.CharField(source="at_stake", help_text="What is at stake.")
    goals = IdList(help_text="Ids of the goals it touches.")
    kpis = IdList(help_text="Ids of the KPIs it touches.")
    decide_by = serializers.DateField(help_text="Past it without a decision, it escalates.")
    positions = PositionSerializer(
        many=True, help_text="Each involved department's position, once it has stated one."
    )
    decision = serializers.IntegerField(
        source="decision_id",
        allow_null=True,
        help_text="The id of its decision in the decision log (`decisions/`); null until decided.",
    )
    trade_offs = TradeOffSerializer(
        many=True,
        source="acknowledgements",
        help_text="Once decided: what each side accepted, and its acknowledgement.",
    )
    consulted = IdList(help_text="Ids of the departments consulted before the decision.")
    url = serializers.SerializerMethodField(help_text="The conflict's page.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, conflict: Conflict) -> str:
        kwargs = {"ws": self.context["workspace"].slug, "pk": conflict.pk}
        return settings.SITE_URL + reverse("conflict_detail", kwargs=kwargs)


class ConflictFilterSerializer(serializers.Serializer):
    status = status_field(required=False)
    kind = kind_field(required=False)
    department = department_ids(required=False, help_text="Conflicts involving this department id.")


class ConflictInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = kind_field(default=Conflict.Kind.OTHER)
    stakes = serializers.CharField(max_length=LONG_TEXT, help_text="What is at stake.")
    departments = department_ids(
        many=True,
        allow_empty=False,
        help_text="Ids of the involved departments, two or more; the raising department is "
        "one of them (added when left out).",
        error_messages={"empty": "Name the departments involved, two or more."},
    )
    raised_by_department = department_ids(
        required=False,
        help_text="The department raising it, one the caller is a member or the lead of; "
        "when left out, the first of `departments` that is.",
    )
    goals = InWorkspace(
        queryset=Goal.objects.all(), many=True, required=False, default=list, help_text="Ids."
    )
    kpis = InWorkspace(
        queryset=KPI.objects.all(), many=True, required=False, default=list, help_text="Ids."
    )
    decide_by = serializers.DateField(help_text="In the future.")
    facilitator = people(
        required=False,
        help_text="The user id of a neutral facilitator, from none of the involved "
        "departments; only executives and admins name one.",
    )


class ConflictUpdateSerializer(serializers.Serializer):
    facilitator = people(
        required=False,
        help_text="Name the neutral facilitator, from none of the involved departments "
        "(executives and admins).",
    )
    status = NamedChoiceField(
        choices=MOVES,
        enum_name="ConflictMoveEnum",
        required=False,
        help_text="Move it: open and in discussion back and forth, withdrawn before the "
        "decision, closed after it (its facilitator or an executive; its raiser may "
        "withdraw it). Deciding is `decide/`.",
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Send `facilitator`, `status` or both.")
        return data


def _position_messages(field: str) -> dict[str, str]:
    """The position form's messages: the same words in the page and the API."""
    required = PositionForm.Meta.error_messages[field]["required"]
    return {"required": required, "blank": required}


class PositionInputSerializer(serializers.Serializer):
    department = department_ids(help_text="The id of an involved department the caller speaks for.")
    wants = serializers.CharField(max_length=LONG_TEXT, error_messages=_position_messages("wants"))
    why = serializers.CharField(max_length=LONG_TEXT, error_messages=_position_messages("why"))
    would_trade = serializers.CharField(
        max_length=LONG_TEXT, allow_blank=True, required=False, default=""
    )
    evidence = InWorkspace(
        queryset=KPI.objects.all(),
        many=True,
        required=False,
        allow_empty=True,
        help_text="Ids of the KPIs the position points to: its evidence becomes exactly these. "
        "Left out, a new position has none and a stated one keeps its own.",
    )

    def validate_evidence(self, kpis: list[KPI]) -> list[KPI]:
        twice = sorted({kpi.pk for kpi in kpis if kpis.count(kpi) > 1})
        if twice:
            raise serializers.ValidationError(
                f"List each KPI once; listed more than once: {', '.join(map(str, twice))}."
            )
        return kpis


class TradeOffInputSerializer(serializers.Serializer):
    department = department_ids(help_text="The id of one side of the conflict.")
    trade_off = serializers.CharField(
        max_length=LONG_TEXT, allow_blank=True, help_text="What this side accepts."
    )

    class Meta:
        list_serializer_class = InWorkspaceRows


class DecideInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, help_text="What was decided.")
    rationale = serializers.CharField(max_length=LONG_TEXT, help_text="Why.")
    trade_offs = TradeOffInputSerializer(
        many=True,
        max_length=MAX_IDS,
        help_text="What each side accepts: one entry for every involved department, e.g. "
        '`[{"department": 3, "trade_off": "Events wait a quarter."}, ...]`.',
    )
    review_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="In the future: on this date the decision comes back to its owners and to "
        "the next forum's agenda.",
    )
    consulted = department_ids(
        many=True,
        required=False,
        default=list,
        help_text="Ids of the departments consulted (DACI), none of them a side.",
    )

    def validate_trade_offs(self, entries: list[dict]) -> dict[int, str]:
        """The entries as the service takes them: department id -> what it accepts."""
        accepted: dict[int, str] = {}
        for entry in entries:
            department = entry["department"]
            if department.pk in accepted:
                raise serializers.ValidationError(f"{department} is listed more than once.")
            accepted[department.pk] = entry["trade_off"]
        return accepted
