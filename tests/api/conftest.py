"""API clients for the personas: ``api_as(user)`` sends that person's token with every request."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from goals.models import KPI
from teams.services import api_token_create
from tests.factories import KPIFactory
from tests.workshops.helpers import make_workshop
from workshops import live
from workshops.models import Workshop


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()


@pytest.fixture
def api_as():
    def client_for(user) -> APIClient:
        _, key = api_token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


# --- KPIs and measurements --------------------------------------------------------------------


@pytest.fixture
def deals(acme) -> KPI:
    """Deals closed, owned by sales alone: leo leads product, so he only reads it."""
    return KPIFactory(
        workspace=acme.workspace,
        name="Deals closed",
        unit="",
        direction="increase",
        green_threshold=None,
        red_threshold=None,
        owner_departments=[acme.sales],
    )


# --- Workshops --------------------------------------------------------------------------------


@pytest.fixture
def _empty_live_cache():
    """Workshop versions and rosters live in the cache and in each process's memo."""
    cache.clear()
    live.LOCAL.clear()


@pytest.fixture
def workshop(acme) -> Workshop:
    """Claire facilitates; Leo and Mia take part; marketing and product; 3 votes each."""
    return make_workshop(acme, participants=[acme.leo, acme.mia])


@pytest.fixture
def claire(acme, api_as):
    return api_as(acme.claire)


@pytest.fixture
def leo(acme, api_as):
    return api_as(acme.leo)


@pytest.fixture
def mia(acme, api_as):
    return api_as(acme.mia)
