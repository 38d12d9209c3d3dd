"""Writes to the glossary, and who may make them.

Admins and executives keep every term; the lead of a department keeps the terms that
department owns. Everyone else in the workspace reads them.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit_record, update_audited
from glossary import marking
from glossary.models import Term
from teams.models import Department, Membership, Role
from teams.tenancy import ensure_in_workspace

REFUSED = "Only admins, executives and the lead of the owning department change this term."
WORD = re.compile(r"\w")


def may_keep(membership: Membership, department: Department) -> bool:
    """Whether the person may add and change the terms ``department`` owns."""
    if membership.has_role(Role.EXECUTIVE):
        return True
    return membership.has_role(Role.LEAD) and department.lead_id == membership.user_id


def can_change(membership: Membership, term: Term) -> bool:
    return may_keep(membership, term.department)


def _save(term: Term) -> None:
    """Every field, so that updated_at moves too; a term someone else just gave the same name
    (between the check and the write) is refused as the check would have."""
    term.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError:
        raise ValidationError(
            {"term": f"“{term.term}” is already in the glossary. Change that entry instead."}
        ) from None


def _checked(
    membership: Membership, *, term: str, meaning: str, department: Department, pk: int | None
) -> dict:
    """The fields as stored, or every problem keyed by its field; PermissionDenied for a
    department the person does not keep."""
    ensure_in_workspace(membership.workspace, [department], field="department")
    if not may_keep(membership, department):
        raise PermissionDenied(REFUSED)
    term, meaning = " ".join(term.split()), meaning.strip()
    errors = {}
    if not term:
        errors["term"] = "Write the term, e.g. “MQL”."
    elif not WORD.search(term):
        errors["term"] = "A term needs at least one letter or digit."
    elif (
        Term.objects.filter(workspace=membership.workspace, term__iexact=term)
        .exclude(pk=pk)
        .exists()
    ):
        errors["term"] = f"“{term}” is already in the glossary. Change that entry instead."
    if not meaning:
        errors["meaning"] = "Say what the term means."
    elif len(meaning) > Term.MAX_MEANING:
        errors["meaning"] = f"Say it in {Term.MAX_MEANING} characters or fewer."
    if errors:
        raise ValidationError(errors)
    return {"term": term, "meaning": meaning, "department": department}


@transaction.atomic
def term_create(*, membership: Membership, term: str, meaning: str, department: Department) -> Term:
    fields = _checked(membership, term=term, meaning=meaning, department=department, pk=None)
    entry = Term(workspace=membership.workspace, created_by=membership.user, **fields)
    _save(entry)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="created",
        target=entry,
        summary=f"{membership.user} added “{entry}” to the glossary",
    )
    marking.forget(membership.workspace)
    return entry


@transaction.atomic
def term_update(*, membership: Membership, entry: Term, **fields: str | Department) -> Term:
    """Change the term, its meaning or its department: the person must keep both the
    department it had and the one it gets."""
    # Locked, and read again: a change made meanwhile is the one this one starts from.
    entry = Term.objects.select_for_update().select_related("department").get(pk=entry.pk)
    if not can_change(membership, entry):
        raise PermissionDenied(REFUSED)
    unknown = set(fields) - {"term", "meaning", "department"}
    if unknown:
        raise TypeError(f"term_update() got unknown fields {sorted(unknown)}")
    current = {"term": entry.term, "meaning": entry.meaning, "department": entry.department}
    checked = _checked(membership, **{**current, **fields}, pk=entry.pk)
    update_audited(
        entry,
        checked,
        workspace=membership.workspace,
        actor=membership.user,
        summary=lambda changed: f"{membership.user} changed {', '.join(changed)} of “{entry}”",
        save=_save,
    )
    marking.forget(membership.workspace)
    return entry


@transaction.atomic
def term_delete(*, membership: Membership, entry: Term) -> None:
    if not can_change(membership, entry):
        raise PermissionDenied(REFUSED)
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="deleted",
        target=entry,
        summary=f"{membership.user} removed “{entry}” from the glossary",
    )
    entry.delete()
    marking.forget(membership.workspace)
