"""Writes for workspaces, departments, memberships, invitations and API tokens."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.audit import audit_record, update_audited
from teams.models import (
    ApiToken,
    Cadence,
    Department,
    Invitation,
    Membership,
    Role,
    User,
    Workspace,
)
from teams.tenancy import ensure_in_workspace, ensure_members

DEFAULT_DEPARTMENTS = [
    ("Marketing", Department.Kind.MARKETING),
    ("Product", Department.Kind.PRODUCT),
    ("Sales", Department.Kind.SALES),
    ("Operations", Department.Kind.OPERATIONS),
]


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(
    *,
    creator: User,
    name: str,
    mission: str = "",
    timezone_name: str = "UTC",
    checkin_cadence: str = Cadence.BIWEEKLY,
    slug: str | None = None,
) -> Workspace:
    """A new workspace with the four default departments; its creator becomes its admin."""
    workspace = Workspace(
        name=name,
        slug=slug or _unique_slug(name),
        mission=mission,
        timezone=timezone_name,
        checkin_cadence=checkin_cadence,
    )
    workspace.full_clean()
    workspace.save()
    Department.objects.bulk_create(
        Department(workspace=workspace, name=dept_name, kind=kind)
        for dept_name, kind in DEFAULT_DEPARTMENTS
    )
    Membership.objects.create(workspace=workspace, user=creator, role=Role.ADMIN)
    audit_record(
        workspace=workspace,
        actor=creator,
        verb="created",
        target=workspace,
        summary=f"{creator} created the workspace {workspace}",
    )
    return workspace


@transaction.atomic
def workspace_update(*, workspace: Workspace, actor: User, **fields: str) -> Workspace:
    update_audited(
        workspace,
        fields,
        workspace=workspace,
        actor=actor,
        summary=f"{actor} changed the workspace settings",
    )
    return workspace


def _department_people(workspace: Workspace, lead: User | None, executive: User | None) -> None:
    ensure_members(workspace, [lead], field="lead")
    ensure_members(workspace, [executive], field="executive")


@transaction.atomic
def department_create(
    *,
    workspace: Workspace,
    actor: User,
    name: str,
    kind: str = Department.Kind.OTHER,
    color: str = "",
    lead: User | None = None,
    executive: User | None = None,
) -> Department:
    _department_people(workspace, lead, executive)
    department = Department(
        workspace=workspace,
        name=name.strip(),
        kind=kind,
        color=color,
        lead=lead,
        executive=executive,
    )
    department.full_clean()
    department.save()
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=department,
        summary=f"{actor} added the department {department}",
    )
    return department


@transaction.atomic
def department_update(
    *,
    department: Department,
    actor: User,
    name: str,
    kind: str,
    color: str = "",
    lead: User | None = None,
    executive: User | None = None,
) -> Department:
    workspace = department.workspace
    _department_people(workspace, lead, executive)
    fields = {
        "name": name.strip(),
        "kind": kind,
        "color": color,
        "lead": lead,
        "executive": executive,
    }
    update_audited(
        department,
        fields,
        workspace=workspace,
        actor=actor,
        summary=f"{actor} changed the department {department}",
    )
    return department


def _check_role_change(membership: Membership, role: str) -> None:
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        admins = Membership.objects.filter(workspace=membership.workspace, role=Role.ADMIN)
        if not admins.exclude(pk=membership.pk).exists():
            raise ValidationError({"role": "A workspace needs at least one admin."})


@transaction.atomic
def membership_update(
    *, membership: Membership, actor: User, role: str, departments: Iterable[Department]
) -> Membership:
    departments = list(departments)
    ensure_in_workspace(membership.workspace, departments, field="departments")
    # Lock the workspace's admins so two simultaneous demotions cannot both pass the check.
    list(
        Membership.objects.select_for_update().filter(
            workspace=membership.workspace, role=Role.ADMIN
        )
    )
    _check_role_change(membership, role)
    names_before = [d.name for d in membership.departments.all()]

    def save(changed: Membership) -> None:
        changed.full_clean()
        changed.save(update_fields=["role"])
        changed.departments.set(departments)

    update_audited(
        membership,
        {"role": role},
        workspace=membership.workspace,
        actor=actor,
        summary=f"{actor} changed {membership.user}'s role or departments",
        save=save,
        related={"departments": (names_before, [d.name for d in departments])},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    list(
        Membership.objects.select_for_update().filter(
            workspace=membership.workspace, role=Role.ADMIN
        )
    )
    _check_role_change(membership, Role.MEMBER)
    audit_record(
        workspace=membership.workspace,
        actor=actor,
        verb="removed",
        target=membership,
        summary=f"{actor} removed {membership.user} from the workspace",
    )
    membership.delete()


@transaction.atomic
def invitation_create(
    *,
    workspace: Workspace,
    actor: User,
    email: str,
    role: str,
    departments: Iterable[Department] = (),
) -> Invitation:
    """Invite an address into a role and departments; the email goes out after commit."""
    from teams.tasks import send_invitation

    departments = list(departments)
    ensure_in_workspace(workspace, departments, field="departments")
    email = email.strip()
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member of the workspace."})
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError({"email": "This address already has an open invitation."}) from None
    invitation.departments.add(*departments)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="invited",
        target=invitation,
        summary=f"{actor} invited {email} as {invitation.get_role_display().lower()}",
    )
    transaction.on_commit(lambda: send_invitation.delay(invitation.pk))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    audit_record(
        workspace=invitation.workspace,
        actor=actor,
        verb="revoked",
        target=invitation,
        summary=f"{actor} revoked the invitation of {invitation.email}",
    )
    invitation.delete()


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Turn an open, unexpired invitation into a membership (or upgrade an existing one).

    ``user`` is the person signed in, or a new account not saved yet (a signup on the
    invitation's page): it is saved with the invitation's address in the same transaction, so
    a refused invitation (``PermissionDenied``) or account (``ValidationError``) leaves nothing
    behind. The caller signs the person in only after this returns.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workspace")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise PermissionDenied("This invitation was already used or revoked.")
    if invitation.expires_at < timezone.now():
        raise PermissionDenied("This invitation has expired; ask an admin for a new one.")
    if user.pk is None:
        user.email = invitation.email
        user.full_clean()
        user.save()
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    if not created and Role(invitation.role).rank > Role(membership.role).rank:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    membership.departments.add(*invitation.departments.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        workspace=invitation.workspace,
        actor=user,
        verb="joined",
        target=membership,
        summary=f"{user} joined as {membership.get_role_display().lower()}",
    )
    return membership


# --- API tokens ---------------------------------------------------------------------------

KEY_PREFIX = "aln_"
PREFIX_LENGTH = 10


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its key, which is never stored or shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or f"API token {timezone.localdate():%Y-%m-%d}",
        key_hash=hash_key(key),
        prefix=key[:PREFIX_LENGTH],
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; requests with it fail from now on."""
    if token.user_id != actor.pk:
        raise ValidationError("You can only revoke your own tokens.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
