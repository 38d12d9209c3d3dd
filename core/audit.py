"""The audit trail: services call :func:`audit_record` inside their transaction."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from core.models import AuditEvent


def audit_record(
    *,
    workspace: models.Model,
    actor: AbstractBaseUser | None,
    verb: str,
    target: models.Model,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=target._meta.model_name,
        target_id=target.pk,
        summary=summary[:300],
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values changed, as ``{field: [old, new]}`` with JSON-safe values."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return str(value)
