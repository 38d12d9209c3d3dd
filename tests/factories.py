"""factory-boy factories for every model the tests build."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from checkins.models import CheckIn, Cycle
from goals.models import KPI, Goal, Measurement, Period
from teams.models import Department, Invitation, Membership, Role, User, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    mission = "Grow together: every department's plan serves the same customers."
    timezone = "Europe/Berlin"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    kind = Department.Kind.OTHER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER

    @factory.post_generation
    def departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.departments.set(extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER
    token = factory.Sequence(lambda n: f"token-{n:040d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Q{n % 4 + 1} {2026 + n // 4}")
    start_date = dt.date(2026, 10, 1)
    end_date = dt.date(2026, 12, 31)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Sequence(lambda n: f"Increase qualified leads by {n + 10}% this quarter")
    status = Goal.Status.ON_TRACK
    start_date = dt.date(2026, 10, 1)
    due_date = dt.date(2026, 12, 31)
    metric = "Qualified leads"
    unit = "leads"
    baseline = Decimal("100")
    target = Decimal("130")

    @factory.post_generation
    def owner_departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.owner_departments.set(extracted)

    @factory.post_generation
    def contributing_departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.contributing_departments.set(extracted)


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "EUR"
    direction = "decrease"
    green_threshold = Decimal("100")
    red_threshold = Decimal("150")

    @factory.post_generation
    def owner_departments(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.owner_departments.set(extracted)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    value = Decimal("120")


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    workspace = factory.SubFactory(WorkspaceFactory)
    starts_on = dt.date(2026, 11, 16)
    due_on = dt.date(2026, 11, 27)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    cycle = factory.SubFactory(CycleFactory)
    goal = factory.SubFactory(GoalFactory)
    value = Decimal("110")
    confidence = 7


def member(user: User, workspace: Workspace | None = None) -> Membership:
    """The person's membership (of ``workspace`` when they have several): the actor the
    services take."""
    memberships = Membership.objects.select_related("workspace", "user").filter(user=user)
    return memberships.get(workspace=workspace) if workspace else memberships.get()
