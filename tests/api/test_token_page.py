"""The Tokens page: a person lists, creates (shown once) and revokes their own API tokens."""

import pytest
from django.urls import reverse

from teams.models import ApiToken
from teams.services import api_token_create, hash_key

pytestmark = pytest.mark.django_db

URL = "/account/tokens/"


def test_the_user_menu_links_to_the_tokens_page(acme, as_user):
    response = as_user(acme.mia).get("/workspaces/")
    assert f'href="{URL}"'.encode() in response.content


def test_without_tokens_the_page_says_what_to_do(acme, as_user):
    response = as_user(acme.mia).get(URL)
    assert response.status_code == 200
    assert b"You have no active API tokens." in response.content


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(acme, as_user):
    client = as_user(acme.mia)

    response = client.post(URL, {"name": "CRM sync"})

    token = ApiToken.objects.get(user=acme.mia)
    key = response.context["new_key"]
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    assert key in response.content.decode()
    assert token.key_hash == hash_key(key)
    assert token.name == "CRM sync"
    again = client.get(URL).content.decode()
    assert key not in again
    assert f"{token.prefix}…" in again


def test_a_token_without_a_name_is_refused_next_to_the_field(acme, as_user):
    response = as_user(acme.mia).post(URL, {"name": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not ApiToken.objects.exists()


def test_revoking_a_token_ends_it_and_says_so(acme, as_user):
    token, _ = api_token_create(user=acme.mia, name="BI")

    response = as_user(acme.mia).post(reverse("api_token_revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"Revoked the token" in response.content
    assert b"You have no active API tokens." in response.content


def test_revoking_over_htmx_answers_with_the_refreshed_list(acme, as_user):
    token, _ = api_token_create(user=acme.mia, name="BI")
    api_token_create(user=acme.mia, name="Script")

    response = as_user(acme.mia).post(
        reverse("api_token_revoke", args=[token.pk]), HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="token-list">')
    assert "Script" in body
    assert "tokensChanged" in response["HX-Trigger"]


def test_nobody_sees_or_revokes_another_persons_token(acme, as_user):
    token, _ = api_token_create(user=acme.ada, name="Admin script")
    client = as_user(acme.mia)

    assert b"Admin script" not in client.get(URL).content
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_sign_in_and_revoking_needs_post(acme, client, as_user):
    assert client.get(URL).status_code == 302
    token, _ = api_token_create(user=acme.mia, name="BI")
    assert as_user(acme.mia).get(reverse("api_token_revoke", args=[token.pk])).status_code == 405


def test_token_page_queries_stay_flat_as_tokens_grow(acme, as_user, count_queries):
    client = as_user(acme.mia)
    for n in range(5):
        api_token_create(user=acme.mia, name=f"t{n}")
    few = count_queries(client, URL)
    for n in range(30):
        api_token_create(user=acme.mia, name=f"u{n}")
    many = count_queries(client, URL)
    assert few == many
    assert many.count <= 12
