"""Journey 1 at the HTTP level: workspace, departments, people, invitations, roles."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams.models import Department, Invitation, Membership, Role, User, Workspace
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_new_workspace_starts_with_the_four_departments_and_its_creator_as_admin(as_user):
    founder = UserFactory()
    response = as_user(founder).post(
        reverse("workspace_create"),
        {
            "name": "Initech",
            "mission": "Ship it.",
            "timezone": "Europe/Paris",
            "checkin_cadence": "biweekly",
        },
    )
    workspace = Workspace.objects.get(name="Initech")
    assert response["Location"] == reverse("department_list", kwargs={"ws": workspace.slug})
    assert sorted(workspace.departments.values_list("kind", flat=True)) == [
        "marketing",
        "operations",
        "product",
        "sales",
    ]
    assert Membership.objects.get(workspace=workspace, user=founder).role == Role.ADMIN


def test_workspace_form_refuses_an_unknown_timezone(as_user):
    response = as_user(UserFactory()).post(
        reverse("workspace_create"),
        {"name": "Initech", "timezone": "Mars/Olympus", "checkin_cadence": "biweekly"},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Workspace.objects.filter(name="Initech").exists()


def test_two_workspaces_with_one_name_get_distinct_slugs(as_user):
    client = as_user(UserFactory())
    for _ in range(2):
        client.post(
            reverse("workspace_create"),
            {"name": "Initech", "timezone": "UTC", "checkin_cadence": "weekly"},
        )
    assert sorted(Workspace.objects.values_list("slug", flat=True)) == ["initech", "initech-2"]


def test_admin_adds_a_department(acme, as_user):
    response = as_user(acme.ada).post(
        reverse("department_list", kwargs={"ws": "acme"}),
        {"name": "Customer Success", "kind": "other", "color": "#20c997", "lead": acme.mia.pk},
    )
    assert response.status_code == 302
    department = Department.objects.get(workspace=acme.workspace, name="Customer Success")
    assert department.lead == acme.mia


def test_department_with_a_duplicate_name_is_refused_next_to_the_field(acme, as_user):
    response = as_user(acme.ada).post(
        reverse("department_list", kwargs={"ws": "acme"}), {"name": "marketing", "kind": "other"}
    )
    assert response.status_code == 200
    assert b"A department with this name already exists." in response.content
    assert acme.workspace.departments.count() == 4


def test_department_lead_must_be_a_member_of_the_workspace(acme, oscar, as_user):
    response = as_user(acme.ada).post(
        reverse("department_edit", kwargs={"ws": "acme", "pk": acme.sales.pk}),
        {"name": "Sales", "kind": "sales", "lead": oscar.pk},
    )
    assert response.status_code == 200
    acme.sales.refresh_from_db()
    assert acme.sales.lead is None


def test_department_colour_that_is_not_hex_is_refused(acme, as_user):
    response = as_user(acme.ada).post(
        reverse("department_edit", kwargs={"ws": "acme", "pk": acme.sales.pk}),
        {"name": "Sales", "kind": "sales", "color": "green"},
    )
    assert b"Use a hex colour such as #d63384." in response.content


def test_admin_invites_a_person_who_creates_an_account_and_joins(
    acme, as_user, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(acme.ada).post(
            reverse("invite", kwargs={"ws": "acme"}),
            {"email": "omar@acme.test", "role": "executive", "departments": [acme.operations.pk]},
        )
    assert mail.outbox[0].to == ["omar@acme.test"]
    invitation = Invitation.objects.get(email="omar@acme.test")
    assert invitation.get_absolute_url() in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    client.logout()
    response = client.post(
        invitation.get_absolute_url(),
        {
            "username": "omar",
            "first_name": "Omar",
            "last_name": "Okafor",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response["Location"] == "/w/acme/"
    membership = Membership.objects.get(workspace=acme.workspace, user__username="omar")
    assert membership.role == Role.EXECUTIVE
    assert list(membership.departments.all()) == [acme.operations]
    assert membership.user.email == "omar@acme.test"


def test_a_signed_in_person_accepts_with_one_click(acme, globex, oscar, client):
    invitation = InvitationFactory(workspace=acme.workspace, email=oscar.email, role=Role.MEMBER)
    client.force_login(oscar)
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(workspace=acme.workspace, user=oscar).exists()
    second = client.post(invitation.get_absolute_url())
    assert second.status_code == 410


def test_expired_invitation_is_refused(acme, client):
    invitation = InvitationFactory(
        workspace=acme.workspace, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.post(
        invitation.get_absolute_url(),
        {"username": "late", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
    )
    assert response.status_code == 410
    assert b"expired" in response.content
    assert not Membership.objects.filter(user__username="late").exists()


def test_an_invitation_used_up_while_the_form_was_open_leaves_no_account_and_no_session(
    acme, client, monkeypatch
):
    """The page checked the invitation; another tab accepted it before this signup arrived."""
    invitation = InvitationFactory(workspace=acme.workspace, email="late@acme.test")
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    monkeypatch.setattr(Invitation, "state", property(lambda self: "open"))

    response = client.post(
        invitation.get_absolute_url(),
        {"username": "late", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
        follow=True,
    )

    assert b"already used or revoked" in response.content
    assert not User.objects.filter(username="late").exists()
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session


def test_invitation_accept_refused_by_the_service_saves_no_account(acme):
    invitation = InvitationFactory(
        workspace=acme.workspace, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(PermissionDenied, match="expired"):
        services.invitation_accept(token=invitation.token, user=User(username="late"))
    assert not User.objects.filter(username="late").exists()


def test_inviting_an_existing_member_is_refused(acme, as_user):
    response = as_user(acme.ada).post(
        reverse("invite", kwargs={"ws": "acme"}), {"email": "MIA@acme.test", "role": "member"}
    )
    assert response.status_code == 400
    assert b"already a member" in response.content
    assert not Invitation.objects.exists()


def test_inviting_the_same_address_twice_is_refused(acme, as_user):
    client = as_user(acme.ada)
    url = reverse("invite", kwargs={"ws": "acme"})
    client.post(url, {"email": "new@acme.test", "role": "member"})
    response = client.post(url, {"email": "new@acme.test", "role": "lead"})
    assert response.status_code == 400
    assert b"already has an open invitation" in response.content
    assert Invitation.objects.count() == 1


def test_invitation_into_a_department_of_another_workspace_is_refused(acme, globex, as_user):
    response = as_user(acme.ada).post(
        reverse("invite", kwargs={"ws": "acme"}),
        {
            "email": "new@acme.test",
            "role": "member",
            "departments": [globex.departments.first().pk],
        },
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_admin_changes_a_role_and_departments(acme, as_user):
    membership = Membership.objects.get(user=acme.mia)
    as_user(acme.ada).post(
        reverse("membership_edit", kwargs={"ws": "acme", "pk": membership.pk}),
        {"role": "lead", "departments": [acme.sales.pk, acme.marketing.pk]},
    )
    membership.refresh_from_db()
    assert membership.role == Role.LEAD
    assert set(membership.departments.all()) == {acme.sales, acme.marketing}


def test_the_last_admin_cannot_be_demoted_or_removed(acme, as_user):
    membership = Membership.objects.get(user=acme.ada)
    client = as_user(acme.ada)
    response = client.post(
        reverse("membership_edit", kwargs={"ws": "acme", "pk": membership.pk}), {"role": "member"}
    )
    assert b"A workspace needs at least one admin." in response.content
    client.post(reverse("membership_remove", kwargs={"ws": "acme", "pk": membership.pk}))
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_member_sees_people_but_no_invite_form(acme, as_user):
    response = as_user(acme.mia).get(reverse("people", kwargs={"ws": "acme"}))
    assert b"Claire" in response.content
    assert b"Invite a person" not in response.content


def test_guest_home_shows_nothing_of_the_workspace(acme, as_user):
    response = as_user(acme.gus).get("/w/acme/")
    assert b"You are a guest here." in response.content
    assert b"Departments" not in response.content


@pytest.mark.parametrize(
    "url_name", ["department_list", "people", "dashboard", "workspace_settings"]
)
def test_page_query_count_does_not_grow_with_people(acme, as_user, url_name, count_queries):
    client = as_user(acme.ada)
    url = reverse(url_name, kwargs={"ws": "acme"})
    few = count_queries(client, url)
    for _ in range(30):
        MembershipFactory(workspace=acme.workspace, user=UserFactory(), departments=[acme.sales])
    assert count_queries(client, url) == few
    assert few.count <= 12, few
