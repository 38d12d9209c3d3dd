"""Tenancy cases for the workshops app's workspace routes (see tests/test_tenancy.py)."""

from tests.routes import Route

ROUTES: list[Route] = []
