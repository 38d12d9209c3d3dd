"""The case type of the API tenancy sweep (tests/api/test_tenancy.py)."""

from collections.abc import Callable
from dataclasses import dataclass

from teams.models import Role


@dataclass
class Case:
    """One endpoint and method under /api/v1/workspaces/<slug>/, and the lowest role allowed."""

    name: str
    method: str
    path: Callable[..., str]
    role: Role
    # The body, or a function of acme that returns it (when it names ids).
    data: dict | list | Callable[..., dict | list] | None = None
    # The same path with the id of an object of the other workspace.
    foreign: Callable[..., str] | None = None
