"""API tenancy cases: the workspace, departments, members, periods and the SMART check."""

from teams.models import Membership, Role
from tests.api.cases import Case
from tests.factories import PeriodFactory


def _mia(acme) -> int:
    return Membership.objects.get(user=acme.mia).pk


CASES = [
    Case("workspace", "get", lambda acme: "", Role.GUEST),
    Case("departments", "get", lambda acme: "departments/", Role.MEMBER),
    Case("departments", "post", lambda acme: "departments/", Role.ADMIN, {"name": "Finance"}),
    Case(
        "department",
        "get",
        lambda acme: f"departments/{acme.product.pk}/",
        Role.MEMBER,
        foreign=lambda globex: f"departments/{globex.departments.first().pk}/",
    ),
    Case(
        "department",
        "put",
        lambda acme: f"departments/{acme.product.pk}/",
        Role.ADMIN,
        {"name": "Product", "kind": "product"},
        foreign=lambda globex: f"departments/{globex.departments.first().pk}/",
    ),
    Case(
        "department",
        "patch",
        lambda acme: f"departments/{acme.product.pk}/",
        Role.ADMIN,
        {"color": "#123456"},
        foreign=lambda globex: f"departments/{globex.departments.first().pk}/",
    ),
    Case("members", "get", lambda acme: "members/", Role.MEMBER),
    Case(
        "member",
        "get",
        lambda acme: f"members/{_mia(acme)}/",
        Role.MEMBER,
        foreign=lambda globex: f"members/{globex.memberships.first().pk}/",
    ),
    Case(
        "member",
        "patch",
        lambda acme: f"members/{_mia(acme)}/",
        Role.ADMIN,
        {"role": "lead"},
        foreign=lambda globex: f"members/{globex.memberships.first().pk}/",
    ),
    Case(
        "member",
        "delete",
        lambda acme: f"members/{_mia(acme)}/",
        Role.ADMIN,
        foreign=lambda globex: f"members/{globex.memberships.first().pk}/",
    ),
    Case("periods", "get", lambda acme: "periods/", Role.MEMBER),
    Case(
        "periods",
        "post",
        lambda acme: "periods/",
        Role.EXECUTIVE,
        {"name": "Q1 2027", "start_date": "2027-01-01", "end_date": "2027-03-31"},
    ),
    Case(
        "period",
        "get",
        lambda acme: f"periods/{PeriodFactory(workspace=acme.workspace).pk}/",
        Role.MEMBER,
        foreign=lambda globex: f"periods/{PeriodFactory(workspace=globex).pk}/",
    ),
    Case(
        "smart-check",
        "post",
        lambda acme: "smart-check/",
        Role.MEMBER,
        {"title": "Grow revenue by 10%"},
    ),
]
