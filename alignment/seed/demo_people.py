"""The demo's people: their accounts, roles and departments, and who leads each department."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from alignment.seed.common import PASSWORD
from teams.models import Department, Membership, Role, User, Workspace
from teams.services import department_update, membership_update

DEMO_DOMAIN = "acme.example"
DEMO_LOGIN = "cmo"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: Role
    departments: tuple[str, ...] = ()


DEMO_PEOPLE = (
    Person("admin", "Ada", "Byrne", Role.ADMIN),
    Person("cmo", "Claire", "Dubois", Role.EXECUTIVE, ("marketing",)),
    Person("coo", "Omar", "Haddad", Role.EXECUTIVE, ("operations",)),
    Person("product.lead", "Priya", "Nair", Role.LEAD, ("product",)),
    Person("sales.lead", "Sam", "Okafor", Role.LEAD, ("sales",)),
    Person("marketing.lead", "Maya", "Lindqvist", Role.LEAD, ("marketing",)),
    Person("member", "Mo", "Rahman", Role.MEMBER, ("product",)),
    Person("partner", "Pat", "Kelly", Role.GUEST),
)

# Department kind: (lead, executive). Operations has no lead of its own, so the COO leads it.
DEMO_DEPARTMENT_PEOPLE = {
    "marketing": ("marketing.lead", "cmo"),
    "product": ("product.lead", "coo"),
    "sales": ("sales.lead", "cmo"),
    "operations": ("coo", "coo"),
}


def _demo_users() -> dict[str, User]:
    usernames = [p.username for p in DEMO_PEOPLE]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        raise CommandError(f"These usernames belong to people outside the demo: {taken}.")
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=p.username,
            first_name=p.first_name,
            last_name=p.last_name,
            email=f"{p.username}@{DEMO_DOMAIN}",
            password=password,
            is_staff=p.role == Role.ADMIN,
            is_superuser=p.role == Role.ADMIN,
        )
        for p in DEMO_PEOPLE
    )
    return {user.username: user for user in users}


def _demo_team(workspace: Workspace, users: dict[str, User]) -> dict[str, Department]:
    """Memberships with roles and departments, then each department's lead and executive."""
    admin = users["admin"]
    departments = {d.kind: d for d in workspace.departments.all()}
    for person in DEMO_PEOPLE:
        if person.role == Role.ADMIN:
            continue
        membership = Membership.objects.create(
            workspace=workspace, user=users[person.username], role=person.role
        )
        membership_update(
            membership=membership,
            actor=admin,
            role=person.role,
            departments=[departments[kind] for kind in person.departments],
        )
    for kind, (lead, executive) in DEMO_DEPARTMENT_PEOPLE.items():
        department = departments[kind]
        department_update(
            department=department,
            actor=admin,
            name=department.name,
            kind=department.kind,
            lead=users[lead],
            executive=users[executive],
        )
    return departments
