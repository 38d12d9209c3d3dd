"""The N+1 guard of the test run (django-zeal; docs/architecture.md, "The N+1 guard").

zeal counts, within one context, how often a relation is loaded row by row from one line of
code, and fails at ``ZEAL_NPLUSONE_THRESHOLD``. A test is not one unit of work: it calls
services, fixtures and the test client one after the other, and three goals each created by
their own ``goal_create`` call are no N+1 even though each call reads its goal's period once.
So :func:`guard` watches the whole test but starts counting afresh at every call from the
test's code (test, fixture, factory) into the product's: each request, each service call is a
unit of work of its own. The test's own code (a loop over rows to check them) is not watched.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from unittest import mock

from django.apps import apps
from zeal import listeners, zeal_context, zeal_ignore
from zeal.listeners import _nplusone_context
from zeal.util import _is_internal_frame

TESTS = str(Path(__file__).resolve().parent) + os.sep
PROJECT = str(Path(TESTS).parent) + os.sep
VENV = PROJECT + ".venv" + os.sep


def _unit(frame: FrameType | None) -> FrameType | None:
    """The frame that opened the unit of work ``frame`` is in: the outermost frame of the
    product's code that the test's code called (test, fixture, factory). None for the test's own
    code, which the guard leaves alone. Code of the tests that the product calls (a view of a
    test's URLconf, a callback) counts as the product's."""
    unit = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(TESTS):
            if unit is not None:
                return unit
        elif filename.startswith(PROJECT) and not filename.startswith(VENV):
            unit = frame
        frame = frame.f_back
    return unit


def _caller() -> tuple[str, int, str]:
    """zeal's ``get_caller`` (the first line outside site-packages, the one that loaded the
    relation), which starts a fresh count whenever that line is in another unit of work than
    the last one counted."""
    frame = sys._getframe(1)
    while frame is not None and _is_internal_frame(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return ("<unknown>", 0, "<unknown>")
    unit = _unit(frame) or object()  # the test's own code: each load a unit of its own
    context = _nplusone_context.get()
    # A context zeal has just made (a request's, a zeal_ignore's) keeps the count it starts with.
    if not hasattr(context, "unit"):
        context.unit = unit
    elif unit is not context.unit:
        # Held here, a finished frame cannot be freed and its address taken by a later call.
        context.unit = unit
        context.calls.clear()
        context.ignored.clear()
    return (frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)


@contextmanager
def guard() -> Iterator[None]:
    """Watch everything inside for N+1 queries, one unit of work per call into the product.
    Does nothing when zeal is off (``ZEAL=off``)."""
    if not apps.is_installed("zeal"):
        yield
        return
    with mock.patch.object(listeners, "get_caller", _caller), zeal_context():
        yield


@contextmanager
def seeding_the_demo() -> Iterator[None]:
    """The demo seed builds its workspace through the services, a row at a time on purpose
    (every row passes the rules the pages apply): not a unit of work the guard is for."""
    with zeal_ignore():
        yield
