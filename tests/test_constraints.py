"""Invariants that hold in the database itself, whatever path writes the row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from checkins.models import Cycle
from goals.models import GoalImport, Period
from teams.models import Department, Membership
from tests.factories import (
    CheckInFactory,
    DepartmentFactory,
    GoalFactory,
    InvitationFactory,
    KPIFactory,
    MeasurementFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def _refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_goal_due_date_cannot_be_before_start_date():
    _refused(lambda: GoalFactory(start_date=dt.date(2026, 10, 2), due_date=dt.date(2026, 10, 1)))


def test_goal_target_cannot_equal_baseline():
    _refused(lambda: GoalFactory(baseline=Decimal("5"), target=Decimal("5")))


def test_goal_weight_must_be_positive():
    _refused(lambda: GoalFactory(weight=0))


def test_goal_status_must_be_a_known_one():
    _refused(lambda: GoalFactory(status="sleeping"))


def test_one_measurement_per_kpi_date_and_source():
    first = MeasurementFactory(date=dt.date(2026, 3, 1), source="manual")
    MeasurementFactory(kpi=first.kpi, date=dt.date(2026, 3, 1), source="api")
    _refused(lambda: MeasurementFactory(kpi=first.kpi, date=dt.date(2026, 3, 1), source="manual"))


def test_kpi_thresholds_must_point_the_kpis_way():
    _refused(lambda: KPIFactory(direction="increase", green_threshold=10, red_threshold=20))
    _refused(lambda: KPIFactory(direction="decrease", green_threshold=20, red_threshold=10))


def test_checkin_confidence_runs_from_one_to_ten():
    _refused(lambda: CheckInFactory(confidence=11))
    _refused(lambda: CheckInFactory(confidence=0))


def test_one_checkin_per_goal_per_cycle():
    checkin = CheckInFactory()
    _refused(lambda: CheckInFactory(goal=checkin.goal, cycle=checkin.cycle))


def test_cycle_and_period_cannot_end_before_they_start():
    workspace = WorkspaceFactory()
    _refused(
        lambda: Cycle.objects.create(
            workspace=workspace, starts_on=dt.date(2026, 5, 2), due_on=dt.date(2026, 5, 1)
        )
    )
    _refused(
        lambda: Period.objects.create(
            workspace=workspace,
            name="Q2",
            start_date=dt.date(2026, 6, 30),
            end_date=dt.date(2026, 4, 1),
        )
    )


def test_department_names_are_unique_per_workspace_ignoring_case():
    marketing = DepartmentFactory(name="Marketing")
    DepartmentFactory(name="marketing")  # another workspace: fine
    _refused(lambda: DepartmentFactory(workspace=marketing.workspace, name="MARKETING"))


def test_department_colour_must_be_hex():
    _refused(lambda: DepartmentFactory(color="pink"))


def test_department_kind_must_be_known():
    _refused(lambda: DepartmentFactory(kind="legal"))


def test_a_person_is_in_a_workspace_once_with_a_known_role():
    membership = MembershipFactory()
    _refused(lambda: MembershipFactory(workspace=membership.workspace, user=membership.user))
    _refused(lambda: MembershipFactory(role="owner"))


def test_one_open_invitation_per_address_and_workspace():
    invitation = InvitationFactory(email="new@example.com")
    _refused(lambda: InvitationFactory(workspace=invitation.workspace, email="NEW@example.com"))


def test_email_addresses_are_unique_ignoring_case_but_may_be_blank():
    UserFactory(email="claire@example.com")
    UserFactory(email="")
    UserFactory(email="")
    _refused(lambda: UserFactory(email="Claire@Example.com"))


def test_kpi_band_follows_direction():
    cac = KPIFactory.build(direction="decrease", green_threshold=100, red_threshold=150)
    assert [cac.band(Decimal(v)) for v in ("90", "120", "160")] == ["green", "amber", "red"]
    clv = KPIFactory.build(direction="increase", green_threshold=1500, red_threshold=1000)
    assert [clv.band(Decimal(v)) for v in ("1600", "1200", "900")] == ["green", "amber", "red"]
    assert clv.band(None) == ""


def test_deleting_a_workspace_removes_everything_in_it():
    membership = MembershipFactory()
    workspace = membership.workspace
    DepartmentFactory(workspace=workspace)
    workspace.delete()
    assert not Membership.objects.exists()
    assert not Department.objects.filter(workspace_id=workspace.pk).exists()


def test_goal_import_status_must_be_known():
    workspace = WorkspaceFactory()
    _refused(
        lambda: GoalImport.objects.create(
            workspace=workspace, created_by=UserFactory(), total=1, status="lost"
        )
    )
