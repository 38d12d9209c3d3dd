"""Playwright against Debian's Chromium (/usr/bin/chromium) and pytest-django's live server.

No browser is downloaded: `.ci/run` installs Debian's chromium. Every page a test opens must
log no console error (a CSP violation or a broken script fails the test).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from goals.models import Goal
from tests.factories import PASSWORD, GoalFactory
from tests.forums.conftest import forum, meeting  # noqa: F401 (fixtures of the forum journey)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


# A form that fails validation answers 400 (or 409 for a stale edit) on purpose; Chromium
# logs those as failed loads. Everything else logged as an error fails the test.
EXPECTED_STATUSES = ("status of 400 ", "status of 409 ")


def _is_error(message) -> bool:
    return message.type == "error" and not any(s in message.text for s in EXPECTED_STATUSES)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()`` opens a page in a fresh browser context (a separate person).

    ``new_page.expect_error(text)`` lets the console log errors containing ``text``: a test
    that makes a request fail on purpose (a 500, a lost connection) says so.
    """
    contexts, errors, expected = [], [], []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    open_page.expect_error = expected.append
    yield open_page
    for context in contexts:
        context.close()
    unexpected = [e for e in errors if not any(text in e for text in expected)]
    assert unexpected == [], f"the browser logged errors: {unexpected}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


@pytest.fixture
def goal(acme) -> Goal:
    """Product's goal, 100 leads to 130 and on track: journey 3's, with the keyboard and when
    requests fail."""
    return GoalFactory(
        workspace=acme.workspace,
        title="Raise qualified leads from 100 to 130",
        owner_departments=[acme.product],
        baseline=Decimal("100"),
        target=Decimal("130"),
        current_value=Decimal("100"),
        status=Goal.Status.ON_TRACK,
    )
