"""API clients for the personas: ``api_as(user)`` sends that person's token with every request."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from teams.services import api_token_create


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
