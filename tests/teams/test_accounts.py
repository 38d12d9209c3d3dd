"""Sign-in, sign-out, password reset, rate limiting, switching workspace, health."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_sign_in_lands_on_the_only_workspace(acme, client):
    response = client.post(
        reverse("login"), {"username": "claire", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/w/acme/"
    assert b"Acme" in response.content


def test_wrong_password_says_so_and_signs_nobody_in(acme, client):
    response = client.post(reverse("login"), {"username": "claire", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_in_is_paused_after_too_many_failures(acme, client, settings):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "claire", "password": "nope"})
    response = client.post(reverse("login"), {"username": "claire", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post_and_ends_the_session(acme, as_user):
    client = as_user(acme.claire)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get("/w/acme/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(acme, client):
    client.post(reverse("password_reset"), {"email": "claire@acme.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    acme.claire.refresh_from_db()
    assert acme.claire.check_password("a-new-long-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(db, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_home_returns_to_the_last_workspace_used(acme, as_user):
    other = WorkspaceFactory(slug="initech", name="Initech")
    MembershipFactory(workspace=other, user=acme.claire)
    client = as_user(acme.claire)
    assert client.get(reverse("home"))["Location"] == reverse("workspace_list")
    client.get("/w/initech/")
    assert client.get(reverse("home"))["Location"] == "/w/initech/"
    client.get("/w/acme/")
    assert client.get(reverse("home"))["Location"] == "/w/acme/"


def test_workspace_switcher_lists_every_workspace_of_the_person(acme, as_user):
    MembershipFactory(workspace=WorkspaceFactory(name="Initech"), user=acme.claire)
    response = as_user(acme.claire).get("/w/acme/")
    assert b"Switch workspace" in response.content
    assert b"Initech" in response.content


def test_health_check_answers_without_signing_in(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
