"""API tenancy cases of the goals endpoints."""

from tests.api.cases import Case

CASES: list[Case] = []
