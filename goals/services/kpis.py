"""Writes for KPIs and their measurements."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from alignment.lib.audit import audit_record
from alignment.lib.tenancy import ensure_in_workspace
from goals.models import KPI
from teams.models import Department, User, Workspace


@transaction.atomic
def kpi_create(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    owner_departments: Iterable[Department],
    unit: str = "",
    direction: str = "increase",
    description: str = "",
    green_threshold: Decimal | None = None,
    red_threshold: Decimal | None = None,
) -> KPI:
    owners = list(owner_departments)
    if not owners:
        raise ValidationError({"owner_departments": "Choose at least one owner department."})
    ensure_in_workspace(workspace, owners, field="owner_departments")
    kpi = KPI(
        workspace=workspace,
        name=name,
        unit=unit,
        direction=direction,
        description=description,
        green_threshold=green_threshold,
        red_threshold=red_threshold,
    )
    kpi.full_clean()
    kpi.save()
    kpi.owner_departments.set(owners)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=kpi,
        summary=f"{actor or 'Someone'} created the KPI {kpi}",
    )
    return kpi
