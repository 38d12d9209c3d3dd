"""Tenancy cases for the goals app's workspace routes (see tests/test_tenancy.py)."""

from teams.models import Role
from tests.routes import Route

ROUTES: list[Route] = [
    Route("dashboard", Role.GUEST),
]
