"""Tokens, session auth with CSRF, and throttling."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from teams.models import ApiToken
from teams.services import api_token_create, api_token_revoke, hash_key
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
WORKSPACES_URL = "/api/v1/workspaces/"


def _with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_password_buys_a_named_token_that_opens_the_api(acme, anonymous):
    response = anonymous.post(TOKEN_URL, {"username": "claire", "password": PASSWORD})

    assert response.status_code == 201
    key = response.json()["token"]
    token = ApiToken.objects.get(user=acme.claire)
    assert token.name == f"API token {timezone.localdate():%Y-%m-%d}"
    assert response.json()["name"] == token.name
    assert token.key_hash == hash_key(key) != key
    assert key.startswith(token.prefix)
    listed = _with_token(key).get(WORKSPACES_URL).json()["results"]
    assert [(w["slug"], w["role"]) for w in listed] == [("acme", "executive")]


def test_a_token_can_be_named_when_it_is_made(acme, anonymous):
    anonymous.post(TOKEN_URL, {"username": "leo", "password": PASSWORD, "name": "CRM sync"})
    assert ApiToken.objects.get(user=acme.leo).name == "CRM sync"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "claire", "password": "wrong"}, "non_field_errors"),
        ({"username": "nobody", "password": PASSWORD}, "non_field_errors"),
        ({"username": "claire"}, "password"),
        ({"password": PASSWORD}, "username"),
        ({"username": "claire", "password": PASSWORD, "name": "x" * 81}, "name"),
    ],
)
def test_bad_credentials_get_400_and_no_token(acme, anonymous, data, field):
    response = anonymous.post(TOKEN_URL, data)
    assert response.status_code == 400
    assert field in response.json()
    assert not ApiToken.objects.exists()


def test_an_inactive_person_gets_no_token_and_their_tokens_stop_working(acme, anonymous):
    _, key = api_token_create(user=acme.mia, name="old")
    acme.mia.is_active = False
    acme.mia.save()

    assert anonymous.post(TOKEN_URL, {"username": "mia", "password": PASSWORD}).status_code == 400
    assert _with_token(key).get(WORKSPACES_URL).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token", "Token not-a-real-token", "Token a b", "Token caf\u00e9"],
)
def test_a_bad_token_header_gets_401(acme, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(WORKSPACES_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_refused(acme):
    token, key = api_token_create(user=acme.claire, name="BI")
    api_token_revoke(token=token, actor=acme.claire)

    assert _with_token(key).get(WORKSPACES_URL).status_code == 401


def test_a_token_can_revoke_itself(acme):
    _, key = api_token_create(user=acme.claire, name="script")
    client = _with_token(key)

    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get(WORKSPACES_URL).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_deleting_the_token_needs_a_token(acme):
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(acme):
    token, key = api_token_create(user=acme.claire, name="BI")
    client = _with_token(key)

    client.get(WORKSPACES_URL)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    client.get(WORKSPACES_URL)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    client.get(WORKSPACES_URL)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=2)


def test_session_post_without_csrf_token_gets_403(acme):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(acme.ada)

    response = client.post("/api/v1/workspaces/acme/departments/", {"name": "Finance"})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not acme.workspace.departments.filter(name="Finance").exists()


def test_session_post_with_csrf_token_works(acme):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(acme.ada)
    client.get("/account/tokens/")  # any page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/workspaces/acme/departments/", {"name": "Finance"}, HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201


def test_session_reads_need_no_csrf_token(acme):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(acme.mia)
    assert client.get("/api/v1/workspaces/acme/departments/").status_code == 200


def _rates(settings, **rates) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_token_over_its_rate_gets_429_with_retry_after(acme, api_as, settings):
    _rates(settings, user="3/min")
    client = api_as(acme.mia)
    statuses = [client.get(WORKSPACES_URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(WORKSPACES_URL)
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()


def test_a_signed_in_persons_reads_count_once_each_against_their_rate(acme, settings):
    """Counted ahead with the person and membership (teams.middleware), not again by DRF."""
    _rates(settings, user="3/min")
    client = APIClient()
    client.force_login(acme.mia)
    url = "/api/v1/workspaces/acme/goals/"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(WORKSPACES_URL).status_code == 429  # the same person's window
    assert 0 < int(client.get(url)["Retry-After"]) <= 60


def test_each_token_has_its_own_rate(acme, api_as, settings):
    _rates(settings, user="2/min")
    first, second = api_as(acme.mia), api_as(acme.mia)
    assert [first.get(WORKSPACES_URL).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(WORKSPACES_URL).status_code == 200


def test_an_anonymous_address_over_its_rate_gets_429(db, anonymous, settings):
    _rates(settings, anon="2/min")
    statuses = [anonymous.get("/api/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert int(anonymous.get("/api/schema/")["Retry-After"]) > 0


def test_password_for_token_exchanges_are_limited_per_address(acme, anonymous, settings):
    _rates(settings, auth_token="3/min")
    for _ in range(3):
        anonymous.post(TOKEN_URL, {"username": "claire", "password": "guess"})

    response = anonymous.post(TOKEN_URL, {"username": "claire", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not ApiToken.objects.exists()
