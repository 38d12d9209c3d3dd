"""Journey 1: an admin creates a workspace, sees the four default departments, adds a
department, invites people and gives them roles."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from teams.models import Membership, Role
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_sign_in_and_see_the_workspace_home(acme, page):
    sign_in(page, "claire")
    expect(page).to_have_url(re.compile(r"/w/acme/$"))
    expect(page.get_by_role("heading", name="Acme", exact=True)).to_be_visible()
    main = page.get_by_role("main")
    expect(
        main.get_by_role("heading", name="Shared goals by department and status")
    ).to_be_visible()
    expect(main.get_by_role("heading", name="KPIs")).to_be_visible()
    expect(main.get_by_role("heading", name="Check-ins")).to_be_visible()


def test_admin_sets_up_a_workspace_and_invites_a_lead(db, new_page, settings):
    UserFactory(username="founder", first_name="Fay")
    admin = new_page()
    sign_in(admin, "founder")
    expect(admin).to_have_url(re.compile(r"/workspaces/$"))
    admin.get_by_role("link", name="Create a workspace").click()
    admin.get_by_label("Name").fill("Initech")
    admin.get_by_label("Mission").fill("Every department ships value to the same customers.")
    admin.get_by_label("Timezone").select_option("Europe/Paris")
    admin.get_by_role("button", name="Create the workspace").click()

    table = admin.locator("#departments")
    for name in ("Marketing", "Product", "Sales", "Operations"):
        expect(table.get_by_role("link", name=f"Edit {name}")).to_be_visible()
    admin.get_by_label("Name").fill("Customer Success")
    admin.get_by_role("button", name="Add department").click()
    expect(admin.get_by_role("alert")).to_contain_text("Added the department Customer Success")
    expect(table.get_by_role("link", name="Edit Customer Success")).to_be_visible()

    nav = admin.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="More").click()
    nav.get_by_role("link", name="People").click()
    admin.get_by_label("Email").fill("lena@initech.test")
    admin.get_by_label("Role").select_option("lead")
    admin.get_by_label("Product").check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("alert")).to_contain_text("Invitation sent to lena@initech.test")

    link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", mail.outbox[-1].body)[1]
    invitee = new_page()
    invitee.goto(link)
    invitee.get_by_label("Username").fill("lena")
    invitee.get_by_label("First name").fill("Lena")
    invitee.get_by_label("Password", exact=True).fill("a-long-passphrase")
    invitee.get_by_label("Password confirmation").fill("a-long-passphrase")
    invitee.get_by_role("button", name="Create account and join").click()
    expect(invitee.get_by_role("heading", name="Initech", exact=True)).to_be_visible()

    membership = Membership.objects.get(user__username="lena")
    assert membership.role == Role.LEAD
    assert [d.name for d in membership.departments.all()] == ["Product"]

    admin.reload()
    admin.get_by_role("link", name="Edit Lena").click()
    admin.get_by_label("Role").select_option("executive")
    admin.get_by_role("button", name="Save role and departments").click()
    expect(admin.get_by_role("alert")).to_contain_text("Saved Lena")
    membership.refresh_from_db()
    assert membership.role == Role.EXECUTIVE
