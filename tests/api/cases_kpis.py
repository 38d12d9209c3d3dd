"""API tenancy cases of the kpis endpoints. The KPIs are owned by product, which leo leads, so
the lowest role allowed to record values (lead) may record on them."""

from teams.models import Role
from tests.api.cases import Case
from tests.factories import KPIFactory, MeasurementFactory


def _kpi(acme) -> int:
    return KPIFactory(workspace=acme.workspace, owner_departments=[acme.product]).pk


def _foreign_kpi(globex) -> int:
    return KPIFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk


def _measurement(acme) -> str:
    measurement = MeasurementFactory(kpi_id=_kpi(acme))
    return f"kpis/{measurement.kpi_id}/measurements/{measurement.pk}/"


def _foreign_measurement(globex) -> str:
    measurement = MeasurementFactory(kpi_id=_foreign_kpi(globex))
    return f"kpis/{measurement.kpi_id}/measurements/{measurement.pk}/"


VALUE = {"date": "2026-03-02", "value": "120.5"}
NEW_KPI: dict = {"name": "Churn", "unit": "%", "owner_departments": []}


def _new_kpi(acme) -> str:
    """The create case's body names a department of this test's acme (ids differ per test)."""
    NEW_KPI["owner_departments"] = [acme.product.pk]
    return "kpis/"


CASES = [
    Case("kpis", "get", lambda acme: "kpis/", Role.MEMBER),
    Case("kpis", "post", _new_kpi, Role.EXECUTIVE, NEW_KPI),
    Case(
        "kpi",
        "get",
        lambda acme: f"kpis/{_kpi(acme)}/",
        Role.MEMBER,
        foreign=lambda globex: f"kpis/{_foreign_kpi(globex)}/",
    ),
    Case(
        "kpi",
        "patch",
        lambda acme: f"kpis/{_kpi(acme)}/",
        Role.EXECUTIVE,
        {"unit": "%"},
        foreign=lambda globex: f"kpis/{_foreign_kpi(globex)}/",
    ),
    Case(
        "measurements",
        "get",
        lambda acme: f"kpis/{_kpi(acme)}/measurements/",
        Role.MEMBER,
        foreign=lambda globex: f"kpis/{_foreign_kpi(globex)}/measurements/",
    ),
    Case(
        "measurements",
        "post",
        lambda acme: f"kpis/{_kpi(acme)}/measurements/",
        Role.LEAD,
        [VALUE],
        foreign=lambda globex: f"kpis/{_foreign_kpi(globex)}/measurements/",
    ),
    Case("measurement", "get", _measurement, Role.MEMBER, foreign=_foreign_measurement),
    Case("measurement", "delete", _measurement, Role.LEAD, foreign=_foreign_measurement),
]
