"""API tenancy cases of the kpis endpoints."""

from tests.api.cases import Case

CASES: list[Case] = []
