"""The conflicts API: the register as it reads, its filters and query counts, raising a
conflict, naming its facilitator and moving it on, each with its refusals (nothing written)."""

import datetime as dt

import pytest
from django.urls import reverse

from conflicts import decisions, services
from conflicts.models import Conflict
from core.models import AuditEvent, Notification
from tests.api.conflicts_helpers import BASE, facilitated_by_mia, raise_conflict
from tests.factories import GoalFactory, KPIFactory, member

pytestmark = pytest.mark.django_db

URL = f"{BASE}conflicts/"
# Token, membership, the page count, the conflicts, and one query per related list.
READ_BUDGET = 11


def _body(acme, **changes) -> dict:
    return {
        "title": "Launch budget",
        "kind": "resources",
        "stakes": "Who gets the Q3 launch budget.",
        "departments": [acme.sales.pk, acme.product.pk],
        "decide_by": str(acme.workspace.today() + dt.timedelta(days=14)),
        **changes,
    }


# --- reading -----------------------------------------------------------------------------------


def test_a_conflict_reads_with_its_positions_and_their_evidence(acme, api_as, cac, settings):
    settings.SITE_URL = "https://alignment.test"
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    conflict = raise_conflict(acme, goals=[goal], kpis=[cac])
    position = services.position_state(
        membership=member(acme.mia),
        conflict=conflict,
        department=acme.sales,
        wants="The budget for events.",
        why="Events bring the pipeline.",
    )
    services.evidence_add(membership=member(acme.mia), position=position, kpi=cac)

    body = api_as(acme.mia).get(f"{URL}{conflict.pk}/").json()

    assert body == {
        "id": conflict.pk,
        "title": "Launch budget",
        "kind": "resources",
        "departments": [acme.product.pk, acme.sales.pk],
        "raised_by": acme.mia.pk,
        "raised_by_department": acme.sales.pk,
        "facilitator": None,
        "status": "open",
        "stakes": "Who gets the Q3 launch budget.",
        "goals": [goal.pk],
        "kpis": [cac.pk],
        "decide_by": str(conflict.decide_by),
        "positions": [
            {
                "department": acme.sales.pk,
                "wants": "The budget for events.",
                "why": "Events bring the pipeline.",
                "would_trade": "",
                "evidence": [cac.pk],
            }
        ],
        "decision": None,
        "trade_offs": [],
        "consulted": [],
        "url": f"https://alignment.test/w/acme/conflicts/{conflict.pk}/",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_the_list_is_the_register_newest_first(acme, api_as):
    first = raise_conflict(acme, title="Launch budget")
    second = raise_conflict(acme, title="Event dates")

    body = api_as(acme.mia).get(URL).json()

    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [second.pk, first.pk]


def test_the_list_filters_by_status_kind_and_department(acme, api_as):
    budget = raise_conflict(acme, title="Launch budget", kind=Conflict.Kind.RESOURCES)
    dates = raise_conflict(acme, title="Event dates", kind=Conflict.Kind.TIMELINE)
    brand = raise_conflict(
        acme,
        by=acme.leo,
        raised_by_department=acme.product,
        departments=[acme.marketing],
        kind=Conflict.Kind.RESOURCES,
    )
    services.conflict_move(
        membership=member(acme.mia), conflict=dates, status=Conflict.Status.WITHDRAWN
    )
    client = api_as(acme.mia)

    def ids(query: str) -> list[int]:
        return [c["id"] for c in client.get(f"{URL}?{query}").json()["results"]]

    assert ids("status=withdrawn") == [dates.pk]
    assert ids("status=open") == [brand.pk, budget.pk]
    assert ids("kind=resources") == [brand.pk, budget.pk]
    assert ids(f"department={acme.marketing.pk}") == [brand.pk]
    assert ids(f"department={acme.sales.pk}&kind=timeline") == [dates.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=pending", "status"), ("kind=money", "kind"), ("department=999999", "department")],
)
def test_a_bad_filter_gets_400(acme, api_as, query, field):
    response = api_as(acme.mia).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_department_of_another_workspace_filters_nothing_but_is_refused(acme, globex, api_as):
    response = api_as(acme.mia).get(f"{URL}?department={globex.departments.first().pk}")
    assert response.status_code == 400
    assert "exists in this workspace" in response.json()["department"][0]


def _grow(acme, size: int) -> Conflict:
    """``size`` more conflicts, each with goals, KPIs, a position with two evidence KPIs, a
    facilitator; every other one decided. Returns the last."""
    conflict = None
    for number in range(size):
        kpis = [KPIFactory(workspace=acme.workspace) for _ in range(2)]
        goals = [GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales])]
        conflict = raise_conflict(acme, title=f"Conflict {number}", goals=goals, kpis=kpis)
        position = services.position_state(
            membership=member(acme.mia),
            conflict=conflict,
            department=acme.sales,
            wants="More",
            why="Because",
        )
        for kpi in kpis:
            services.evidence_add(membership=member(acme.mia), position=position, kpi=kpi)
        services.facilitator_name(
            membership=member(acme.ada), conflict=conflict, facilitator=acme.ada
        )
        if number % 2:
            decisions.conflict_decide(
                membership=member(acme.ada),
                conflict=conflict,
                title="Split",
                rationale="Fair",
                trade_offs={acme.sales.pk: "Less", acme.product.pk: "Later"},
                consulted=[acme.marketing],
            )
    return conflict


@pytest.mark.parametrize(
    "tail",
    ["conflicts/", "conflicts/?status=open", "conflicts/?kind=resources", "conflicts/{last}/"],
)
def test_reads_make_the_same_queries_for_2_or_8_conflicts(acme, api_as, count_queries, tail):
    client = api_as(acme.mia)
    counts = []
    for size in (2, 8):
        last = _grow(acme, size)
        counts.append(count_queries(client, BASE + tail.format(last=last.pk)))
    assert counts[0] == counts[1]
    assert counts[1].count <= READ_BUDGET, counts[1]


# --- raising -----------------------------------------------------------------------------------


def test_a_member_raises_a_conflict_through_the_service(acme, api_as, cac):
    response = api_as(acme.mia).post(URL, _body(acme, kpis=[cac.pk]), format="json")

    assert response.status_code == 201, response.json()
    conflict = Conflict.objects.get()
    assert response.json()["id"] == conflict.pk
    assert response.json()["raised_by_department"] == acme.sales.pk
    assert set(conflict.departments.all()) == {acme.sales, acme.product}
    assert list(conflict.kpis.all()) == [cac]
    assert conflict.at_stake == "Who gets the Q3 launch budget."
    assert AuditEvent.objects.filter(verb="created", target_type="conflict").exists()
    assert Notification.objects.filter(recipient=acme.leo, kind="conflict.raised").exists()


def test_the_raising_department_is_added_when_left_out(acme, api_as):
    body = _body(acme, departments=[acme.product.pk], raised_by_department=acme.sales.pk)

    response = api_as(acme.mia).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert sorted(response.json()["departments"]) == sorted([acme.sales.pk, acme.product.pk])


def test_the_raiser_is_the_first_department_the_caller_speaks_for(acme, api_as):
    body = _body(acme, departments=[acme.marketing.pk, acme.product.pk])

    response = api_as(acme.leo).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["raised_by_department"] == acme.product.pk


def test_an_executive_names_the_facilitator_as_she_raises_it(acme, api_as):
    body = _body(acme, departments=[acme.marketing.pk, acme.sales.pk], facilitator=acme.ada.pk)

    response = api_as(acme.claire).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["facilitator"] == acme.ada.pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"departments": []}, "departments"),
        ({"title": ""}, "title"),
        ({"stakes": ""}, "stakes"),
        ({"kind": "money"}, "kind"),
        ({"decide_by": "2020-01-01"}, "decide_by"),
        ({"decide_by": "soon"}, "decide_by"),
        ({"goals": [999999]}, "goals"),
        ({"kpis": ["x"]}, "kpis"),
    ],
)
def test_bad_input_gets_400_and_nothing_is_written(acme, api_as, changes, field):
    response = api_as(acme.mia).post(URL, _body(acme, **changes), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Conflict.objects.exists()


def test_a_conflict_with_only_one_department_says_so(acme, api_as):
    response = api_as(acme.mia).post(URL, _body(acme, departments=[acme.sales.pk]), format="json")

    assert response.status_code == 400
    assert "at least one other department" in response.json()["departments"][0]
    assert not Conflict.objects.exists()


def test_a_facilitator_from_an_involved_department_writes_nothing(acme, api_as):
    body = _body(acme, departments=[acme.marketing.pk, acme.sales.pk], facilitator=acme.mia.pk)

    response = api_as(acme.claire).post(URL, body, format="json")

    assert response.status_code == 400
    assert "none of the involved departments" in response.json()["facilitator"][0]
    assert not Conflict.objects.exists()
    assert not Notification.objects.exists()


def test_a_department_of_another_workspace_reads_as_unknown(acme, globex, api_as):
    foreign = globex.departments.first()
    body = _body(acme, departments=[acme.sales.pk, foreign.pk])

    response = api_as(acme.mia).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["departments"] == [
        f"Nothing with id {foreign.pk} exists in this workspace."
    ]


def test_raising_for_a_department_one_is_not_in_gets_403(acme, api_as):
    body = _body(acme, departments=[acme.marketing.pk, acme.product.pk])

    response = api_as(acme.mia).post(URL, body, format="json")

    assert response.status_code == 403
    assert not Conflict.objects.exists()


def test_a_member_naming_a_facilitator_gets_403_and_raises_nothing(acme, api_as):
    response = api_as(acme.mia).post(URL, _body(acme, facilitator=acme.ada.pk), format="json")

    assert response.status_code == 403
    assert "executives and admins" in response.json()["detail"]
    assert not Conflict.objects.exists()


# --- the facilitator and the status ------------------------------------------------------------


def test_an_executive_names_the_facilitator(acme, api_as):
    conflict = raise_conflict(acme)

    response = api_as(acme.claire).patch(
        f"{URL}{conflict.pk}/", {"facilitator": acme.ada.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["facilitator"] == acme.ada.pk
    conflict.refresh_from_db()
    assert conflict.facilitator == acme.ada


def test_a_facilitator_from_an_involved_department_is_refused(acme, api_as):
    conflict = raise_conflict(acme)

    response = api_as(acme.ada).patch(
        f"{URL}{conflict.pk}/", {"facilitator": acme.leo.pk}, format="json"
    )

    assert response.status_code == 400
    assert "none of the involved departments" in response.json()["facilitator"][0]
    conflict.refresh_from_db()
    assert conflict.facilitator is None


def test_a_member_naming_the_facilitator_gets_403(acme, api_as):
    conflict = raise_conflict(acme)

    response = api_as(acme.mia).patch(
        f"{URL}{conflict.pk}/", {"facilitator": acme.ada.pk}, format="json"
    )

    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.facilitator is None


def test_the_facilitator_moves_the_conflict_into_discussion(acme, api_as):
    conflict = facilitated_by_mia(acme)

    response = api_as(acme.mia).patch(
        f"{URL}{conflict.pk}/", {"status": "in_discussion"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "in_discussion"
    conflict.refresh_from_db()
    assert conflict.discussed_at is not None


def test_naming_and_moving_at_once_change_both_or_neither(acme, api_as):
    conflict = raise_conflict(acme)
    url = f"{URL}{conflict.pk}/"

    refused = api_as(acme.claire).patch(
        url, {"facilitator": acme.ada.pk, "status": "closed"}, format="json"
    )
    conflict.refresh_from_db()
    assert refused.status_code == 400
    assert "cannot become closed" in refused.json()["status"][0]
    assert conflict.facilitator is None

    both = api_as(acme.claire).patch(
        url, {"facilitator": acme.ada.pk, "status": "in_discussion"}, format="json"
    )
    assert both.status_code == 200
    assert (both.json()["facilitator"], both.json()["status"]) == (acme.ada.pk, "in_discussion")


def test_moving_on_is_for_the_facilitator_or_an_executive(acme, api_as):
    conflict = raise_conflict(acme)

    response = api_as(acme.leo).patch(
        f"{URL}{conflict.pk}/", {"status": "in_discussion"}, format="json"
    )

    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"status": "decided"}, "status"),
        ({"facilitator": 0}, "facilitator"),
    ],
)
def test_a_bad_change_gets_400(acme, api_as, body, field):
    conflict = raise_conflict(acme)

    response = api_as(acme.claire).patch(f"{URL}{conflict.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    conflict.refresh_from_db()
    assert (conflict.status, conflict.facilitator) == (Conflict.Status.OPEN, None)


def test_the_page_and_the_api_refuse_one_department_with_the_same_words(acme, api_as, as_user):
    body = _body(acme, departments=[acme.sales.pk])
    form = {**body, "at_stake": body["stakes"], "raised_by_department": acme.sales.pk}

    page = as_user(acme.mia).post(reverse("conflict_create", kwargs={"ws": "acme"}), form)
    api = api_as(acme.mia).post(URL, body, format="json")

    assert page.status_code == api.status_code == 400
    assert page.context["form"].errors["departments"] == api.json()["departments"]
    assert not Conflict.objects.exists()
