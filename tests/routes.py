"""The case type of the tenant-isolation sweep (tests/test_tenancy.py).

Each app lists its workspace routes in ``tests/<app>/routes.py`` as ``ROUTES``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from teams.models import Role


@dataclass
class Route:
    """One workspace URL and method, and the lowest role that may use it."""

    name: str
    role: Role
    method: str = "get"
    # Builds the extra URL kwargs from the acme personas (e.g. the pk of an object).
    kwargs: Callable[..., dict] = field(default=lambda acme: {})
    # Builds the same kwargs for an object of the other workspace (for the id-swap check).
    foreign: Callable[..., dict] | None = None
    # Form data for POST cases, where a view reads the body before checking anything else.
    data: dict | None = None
