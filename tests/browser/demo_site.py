"""The demo workspace with a page of everything, and one signed-in browser page per role.

``demo_site`` seeds the demo and what it lacks (a workshop in each phase, a win with its
lessons, a meeting under way, a webhook, an invitation, a finished goal import) behind the live
server. Tests that read many pages sign each person in once and keep their page
(``Site.page``), so a test reads dozens of pages for one seeding.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from alignment.seed.common import PASSWORD, TIMEZONE
from alignment.seed.demo import demo_seed
from forums import services as forum_services
from forums.models import Decision, Meeting, Partner
from goals.models import KPI, Goal, GoalImport
from goals.services.closing import goal_close
from integrations.services import webhook_create
from teams.models import Department, Membership, User, Workspace
from teams.services import api_token_create, invitation_create
from tests import nplusone
from tests.browser.conftest import sign_in
from tests.factories import member
from workshops import commit
from workshops import services as workshops
from workshops.models import Workshop

# The demo's person for each role the product knows.
PEOPLE = {
    "admin": "admin",
    "executive": "cmo",
    "lead": "product.lead",
    "member": "member",
    "guest": "partner",
}
# Counts HTMX requests in flight, so a page is read once its panels have arrived.
HTMX_WATCH = """
window.__htmxBusy = 0;
document.addEventListener("htmx:beforeRequest", () => { window.__htmxBusy += 1; });
document.addEventListener("htmx:afterRequest", () => { window.__htmxBusy -= 1; });
"""
SETTLED = (
    "() => window.__htmxBusy === 0"
    " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
)


@dataclass
class Site:
    """The seeded demo behind a live server: ``ids`` names the objects pages are about."""

    url: str
    browser: Browser
    ids: dict[str, int | str]
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    # Scripts that failed on any page (an exception, or one the CSP blocked).
    errors: list[str] = field(default_factory=list)

    def page(self, role: str) -> Page:
        """The one page of this role's person (``anonymous``: signed out), signed in once."""
        if role not in self.contexts:
            context = self.browser.new_context(base_url=self.url)
            context.set_default_timeout(10_000)
            context.add_init_script(HTMX_WATCH)
            page = context.new_page()
            page.on("pageerror", lambda error: self.errors.append(str(error)))
            if role != "anonymous":
                sign_in(page, PEOPLE[role], PASSWORD)
            self.contexts[role] = context
        return self.contexts[role].pages[0]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


def settle(page: Page) -> None:
    """Wait for the page to load and its HTMX requests to be answered and swapped in."""
    page.wait_for_load_state()
    page.wait_for_function(SETTLED)


def _workshop(workspace: Workspace, users: dict[str, User], phase: str) -> Workshop:
    """A marketing × product workshop moved on to ``phase``, with what that phase shows."""
    departments = {d.kind: d for d in workspace.departments.all()}
    period = workspace.periods.order_by("start_date")[1]
    cmo, lead, member_ = users["cmo"], users["product.lead"], users["member"]
    workshop = workshops.workshop_create(
        workspace=workspace,
        actor=cmo,
        title=f"Trial growth, {Workshop.Phase(phase).label.lower()} phase",
        period=period,
        departments=[departments["marketing"], departments["product"]],
        participants=[lead, member_],
    )
    both = [departments["marketing"], departments["product"]]
    proposals = [
        workshops.proposal_create(
            workshop=workshop,
            actor=author,
            title=title,
            owner_departments=owners,
            metric="Trial sign-ups",
            unit="sign-ups",
            baseline=Decimal(1000),
            target=target,
            due_date=period.end_date,
        )
        for author, title, owners, target in [
            (cmo, "Grow trial sign-ups by 20% with a partner webinar series", both, 1200),
            (lead, "Grow trial sign-ups with a self-serve demo", [departments["product"]], None),
        ]
    ]
    order = [p.value for p in Workshop.Phase]
    for step in order[1 : order.index(phase) + 1]:
        if step == Workshop.Phase.VOTE:
            workshops.comment_create(
                proposal=proposals[1], actor=member_, body="Which sign-ups count as trials?"
            )
        if step == Workshop.Phase.BREAK_DOWN:
            workshops.vote_cast(proposal=proposals[0], voter=lead)
            workshops.vote_cast(proposal=proposals[0], voter=member_)
        if step == Workshop.Phase.COMMIT:
            workshops.step_create(
                proposal=proposals[0],
                actor=lead,
                department=departments["product"],
                title="Record the webinar demo as a product tour",
                metric="Tours watched",
                unit="tours",
                baseline=Decimal(0),
                target=Decimal(300),
                due_date=period.end_date,
            )
        if step == Workshop.Phase.CLOSED:
            commit.workshop_commit(workshop=workshop, actor=cmo, proposal_ids=[proposals[0].pk])
        else:
            workshops.workshop_advance(workshop=workshop, actor=cmo)
    return workshop


def demo_everything(today: dt.date) -> dict[str, int | str]:
    """The demo, and a page-worth of each thing it lacks; the ids the pages need."""
    with nplusone.seeding_the_demo():
        workspace = demo_seed(today)
    users = {u.username: u for u in User.objects.filter(memberships__workspace=workspace)}
    cmo = member(users["cmo"])
    ids = {f"workshop_{p}": _workshop(workspace, users, p).pk for p in Workshop.Phase}
    proposal = Workshop.objects.get(pk=ids["workshop_refine"]).proposals.order_by("pk").first()
    goals = Goal.objects.filter(workspace=workspace)
    won = goals.filter(parent=None, status=Goal.Status.ACHIEVED).first()
    if won is None:
        won = goals.get(parent=None, priority=1)
        goal_close(
            membership=cmo,
            goal=won,
            status=Goal.Status.ACHIEVED,
            what_worked="Campaigns and demos told one story.",
            what_to_change="Start the referral prompt earlier.",
        )
    shared = goals.filter(parent=None, status=Goal.Status.ON_TRACK).order_by("priority").first()
    meetings = Meeting.objects.filter(workspace=workspace)
    scheduled = meetings.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at")
    running = scheduled.filter(forum__name="CMO forum").first()
    forum_services.topic_add(membership=cmo, meeting=running, title="Webinar series budget")
    forum_services.meeting_start(membership=cmo, meeting=running)
    running.refresh_from_db()
    webhook = webhook_create(
        workspace=workspace,
        actor=users["admin"],
        url="https://hooks.example.com/alignment",
        events=["goal.status_changed"],
    )
    invitation = invitation_create(
        workspace=workspace, actor=users["admin"], email="zoe@acme.example", role="member"
    )
    for person in ("cmo", "product.lead"):
        api_token_create(user=users[person], name="Warehouse sync")
    imports = {
        person: GoalImport.objects.create(
            workspace=workspace, created_by=users[person], status=GoalImport.Status.DONE, total=3
        ).pk
        for person in ("cmo", "product.lead")
    }
    guest_meeting = scheduled.filter(forum__guests=users["partner"]).first()
    return ids | {
        "proposal": proposal.pk,
        "goal": shared.pk,
        "goal_won": won.pk,
        # A goal of the product lead's department alone, still open: theirs to edit and close.
        "goal_lead": goals.annotate(owners=Count("owner_departments"))
        .filter(owners=1, owner_departments__lead=users["product.lead"])
        .exclude(status__in=Goal.CLOSED_STATUSES)
        .order_by("pk")
        .first()
        .pk,
        "kpi": KPI.objects.filter(workspace=workspace, owner_departments__kind="product")
        .order_by("pk")
        .first()
        .pk,
        "meeting_published": meetings.filter(status=Meeting.Status.PUBLISHED).first().pk,
        "meeting_scheduled": scheduled.exclude(pk=running.pk).first().pk,
        "meeting_running": running.pk,
        "item": running.items.order_by("position", "pk").first().pk,
        "forum": running.forum_id,
        "forum_guest": guest_meeting.forum_id,
        "meeting_guest": guest_meeting.pk,
        "decision": Decision.objects.filter(workspace=workspace).order_by("pk").first().pk,
        "partner": Partner.objects.filter(workspace=workspace).order_by("pk").first().pk,
        "conflict": workspace.conflicts.order_by("pk").first().pk,
        "term": workspace.glossary_terms.order_by("pk").first().pk,
        "marketing": Department.objects.get(workspace=workspace, kind="marketing").pk,
        "product": Department.objects.get(workspace=workspace, kind="product").pk,
        "membership": Membership.objects.get(workspace=workspace, user=users["member"]).pk,
        "webhook": webhook.pk,
        "invitation": invitation.token,
        "import_executive": imports["cmo"],
        "import_lead": imports["product.lead"],
    }


@pytest.fixture
def demo_site(live_server, browser) -> Iterator[Site]:
    """The demo with everything, served by the live server; pages per role (see Site)."""
    site = Site(
        url=live_server.url,
        browser=browser,
        ids=demo_everything(timezone.localdate(timezone=ZoneInfo(TIMEZONE))),
    )
    yield site
    site.close()
