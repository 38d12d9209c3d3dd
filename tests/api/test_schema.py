"""Schemathesis against /api/schema/ through the WSGI app: for every operation, generated valid
and invalid requests (as an admin, with a token) never get a server error, and every response
matches the schema (status code, content type, headers, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alignment.wsgi import application
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory, PeriodFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20


def _cases() -> list[tuple[str, GenerationMode]]:
    """(label, mode) for every operation, e.g. ``POST /api/v1/workspaces/{slug}/periods/``;
    invalid requests only where there is something to make invalid (the slug stays "acme")."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    cases = []
    for result in schema.get_all_operations():
        operation = result.ok()
        cases.append((operation.label, GenerationMode.POSITIVE))
        ids = [p.name for p in operation.path_parameters if p.name != "slug"]
        if ids or list(operation.query) or list(operation.body):
            cases.append((operation.label, GenerationMode.NEGATIVE))
    return sorted(cases)


@pytest.fixture
def _keep_the_test_connection():
    """The real WSGI handler closes the database connection after each request, which would
    end the test's transaction; Django's own test client stops it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(acme, api_as, settings, _keep_the_test_connection):
    """The live schema, with acme's data to find and ada's token on every request."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "auth_token": None},
    }
    period = PeriodFactory(workspace=acme.workspace)
    GoalFactory(workspace=acme.workspace, period=period, owner_departments=[acme.product])
    MeasurementFactory(kpi=KPIFactory(workspace=acme.workspace))
    token = api_as(acme.ada)._credentials["HTTP_AUTHORIZATION"]
    return schemathesis.openapi.from_wsgi("/api/schema/", application), {"Authorization": token}


@pytest.mark.parametrize(("label", "mode"), _cases())
def test_operation_answers_by_its_schema_and_never_with_a_server_error(api_schema, label, mode):
    schema, headers = api_schema
    operation = schema.find_operation_by_label(label)
    strategy = operation.as_strategy(generation_mode=mode, path_parameters={"slug": "acme"})

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
