"""Tenancy cases for the checkins app's workspace routes (see tests/test_tenancy.py)."""

from teams.models import Role
from tests.routes import Route

ROUTES: list[Route] = [
    Route("checkin_panel", Role.MEMBER),
]
