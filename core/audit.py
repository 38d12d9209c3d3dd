"""The audit trail: services call :func:`audit_record` (or :func:`update_audited`, which also
makes the change) inside their transaction."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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


M = TypeVar("M", bound=models.Model)


def update_audited(
    obj: M,
    fields: Mapping[str, Any],
    *,
    workspace: models.Model,
    actor: AbstractBaseUser | None,
    summary: str | Callable[[list[str]], str],
    save: Callable[[M], None] | None = None,
    related: Mapping[str, tuple[Any, Any]] | None = None,
) -> dict[str, list[Any]]:
    """Change ``fields`` of ``obj`` and record it: the update-then-audit sequence of every
    service that edits something.

    Notes the current values, sets the new ones, saves (``save(obj)``; by default
    ``full_clean()`` then a save of those fields), and writes one "updated" audit row, or none
    when nothing changed. ``summary`` is its text, or a function of the changed names (sorted)
    that gives it. ``related``
    adds ``(before, after)`` pairs for what is not a column, e.g. many-to-many lists as names.
    Returns the changes as :func:`diff` gives them.
    """
    before = {key: getattr(obj, key) for key in fields}
    for key, value in fields.items():
        setattr(obj, key, value)
    if save is None:
        obj.full_clean()
        obj.save(update_fields=list(fields))
    else:
        save(obj)
    pairs = dict(related or {})
    changes = diff(
        {**before, **{key: old for key, (old, _) in pairs.items()}},
        {**fields, **{key: new for key, (_, new) in pairs.items()}},
    )
    if changes:
        audit_record(
            workspace=workspace,
            actor=actor,
            verb="updated",
            target=obj,
            summary=summary(sorted(changes)) if callable(summary) else summary,
            changes=changes,
        )
    return changes


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
