"""The schema at /api/schema/ is a valid OpenAPI document, and Schemathesis against it through the
WSGI app: for every operation, generated valid and invalid requests (as an admin, with a token)
never get a server error, and every response matches the schema (status code, content type,
headers, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alignment.wsgi import application
from checkins.models import CheckIn
from checkins.services.cycles import cycle_current
from teams.models import Membership
from tests.api.conflicts_helpers import add_term, raise_conflict
from tests.api.forums_helpers import schema_objects as forum_objects
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory, PeriodFactory
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20


def test_the_schema_is_a_valid_openapi_document(client):
    """Checked against the OpenAPI version that the document declares (3.0 or 3.1)."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    validate(response.json())  # raises with the validator's message


def _cases() -> list[tuple[str, GenerationMode, bool]]:
    """(label, mode, real ids) for every operation, e.g. ``POST
    /api/v1/workspaces/{slug}/periods/``: valid requests with generated ids (mostly 404s) and,
    where the path has ids, with the ids of real objects (the success paths); invalid requests
    where there is something to make invalid. The slug stays "acme"."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    cases = []
    for result in schema.get_all_operations():
        operation = result.ok()
        cases.append((operation.label, GenerationMode.POSITIVE, False))
        ids = [p.name for p in operation.path_parameters if p.name != "slug"]
        if ids:
            cases.append((operation.label, GenerationMode.POSITIVE, True))
        if ids or list(operation.query) or list(operation.body):
            cases.append((operation.label, GenerationMode.NEGATIVE, False))
    return sorted(cases)


def _case_id(case: tuple[str, GenerationMode, bool]) -> str:
    label, mode, real = case
    return f"{label}-{mode.value}{'-real-ids' if real else ''}"


def _real_ids(path: str, objects: dict[str, int]) -> dict[str, int]:
    """Each id parameter of ``path`` filled with the object named by the segment before it:
    ``/goals/{goal_pk}/checkins/{id}/`` gives ``{"goal_pk": <goal>, "id": <check-in>}``."""
    segments = path.strip("/").split("/")
    return {
        segment[1:-1]: objects[segments[index - 1]]
        for index, segment in enumerate(segments)
        if segment.startswith("{") and segment != "{slug}"
    }


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
    goal = GoalFactory(workspace=acme.workspace, period=period, owner_departments=[acme.product])
    measurement = MeasurementFactory(kpi=KPIFactory(workspace=acme.workspace))
    checkin = CheckIn.objects.create(
        cycle=cycle_current(workspace=acme.workspace), goal=goal, author=acme.leo, confidence=7
    )
    workshop = workshop_services.workshop_create(
        workspace=acme.workspace,
        actor=acme.ada,
        title="Shared goals",
        period=period,
        departments=[acme.product, acme.sales],
        participants=[acme.leo],
    )
    proposal = workshop_services.proposal_create(
        workshop=workshop, actor=acme.ada, title="Grow qualified leads by 20%"
    )
    objects = {
        "departments": acme.product.pk,
        "members": Membership.objects.get(user=acme.mia).pk,
        "periods": period.pk,
        "goals": goal.pk,
        "checkins": checkin.pk,
        "kpis": measurement.kpi_id,
        "measurements": measurement.pk,
        "workshops": workshop.pk,
        "proposals": proposal.pk,
        "steps": 0,  # no step exists: steps are made in the break-down phase
        **forum_objects(acme),
        "conflicts": raise_conflict(acme).pk,
        "glossary": add_term(acme.workspace).pk,
    }
    token = api_as(acme.ada)._credentials["HTTP_AUTHORIZATION"]
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    return schema, {"Authorization": token}, objects


@pytest.mark.parametrize("case", _cases(), ids=_case_id)
def test_operation_answers_by_its_schema_and_never_with_a_server_error(api_schema, case):
    label, mode, real = case
    schema, headers, objects = api_schema
    operation = schema.find_operation_by_label(label)
    path_parameters = {"slug": "acme", **(_real_ids(operation.path, objects) if real else {})}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    statuses = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:
        statuses.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()
    if real and operation.method.upper() == "GET" and "steps" not in operation.path:
        # Reading a real object must succeed, or this mode tests nothing but 404s.
        assert 200 in statuses, statuses
