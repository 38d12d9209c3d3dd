"""Writes for the partner registry: external partners and vendors, their notes and the
thank-you notes sent to them.

Admins and executives keep the registry; the lead of a partner's owning department may change
that partner and add notes too.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit_record, update_audited
from forums.models import Partner, PartnerNote
from teams.models import Department, Membership, Role
from teams.tenancy import ensure_in_workspace

PARTNER_FIELDS = ("name", "kind", "department", "contacts", "health", "notes")
REFUSED = "Only executives, admins and the lead of the owning department change a partner."


def can_change(membership: Membership, partner: Partner | None = None) -> bool:
    if membership.has_role(Role.EXECUTIVE):
        return True
    return (
        partner is not None
        and membership.has_role(Role.LEAD)
        and partner.department is not None
        and partner.department.lead_id == membership.user_id
    )


def _check(membership: Membership, department: Department | None) -> None:
    ensure_in_workspace(membership.workspace, [department], field="department")


@transaction.atomic
def partner_create(*, membership: Membership, name: str, **fields) -> Partner:
    """A partner in the registry (executives and admins)."""
    if not can_change(membership):
        raise PermissionDenied("Only executives and admins add partners.")
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner_create() got unknown fields {sorted(unknown)}")
    _check(membership, fields.get("department"))
    partner = Partner(workspace=membership.workspace, name=name.strip(), **fields)
    partner.full_clean()
    partner.save()
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="created",
        target=partner,
        summary=f"{membership.user} added the partner {partner}",
    )
    return partner


@transaction.atomic
def partner_update(*, membership: Membership, partner: Partner, **fields) -> Partner:
    if not can_change(membership, partner):
        raise PermissionDenied(REFUSED)
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner_update() got unknown fields {sorted(unknown)}")
    _check(membership, fields.get("department", partner.department))
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    update_audited(
        partner,
        fields,
        workspace=membership.workspace,
        actor=membership.user,
        summary=lambda changed: f"{membership.user} changed {', '.join(changed)} of {partner}",
    )
    return partner


@transaction.atomic
def partner_note_add(
    *, membership: Membership, partner: Partner, body: str, kind: str = PartnerNote.Kind.NOTE
) -> PartnerNote:
    """A note on the partner, or a record of a thank-you note sent to them."""
    if not can_change(membership, partner):
        raise PermissionDenied(REFUSED)
    if not body.strip():
        raise ValidationError({"body": "Write the note."})
    note = PartnerNote(partner=partner, kind=kind, body=body.strip(), author=membership.user)
    note.full_clean(exclude=["partner", "author"])
    note.save()
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        verb="noted",
        target=partner,
        summary=f"{membership.user} added a {note.get_kind_display().lower()} to {partner}",
    )
    return note
