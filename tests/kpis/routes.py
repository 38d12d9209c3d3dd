"""Tenancy cases for the KPI pages (see tests/test_tenancy.py)."""

from teams.models import Role
from tests.routes import Route

ROUTES: list[Route] = [
    Route("kpi_panel", Role.MEMBER),
]
