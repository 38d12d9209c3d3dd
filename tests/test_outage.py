"""A database outage answers 503 with Retry-After, in each kind of response, never a 500."""

import logging
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, ProgrammingError, connection, connections
from django.db.utils import load_backend
from django.test.signals import template_rendered
from django.urls import reverse

DASHBOARD = reverse("dashboard", kwargs={"ws": "acme"})
FRIENDLY = b"The service is briefly unavailable. Please try again in a moment."


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


def test_a_page_answers_the_friendly_503(acme, as_user, outage, caplog):
    client = as_user(acme.ada)
    with outage():
        response = client.get(DASHBOARD)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert FRIENDLY in response.content
    assert b"Traceback" not in response.content
    [record] = _outage_records(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert DASHBOARD in record.getMessage()


def test_a_page_whose_database_fails_while_its_template_renders_answers_503(acme, as_user):
    client = as_user(acme.ada)
    rendering = False
    failed = []

    def fail_while_rendering(execute, sql, params, many, context):
        if rendering:
            failed.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    def start_rendering(**kwargs) -> None:
        nonlocal rendering
        rendering = True

    template_rendered.connect(start_rendering, dispatch_uid="test-outage")
    try:
        with connection.execute_wrapper(fail_while_rendering):
            response = client.get(DASHBOARD)
    finally:
        template_rendered.disconnect(dispatch_uid="test-outage")
    assert failed, "the template made no query"
    assert response.status_code == 503
    assert FRIENDLY in response.content


def test_an_api_request_answers_json_503(acme, as_user, outage):
    client = as_user(acme.ada)
    with outage():
        response = client.get("/api/v1/workspaces/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"detail": FRIENDLY.decode()}


def test_an_api_request_with_a_token_answers_json_503(db, client, outage):
    with outage():
        response = client.get("/api/v1/workspaces/", headers={"Authorization": "Token abc"})
    assert response.status_code == 503
    assert response.json() == {"detail": FRIENDLY.decode()}


def test_an_htmx_request_answers_a_503_fragment(acme, as_user, outage):
    client = as_user(acme.ada)
    with outage():
        response = client.get(DASHBOARD, headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content == b'<p role="alert">' + FRIENDLY + b"</p>"


def test_other_database_errors_still_reach_the_500_handler(acme, as_user):
    client = as_user(acme.ada)
    with (
        mock.patch.object(
            connections["default"], "ensure_connection", side_effect=ProgrammingError("bug")
        ),
        pytest.raises(ProgrammingError),
    ):
        client.get(DASHBOARD)


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


def test_healthz_gives_up_on_a_silent_postgresql_within_the_settings_connect_timeout(
    client, database_at
):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        database_at(silent.getsockname()[1], connect_timeout=settings.DATABASE_CONNECT_TIMEOUT)
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert 1 < elapsed < 6
