"""API tenancy cases of the workshops endpoints."""

from tests.api.cases import Case

CASES: list[Case] = []
