"""axe-core over every kind of page of the product, for every role, with forms showing their
errors and the workshop board in each phase: no serious or critical violation of WCAG 2.0 and
2.1, A and AA. A failure names the page, the role, each rule with its impact, and the element.

Each role's test signs its person in once and reads every page that role opens in the demo
workspace (tests/browser/demo_site.py), one subtest per page, named after it. A form case
submits the form empty (past the browser's own checks), so its page shows the server's errors.
"""

from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.urls import resolve
from playwright.sync_api import Page

from tests.browser.axe import described, grave_violations
from tests.browser.demo_site import Site, demo_site, settle  # noqa: F401 (a fixture)
from tests.test_tenancy import ROUTES

pytestmark = pytest.mark.browser
RANKS = ("guest", "member", "lead", "executive")
W = "/w/acme"

# Empties a form's typed fields and submits it past the browser's own checks.
SUBMIT_EMPTY = """(form) => {
    const typed = /^(text|email|url|number|date|time|search|password|tel)$/;
    for (const field of form.querySelectorAll("input, textarea")) {
        if (field.tagName === "TEXTAREA" || typed.test(field.type)) field.value = "";
    }
    form.noValidate = true;
    form.requestSubmit(form.querySelector("[type=submit]"));
}"""
# What a refused form shows: a field's error, or the form's own.
ERRORS = ".invalid-feedback, .alert-danger, [aria-invalid=true]"


@dataclass(frozen=True)
class Case:
    """A kind of page: its path (``{name}`` stands for an id of demo_site), the lowest role
    that opens it (or exactly ``roles``), what is clicked there first, the form submitted
    empty, the status it answers."""

    kind: str
    path: str
    role: str = "member"
    form: str = ""
    click: str = ""
    status: int = 200
    roles: tuple[str, ...] = ()

    def people(self) -> tuple[str, ...]:
        if self.roles:
            return self.roles
        if self.role in ("admin", "anonymous"):
            return (self.role,)
        return RANKS[RANKS.index(self.role) :]


MAIN_FORM = "main form[method=post]"
ITEM_LINK = "a[hx-get*='/items/']"
PROPOSAL_LINK = "a[id^=open-]"
CASES = [
    # Signed out, and the pages of an account.
    Case("login", "/accounts/login/", "anonymous"),
    Case("login, errors", "/accounts/login/", "anonymous", form=MAIN_FORM),
    Case("password reset", "/accounts/password/reset/", "anonymous"),
    Case("password reset, errors", "/accounts/password/reset/", "anonymous", form=MAIN_FORM),
    Case("password reset sent", "/accounts/password/reset/sent/", "anonymous"),
    Case("invitation", "/invitations/{invitation}/", "anonymous"),
    Case("invitation, errors", "/invitations/{invitation}/", "anonymous", form=MAIN_FORM),
    Case("not found, signed out", "/w/acme/nothing-here/", "anonymous", status=404),
    Case("password change", "/accounts/password/change/", "guest"),
    Case("password change, errors", "/accounts/password/change/", "guest", form=MAIN_FORM),
    Case("API tokens", "/account/tokens/", "guest"),
    Case("workspaces", "/workspaces/", "guest"),
    Case("new workspace", "/workspaces/new/", "guest", roles=("executive",)),
    Case("new workspace, errors", "/workspaces/new/", form="main form", roles=("executive",)),
    Case("not found", f"{W}/goals/999999/", "guest", status=404),
    Case("forbidden", f"{W}/settings/", status=403, roles=("member", "lead")),
    Case("not found, as a guest", f"{W}/goals/", status=404, roles=("guest",)),
    # Goals, KPIs and the dashboard.
    Case("dashboard", f"{W}/", "guest"),
    Case("navigation, More open", f"{W}/", click="#nav-more", roles=("member", "admin")),
    Case("goals", f"{W}/goals/"),
    Case("goal", f"{W}/goals/{{goal}}/"),
    Case("goal achieved", f"{W}/goals/{{goal_won}}/"),
    Case("new goal", f"{W}/goals/new/", "lead"),
    Case("new goal, errors", f"{W}/goals/new/", "lead", form="#goal-form"),
    Case("edit goal", f"{W}/goals/{{goal_lead}}/edit/", "lead"),
    Case("edit goal, errors", f"{W}/goals/{{goal_lead}}/edit/", "lead", form="#goal-form"),
    Case("close goal", f"{W}/goals/{{goal_lead}}/close/", "lead"),
    Case("close goal, errors", f"{W}/goals/{{goal_lead}}/close/", "lead", form=MAIN_FORM),
    Case("carry over", f"{W}/goals/carry-over/", "lead"),
    Case("goal import", f"{W}/goals/import/", "lead"),
    Case("goal import, errors", f"{W}/goals/import/", "lead", form=MAIN_FORM),
    Case("goal import progress", f"{W}/goals/import/{{import_lead}}/", roles=("lead",)),
    Case("alignment tree", f"{W}/tree/"),
    Case("priorities", f"{W}/priorities/"),
    Case("lessons", f"{W}/lessons/"),
    Case("KPIs", f"{W}/kpis/"),
    Case("KPI", f"{W}/kpis/{{kpi}}/"),
    Case(
        "KPI, value errors",
        f"{W}/kpis/{{kpi}}/",
        form="form[action$='/measurements/']",
        roles=("lead", "executive"),
    ),
    Case("new KPI", f"{W}/kpis/new/", "executive"),
    Case("new KPI, errors", f"{W}/kpis/new/", "executive", form=MAIN_FORM),
    Case("edit KPI", f"{W}/kpis/{{kpi}}/edit/", "executive"),
    Case("paste values", f"{W}/kpis/{{kpi}}/measurements/paste/", "lead"),
    Case("paste values, errors", f"{W}/kpis/{{kpi}}/measurements/paste/", "lead", form=MAIN_FORM),
    Case("value import", f"{W}/kpis/{{kpi}}/measurements/import/", "lead"),
    # Check-ins, asks, notifications.
    Case("check-ins", f"{W}/checkins/"),
    Case("check-in", f"{W}/checkins/goals/{{goal_lead}}/", roles=("lead",)),
    Case(
        "check-in, errors",
        f"{W}/checkins/goals/{{goal_lead}}/",
        form="form[hx-post*='/checkins/goals/']",
        roles=("lead",),
    ),
    Case("asks", f"{W}/asks/"),
    Case("notifications", f"{W}/notifications/", "guest"),
    Case("reminder settings", f"{W}/reminders/settings/"),
    Case("my work", f"{W}/my-work/"),
    Case("calendar", f"{W}/calendar/", "guest"),
    # Workshops: the board in each phase.
    Case("workshops", f"{W}/workshops/"),
    Case("new workshop", f"{W}/workshops/new/", "executive"),
    Case("new workshop, errors", f"{W}/workshops/new/", "executive", form=MAIN_FORM),
    *(
        Case(f"workshop board, {phase}", f"{W}/workshops/{{workshop_{phase}}}/")
        for phase in ("draft", "refine", "vote", "break_down", "commit", "closed")
    ),
    Case(
        "workshop board, proposal errors",
        f"{W}/workshops/{{workshop_draft}}/",
        form="form[action$='/proposals/']",
    ),
    Case(
        "workshop board, a proposal's panel",
        f"{W}/workshops/{{workshop_refine}}/",
        click=PROPOSAL_LINK,
    ),
    Case(
        "workshop board, comment errors",
        f"{W}/workshops/{{workshop_refine}}/",
        click=PROPOSAL_LINK,
        form="#panel form[action$='/comments/']",
    ),
    Case(
        "workshop board, step errors",
        f"{W}/workshops/{{workshop_break_down}}/",
        click=PROPOSAL_LINK,
        form="#panel form[action$='/steps/']",
    ),
    Case(
        "workshop board, proposal edit errors",
        f"{W}/workshops/{{workshop_refine}}/",
        click=PROPOSAL_LINK,
        form="#panel form[action$='/edit/']",
    ),
    Case("proposal", f"{W}/workshops/{{workshop_refine}}/proposals/{{proposal}}/"),
    Case("workshop summary", f"{W}/workshops/{{workshop_closed}}/summary/"),
    # Forums, meetings, partners, decisions.
    Case("forums", f"{W}/forums/", "guest"),
    Case("forum", f"{W}/forums/{{forum}}/"),
    Case("forum, as a guest", f"{W}/forums/{{forum_guest}}/", roles=("guest",)),
    Case("new forum", f"{W}/forums/new/", "executive"),
    Case("new forum, errors", f"{W}/forums/new/", "executive", form=MAIN_FORM),
    Case("edit forum", f"{W}/forums/{{forum}}/edit/", "executive"),
    Case("meeting, minutes", f"{W}/meetings/{{meeting_published}}/"),
    Case("meeting, agenda", f"{W}/meetings/{{meeting_scheduled}}/"),
    Case("meeting, under way", f"{W}/meetings/{{meeting_running}}/"),
    Case(
        "meeting, topic errors",
        f"{W}/meetings/{{meeting_running}}/",
        form="form[action$='/topics/']",
        roles=("executive",),
    ),
    Case("meeting, as a guest", f"{W}/meetings/{{meeting_guest}}/", roles=("guest",)),
    Case("agenda item", f"{W}/meetings/{{meeting_running}}/items/{{item}}/", "executive"),
    Case(
        "meeting, an item's panel",
        f"{W}/meetings/{{meeting_running}}/",
        "executive",
        click=ITEM_LINK,
    ),
    Case(
        "meeting, decision errors",
        f"{W}/meetings/{{meeting_running}}/",
        "executive",
        click=ITEM_LINK,
        form="#side-panel form[action$='/decisions/']",
    ),
    Case("partners", f"{W}/partners/"),
    Case("partner", f"{W}/partners/{{partner}}/"),
    Case("new partner", f"{W}/partners/new/", "executive"),
    Case("new partner, errors", f"{W}/partners/new/", "executive", form=MAIN_FORM),
    Case("edit partner", f"{W}/partners/{{partner}}/edit/", "executive"),
    Case("decision log", f"{W}/decisions/"),
    Case("decision", f"{W}/decisions/{{decision}}/"),
    Case("amend decision", f"{W}/decisions/{{decision}}/amend/", "executive"),
    Case(
        "amend decision, errors", f"{W}/decisions/{{decision}}/amend/", "executive", form=MAIN_FORM
    ),
    Case("supersede decision", f"{W}/decisions/{{decision}}/supersede/", "executive"),
    # Conflicts, health, glossary.
    Case("conflicts", f"{W}/conflicts/"),
    Case("conflict", f"{W}/conflicts/{{conflict}}/"),
    Case("raise a conflict", f"{W}/conflicts/new/"),
    Case("raise a conflict, errors", f"{W}/conflicts/new/", form=MAIN_FORM),
    Case("decide a conflict", f"{W}/conflicts/{{conflict}}/decide/", "executive"),
    Case(
        "position",
        f"{W}/conflicts/{{conflict}}/sides/{{marketing}}/position/",
        roles=("executive",),
    ),
    Case("health", f"{W}/health/"),
    Case("health of a pair", f"{W}/health/{{marketing}}/{{product}}/"),
    Case("pulse", f"{W}/health/pulse/{{product}}/", roles=("lead",)),
    Case("glossary", f"{W}/glossary/"),
    Case("new term", f"{W}/glossary/new/", "lead"),
    Case("new term, errors", f"{W}/glossary/new/", "lead", form=MAIN_FORM),
    Case("edit term", f"{W}/glossary/{{term}}/edit/", "executive"),
    Case("delete term", f"{W}/glossary/{{term}}/delete/", "executive"),
    # Settings, departments, people, webhooks.
    Case("settings", f"{W}/settings/", "admin"),
    Case("settings, errors", f"{W}/settings/", "admin", form=MAIN_FORM),
    Case("departments", f"{W}/departments/"),
    Case("departments, errors", f"{W}/departments/", "admin", form=MAIN_FORM),
    Case("edit department", f"{W}/departments/{{marketing}}/edit/", "admin"),
    Case("people", f"{W}/people/"),
    Case("invite, errors", f"{W}/people/", "admin", form="form[action$='/people/invite/']"),
    Case("edit membership", f"{W}/people/{{membership}}/edit/", "admin"),
    Case("webhooks", f"{W}/integrations/webhooks/", "admin"),
    Case("new webhook", f"{W}/integrations/webhooks/new/", "admin"),
    Case("new webhook, errors", f"{W}/integrations/webhooks/new/", "admin", form=MAIN_FORM),
    Case("edit webhook", f"{W}/integrations/webhooks/{{webhook}}/", "admin"),
    Case("webhook deliveries", f"{W}/integrations/webhooks/{{webhook}}/deliveries/", "admin"),
]


# Workspace pages no case reads, and why.
NOT_PAGES = {
    # Files and feeds.
    "checkin_export",
    "decision_export",
    "goal_checkin_export",
    "goal_export",
    "goal_import_template",
    "measurement_export",
    "measurement_import_template",
    "meeting_ics",
    "workspace_export",
    # Panels and polls that the pages above load into themselves.
    "action_panel",
    "checkin_panel",
    "forum_panel",
    "health_panel",
    "kpi_panel",
    "meeting_record",
    "notification_bell",
    "workshop_state",
    # Links that only redirect.
    "checkin_link",
    "notification_open",
}


def _open(page: Page, case: Case, path: str) -> None:
    response = page.goto(path)
    assert response.status == case.status, f"{path} answered {response.status}"
    settle(page)
    if case.click:
        page.locator(case.click).first.click()
        settle(page)
    if not case.form:
        return
    form = page.locator(case.form).first
    if form.get_attribute("hx-post") is not None:
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            form.evaluate(SUBMIT_EMPTY)
    else:
        with page.expect_navigation() as answer:
            form.evaluate(SUBMIT_EMPTY)
    assert answer.value.status < 500, f"the empty form {case.form} answered {answer.value}"
    settle(page)
    errors = page.locator(ERRORS)
    assert errors.count(), f"the empty form {case.form} shows no error: {page.url}"


@pytest.mark.parametrize("role", ["anonymous", *RANKS, "admin"])
def test_axe_finds_no_serious_violation(demo_site: Site, subtests, role: str):  # noqa: F811
    page = demo_site.page(role)
    for case in (c for c in CASES if role in c.people()):
        path = case.path.format(**demo_site.ids)
        with subtests.test(msg=f"{case.kind} as {role}"):
            _open(page, case, path)
            grave = grave_violations(page)
            assert not grave, f"{case.kind}, as {role}, at {path}:\n{described(grave)}"
    assert demo_site.errors == [], f"scripts failed: {demo_site.errors}"


def test_every_workspace_page_has_a_case():
    """A new page (a GET route of the tenancy sweep) fails here until a case above reads it."""
    any_id = defaultdict(lambda: "1")
    read = {resolve(c.path.format_map(any_id)).url_name for c in CASES if c.status != 404}
    pages = {route.name for route in ROUTES if route.method == "get"} - NOT_PAGES
    assert pages - read == set()
