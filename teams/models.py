import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class User(AbstractUser):
    """A person. Their workspaces and roles live on :class:`Membership`."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message="Another account already uses this email address.",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone, e.g. Europe/Berlin.")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Workspace(models.Model):
    """One organisation. Every other object belongs to exactly one workspace."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    mission = models.TextField(
        blank=True,
        help_text="The cross-departmental mission: one paragraph tied to the company mission.",
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    checkin_cadence = models.CharField(
        "check-in cadence", max_length=16, choices=Cadence, default=Cadence.BIWEEKLY
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checkin_cadence__in=Cadence.values),
                name="workspace_cadence_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("dashboard", kwargs={"ws": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def localtime(self, now: datetime | None = None) -> datetime:
        """``now`` (default: this moment) on the workspace's clock."""
        return timezone.localtime(now or timezone.now(), self.zone)

    def midnight(self, day: date) -> datetime:
        """The moment ``day`` begins on the workspace's clock: compare stored moments with it,
        never their date on the server's clock."""
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def today(self, now: datetime | None = None) -> date:
        """The workspace's date at ``now`` (default: this moment): every "today" in the
        product (cycles, due dates, overdue asks, file names) is this one."""
        return self.localtime(now).date()


class Department(models.Model):
    class Kind(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        PRODUCT = "product", "Product"
        SALES = "sales", "Sales"
        OPERATIONS = "operations", "Operations"
        OTHER = "other", "Other"

    # One colour per kind, used for chips, charts and the alignment tree.
    KIND_COLORS = {
        Kind.MARKETING: "#d63384",
        Kind.PRODUCT: "#6f42c1",
        Kind.SALES: "#198754",
        Kind.OPERATIONS: "#fd7e14",
        Kind.OTHER: "#0d6efd",
    }

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.OTHER)
    color = models.CharField(
        max_length=7, blank=True, help_text="Hex colour such as #d63384; blank uses the kind's."
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_departments",
    )
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_departments",
        help_text="Receives escalations when the department's check-ins are overdue.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="department_name_unique_in_workspace",
                violation_error_message="A department with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["marketing", "product", "sales", "operations", "other"]
                ),
                name="department_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(color="") | models.Q(color__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="department_color_hex",
                violation_error_message="Use a hex colour such as #d63384.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_color(self) -> str:
        return self.color or self.KIND_COLORS[self.kind]


class Role(models.TextChoices):
    """Roles in rising order of what they may do; a role may do all a lower one may."""

    GUEST = "guest", "Guest"
    MEMBER = "member", "Member"
    LEAD = "lead", "Team lead"
    EXECUTIVE = "executive", "Executive"
    ADMIN = "admin", "Admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role, default=Role.MEMBER)
    departments = models.ManyToManyField(Department, blank=True, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"],
                name="membership_unique_per_workspace",
                violation_error_message="This person is already in the workspace.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["guest", "member", "lead", "executive", "admin"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"

    def has_role(self, role: Role) -> bool:
        return Role(self.role).rank >= role.rank


class Invitation(models.Model):
    """An admin's invitation of an email address into a role and departments."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role, default=Role.MEMBER)
    departments = models.ManyToManyField(Department, blank=True, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message="This address already has an open invitation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace}"

    def get_absolute_url(self) -> str:
        return reverse("invitation_accept", kwargs={"token": self.token})

    @property
    def state(self) -> str:
        """ "open", "accepted" or "expired"."""
        if self.accepted_at is not None:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "open"


class ApiToken(models.Model):
    """A named API token of one person (``Authorization: Token <key>``).

    Only the SHA-256 of the key is stored, with its first characters to recognise it by; the key
    itself is shown once, when it is made (teams.services.api_token_create).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept to the minute: a request touches it only when the stored time is older.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The token page: a person's active tokens, newest first.
            models.Index(fields=["user", "revoked_at", "-created_at"], name="apitoken_user_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
