"""API tenancy cases of the checkins endpoints."""

from tests.api.cases import Case

CASES: list[Case] = []
