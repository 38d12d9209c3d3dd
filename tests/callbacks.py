"""On-commit callbacks as a test counts them."""

from collections.abc import Callable

from core.freshness import VersionChange


def app_callbacks(callbacks: list[Callable[[], object]]) -> list[Callable[[], object]]:
    """The callbacks a change registered, without the version replacements every write makes."""
    return [callback for callback in callbacks if not isinstance(callback, VersionChange)]
