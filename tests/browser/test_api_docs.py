"""The interactive API docs work offline under the site's Content-Security-Policy, and a
signed-in person can try an operation from them."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _offline(page, live_server) -> list[str]:
    """Abort every request that leaves the live server; returns the URLs that tried."""
    outside: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(live_server.url):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return outside


def test_docs_render_every_operation_from_local_assets(db, page, live_server):
    outside = _offline(page, live_server)
    paths = page.request.get("/api/schema/?format=json").json()["paths"]

    response = page.goto("/api/docs/")

    expect(page.get_by_role("heading", name=re.compile("Alignment API"))).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/token/")).to_have_count(2)
    expect(page.locator(".opblock")).to_have_count(sum(len(ops) for ops in paths.values()))
    directives = {
        part.strip().split(" ", 1)[0]: part.strip()
        for part in response.headers["content-security-policy"].split(";")
    }
    assert directives["script-src"] == "script-src 'self'"
    assert outside == []


def test_a_signed_in_person_tries_an_operation_from_the_docs(acme, page, live_server):
    sign_in(page, "claire")
    outside = _offline(page, live_server)
    page.goto("/api/docs/")

    operation = page.locator("#operations-workspaces-workspaces_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table tbody .response-col_status")
    expect(status).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text('"slug": "acme"')
    assert outside == []
