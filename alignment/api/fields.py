from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        workspace = self.context["request"].workspace
        return super().get_queryset().filter(**{self.workspace_field: workspace})


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdList(serializers.Field):
    """A to-many relation shown as its ids (reads the prefetched objects: no query per row)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> list[int]:
        return [obj.pk for obj in value.all()]
