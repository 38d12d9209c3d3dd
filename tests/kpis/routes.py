"""Tenancy cases for the KPI pages (see tests/test_tenancy.py)."""

from teams.models import Role
from tests.factories import KPIFactory, MeasurementFactory
from tests.routes import Route


def _kpi(acme) -> dict:
    return {"pk": KPIFactory(workspace=acme.workspace, owner_departments=[acme.product]).pk}


def _foreign_kpi(globex) -> dict:
    return {"pk": KPIFactory(workspace=globex, owner_departments=[globex.departments.first()]).pk}


def _measurement(acme) -> dict:
    measurement = MeasurementFactory(
        kpi=KPIFactory(workspace=acme.workspace, owner_departments=[acme.product])
    )
    return {"pk": measurement.kpi_id, "measurement_pk": measurement.pk}


def _foreign_measurement(globex) -> dict:
    kpi = KPIFactory(workspace=globex, owner_departments=[globex.departments.first()])
    measurement = MeasurementFactory(kpi=kpi)
    return {"pk": kpi.pk, "measurement_pk": measurement.pk}


MEASUREMENT = {"date": "2026-03-01", "value": "120"}

ROUTES: list[Route] = [
    Route("kpi_panel", Role.MEMBER),
    Route("kpi_list", Role.MEMBER),
    Route("kpi_create", Role.EXECUTIVE),
    Route("kpi_create", Role.EXECUTIVE, "post", data={"name": "Churn"}),
    Route("kpi_detail", Role.MEMBER, kwargs=_kpi, foreign=_foreign_kpi),
    Route("kpi_edit", Role.EXECUTIVE, kwargs=_kpi, foreign=_foreign_kpi),
    Route("kpi_edit", Role.EXECUTIVE, "post", kwargs=_kpi, foreign=_foreign_kpi),
    Route("measurement_add", Role.LEAD, "post", _kpi, _foreign_kpi, MEASUREMENT),
    Route("measurement_paste", Role.LEAD, kwargs=_kpi, foreign=_foreign_kpi),
    Route(
        "measurement_paste",
        Role.LEAD,
        "post",
        _kpi,
        _foreign_kpi,
        {"text": "2026-03-01\t120", "action": "import"},
    ),
    Route("measurement_delete", Role.LEAD, "post", _measurement, _foreign_measurement),
    Route("measurement_export", Role.MEMBER, kwargs=_kpi, foreign=_foreign_kpi),
    Route("measurement_import", Role.LEAD, kwargs=_kpi, foreign=_foreign_kpi),
    Route("measurement_import", Role.LEAD, "post", _kpi, _foreign_kpi, {"token": "not-a-token"}),
    Route("measurement_import_template", Role.LEAD, kwargs=_kpi, foreign=_foreign_kpi),
]
