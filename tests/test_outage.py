"""A database outage answers 503, never a 500."""

import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.utils import load_backend
from django.urls import reverse


@pytest.fixture(
    params=[
        OperationalError('connection to server at "127.0.0.1", port 5432 failed'),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "dropped"],
)
def outage(request: pytest.FixtureRequest) -> Callable[[], AbstractContextManager]:
    """``with outage():`` every use of the database fails, refused (OperationalError) or
    dropped (InterfaceError)."""
    return lambda: mock.patch.object(
        connections["default"], "ensure_connection", side_effect=request.param
    )


def _outage_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_healthz_answers_503_at_once_and_200_right_after(db, client, outage, caplog):
    with outage():
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"database unavailable"
    assert elapsed < 2
    [record] = _outage_records(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert client.get(reverse("healthz")).status_code == 200


@pytest.fixture
def database_at(db) -> Iterator[Callable[..., None]]:
    """``database_at(port)`` makes the default database PostgreSQL on 127.0.0.1:port, with
    the settings' options when they are for PostgreSQL, until the test ends."""
    original = connections["default"]
    replacements = []

    def replace(port: int, **options: int) -> None:
        postgresql = original.vendor == "postgresql"
        replacement = load_backend("django.db.backends.postgresql").DatabaseWrapper(
            {
                **original.settings_dict,
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "alignment",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": port,
                "OPTIONS": {**(original.settings_dict["OPTIONS"] if postgresql else {}), **options},
            },
            alias="default",
        )
        replacements.append(replacement)
        connections["default"] = replacement

    yield replace
    connections["default"] = original
    for replacement in replacements:
        replacement.close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound, so nothing takes it, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_healthz_answers_503_when_postgresql_refuses_connections(client, database_at, closed_port):
    database_at(closed_port, connect_timeout=1)
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.content == b"database unavailable"
    assert elapsed < 6


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the connect timeout is a PostgreSQL setting",
)
def test_healthz_gives_up_on_a_silent_postgresql_within_the_settings_connect_timeout(
    client, database_at
):
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 3
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        database_at(silent.getsockname()[1])
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert 1 < elapsed < 6
