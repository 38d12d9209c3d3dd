"""Tenancy cases for the checkins app's workspace routes (see tests/test_tenancy.py)."""

from tests.routes import Route

ROUTES: list[Route] = []
