from collections.abc import Mapping
from contextlib import suppress

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

# Ids one list field takes at most (departments of a goal, participants of a workshop…).
MAX_IDS = 100
# The largest id a primary key (a signed 64-bit integer) holds.
MAX_PK = 2**63 - 1


class InWorkspace(serializers.PrimaryKeyRelatedField):
    """The id of an object of the request's workspace.

    An id of another workspace reads exactly like one that does not exist, so the API never
    confirms what other workspaces hold. ``workspace_field`` is the lookup from the model to its
    workspace (``"memberships__workspace"`` for people).
    """

    default_error_messages = {
        "required": "This field is required.",
        "does_not_exist": "Nothing with id {pk_value} exists in this workspace.",
        "incorrect_type": "Send an id (a whole number), not {data_type}.",
    }

    def __init__(self, *, workspace_field: str = "workspace", **kwargs) -> None:
        self.workspace_field = workspace_field
        # The objects of every row by id, read at once by InWorkspaceRows; None: read the id.
        self.preloaded: dict[int, Model] | None = None
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        workspace = self.context["request"].workspace
        return super().get_queryset().filter(**{self.workspace_field: workspace})

    def to_internal_value(self, data) -> Model:
        if self.preloaded is None:
            return super().to_internal_value(data)
        pk = self.pk_of(data)
        if pk not in self.preloaded:
            self.fail("does_not_exist", pk_value=pk)
        return self.preloaded[pk]

    def pk_of(self, item) -> int:
        """``item`` as an id: a whole number, or a string of digits."""
        if isinstance(item, bool) or not isinstance(item, int | str):
            self.fail("incorrect_type", data_type=type(item).__name__)
        if isinstance(item, str) and not item.isdigit():
            self.fail("incorrect_type", data_type="str")
        return int(item)

    def objects_of(self, pks: list[int]) -> dict[int, Model]:
        """The objects of the workspace with these ids, by id, in one query."""
        return self.get_queryset().in_bulk([pk for pk in pks if 0 < pk <= MAX_PK])

    @classmethod
    def many_init(cls, *args, max_length: int = MAX_IDS, **kwargs) -> "InWorkspaceList":
        """``many=True``: the list field below, which reads all the ids in one query."""
        list_kwargs = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return InWorkspaceList(
            child_relation=cls(*args, **kwargs), max_length=max_length, **list_kwargs
        )


class InWorkspaceList(serializers.ManyRelatedField):
    """A list of ids of the request's workspace, read in one query (DRF's own list field reads
    one per id), at most ``max_length`` of them."""

    default_error_messages = {"max_length": "Send at most {max_length} ids."}

    def __init__(self, *, max_length: int, **kwargs) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> list:
        if isinstance(data, str | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        data = list(data)
        if not self.allow_empty and not data:
            self.fail("empty")
        if len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        child = self.child_relation
        pks = [child.pk_of(item) for item in data]
        found = child.objects_of(pks)
        for pk in pks:
            if pk not in found:
                child.fail("does_not_exist", pk_value=pk)
        return [found[pk] for pk in pks]


class InWorkspaceRows(serializers.ListSerializer):
    """A list of rows (``many=True`` of a serializer whose ``Meta.list_serializer_class`` this
    is) whose :class:`InWorkspace` fields read the ids of all the rows in one query per field,
    where DRF reads one per row and field."""

    def to_internal_value(self, data):
        fields = [f for f in self.child.fields.values() if isinstance(f, InWorkspace)]
        rows = [row for row in data if isinstance(row, Mapping)] if isinstance(data, list) else []
        for field in fields:
            pks = []
            for row in rows:
                # What is no id is left to its row, which says so.
                with suppress(serializers.ValidationError):
                    pks.append(field.pk_of(row.get(field.field_name)))
            field.preloaded = field.objects_of(pks)
        try:
            return super().to_internal_value(data)
        finally:
            for field in fields:
                field.preloaded = None


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdList(serializers.Field):
    """A to-many relation shown as its ids (reads the prefetched objects: no query per row)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> list[int]:
        return [obj.pk for obj in value.all()]


def optional_decimal(help_text: str = "") -> serializers.DecimalField:
    """An optional number as goals, proposals and check-ins store it (18 digits, 4 decimals)."""
    return serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        required=False,
        default=None,
        help_text=help_text,
    )
