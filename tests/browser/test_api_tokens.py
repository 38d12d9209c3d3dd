"""A person makes an API token from the user menu, copies it once, and revokes it."""

import pytest
from playwright.sync_api import expect

from teams.models import ApiToken
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_make_a_token_see_it_once_and_revoke_it(acme, page):
    sign_in(page, "leo")
    page.get_by_role("button", name=str(acme.leo)).click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("You have no active API tokens.")).to_be_visible()

    page.get_by_label("Token name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()

    key = page.get_by_label("Token", exact=True).input_value()
    token = ApiToken.objects.get(user=acme.leo)
    assert key.startswith(token.prefix)
    expect(page.get_by_role("cell", name="CRM sync", exact=True)).to_be_visible()

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke CRM sync").click()

    expect(page.get_by_text("Revoked the token “CRM sync”.")).to_be_visible()
    expect(page.get_by_text("You have no active API tokens.")).to_be_visible()
    token.refresh_from_db()
    assert token.revoked_at is not None
