"""The conflicts API's steps: a side states its position and evidence, the facilitator decides
(the decision in the log), the raiser withdraws; each refusal of issue 12 point 11 is a 400 or
403 with a clear message, and nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse

from conflicts import decisions, services
from conflicts.models import Acknowledgement, Conflict, DecisionEvidence, Evidence, Position
from forums.models import Decision
from tests.api.conflicts_helpers import BASE, facilitated_by_mia, raise_conflict
from tests.factories import KPIFactory, MeasurementFactory, member

pytestmark = pytest.mark.django_db


def _url(conflict: Conflict, step: str) -> str:
    return f"{BASE}conflicts/{conflict.pk}/{step}/"


def _position(acme, **changes) -> dict:
    return {
        "department": acme.sales.pk,
        "wants": "The budget for events.",
        "why": "Events bring the pipeline.",
        "would_trade": "A later date.",
        **changes,
    }


def _decision(acme, **changes) -> dict:
    return {
        "title": "Split the budget 60/40",
        "rationale": "The launch needs reach; costs stay capped.",
        "trade_offs": [
            {"department": acme.sales.pk, "trade_off": "Fewer events."},
            {"department": acme.product.pk, "trade_off": "Features wait a sprint."},
        ],
        "review_on": str(acme.workspace.today() + dt.timedelta(days=90)),
        **changes,
    }


@pytest.fixture
def conflict(acme) -> Conflict:
    """Mia (sales) against product; ada facilitates."""
    conflict = raise_conflict(acme)
    return services.facilitator_name(
        membership=member(acme.ada), conflict=conflict, facilitator=acme.ada
    )


# --- positions ---------------------------------------------------------------------------------


def test_a_side_states_its_position_with_evidence(acme, api_as, conflict, cac):
    response = api_as(acme.mia).post(
        _url(conflict, "positions"), _position(acme, evidence=[cac.pk]), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["positions"] == [
        {
            "department": acme.sales.pk,
            "wants": "The budget for events.",
            "why": "Events bring the pipeline.",
            "would_trade": "A later date.",
            "evidence": [cac.pk],
        }
    ]
    position = Position.objects.get()
    assert position.author == acme.mia
    assert [e.kpi for e in position.evidence.all()] == [cac]


def test_stating_it_again_replaces_it_and_its_evidence(acme, api_as, conflict, cac):
    other = KPIFactory(workspace=acme.workspace, name="Pipeline")
    client = api_as(acme.mia)
    client.post(_url(conflict, "positions"), _position(acme, evidence=[cac.pk]), format="json")

    response = client.post(
        _url(conflict, "positions"),
        _position(acme, wants="Half the budget.", evidence=[other.pk]),
        format="json",
    )

    assert response.status_code == 200
    [position] = response.json()["positions"]
    assert (position["wants"], position["evidence"]) == ("Half the budget.", [other.pk])
    assert Position.objects.count() == 1
    assert list(Evidence.objects.values_list("kpi", flat=True)) == [other.pk]


def test_evidence_left_out_keeps_the_evidence_and_an_empty_list_clears_it(
    acme, api_as, conflict, cac
):
    client = api_as(acme.mia)
    client.post(_url(conflict, "positions"), _position(acme, evidence=[cac.pk]), format="json")

    kept = client.post(_url(conflict, "positions"), _position(acme), format="json")
    cleared = client.post(_url(conflict, "positions"), _position(acme, evidence=[]), format="json")

    assert kept.json()["positions"][0]["evidence"] == [cac.pk]
    assert cleared.json()["positions"][0]["evidence"] == []
    assert not Evidence.objects.exists()


def test_a_position_for_a_department_not_involved_is_refused(acme, api_as, conflict):
    response = api_as(acme.claire).post(
        _url(conflict, "positions"), _position(acme, department=acme.marketing.pk), format="json"
    )

    assert response.status_code == 400
    assert response.json()["department"] == ["Marketing is not involved in this conflict."]
    assert not Position.objects.exists()


def test_only_a_sides_members_and_lead_speak_for_it(acme, api_as, conflict):
    response = api_as(acme.leo).post(_url(conflict, "positions"), _position(acme), format="json")

    assert response.status_code == 403
    assert "speak for it" in response.json()["detail"]
    assert not Position.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"wants": ""}, "wants", "Say what your department wants."),
        ({"why": "  "}, "why", "Say why: the other side reads it."),
        ({"department": 999999}, "department", "Nothing with id 999999 exists in this workspace."),
        ({"evidence": "cac"}, "evidence", None),
        ({"evidence": [999999]}, "evidence", "Nothing with id 999999 exists in this workspace."),
    ],
)
def test_a_bad_position_gets_400_with_the_fields_message(
    acme, api_as, conflict, changes, field, message
):
    response = api_as(acme.mia).post(
        _url(conflict, "positions"), _position(acme, **changes), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert not Position.objects.exists()


def test_a_kpi_listed_twice_is_refused(acme, api_as, conflict, cac):
    response = api_as(acme.mia).post(
        _url(conflict, "positions"), _position(acme, evidence=[cac.pk, cac.pk]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["evidence"] == [f"List each KPI once; listed more than once: {cac.pk}."]
    assert not Position.objects.exists()


def test_a_kpi_of_another_workspace_reads_as_unknown(acme, globex, api_as, conflict):
    foreign = KPIFactory(workspace=globex)

    response = api_as(acme.mia).post(
        _url(conflict, "positions"), _position(acme, evidence=[foreign.pk]), format="json"
    )

    assert response.status_code == 400
    assert "exists in this workspace" in response.json()["evidence"][0]
    assert not Position.objects.exists()


def test_no_position_once_decided(acme, api_as, conflict):
    api_as(acme.ada).post(_url(conflict, "decide"), _decision(acme), format="json")

    response = api_as(acme.mia).post(_url(conflict, "positions"), _position(acme), format="json")

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This conflict is decided."]
    assert not Position.objects.exists()


# --- deciding ----------------------------------------------------------------------------------


def test_the_facilitator_decides_and_the_decision_is_in_the_log(acme, api_as, conflict, cac):
    MeasurementFactory(kpi=cac, value=120)
    position = services.position_state(
        membership=member(acme.mia), conflict=conflict, department=acme.sales, wants="A", why="B"
    )
    services.evidence_add(membership=member(acme.mia), position=position, kpi=cac)
    client = api_as(acme.ada)

    response = client.post(
        _url(conflict, "decide"), _decision(acme, consulted=[acme.marketing.pk]), format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    decision = Decision.objects.get()
    assert (body["status"], body["decision"]) == ("decided", decision.pk)
    assert body["consulted"] == [acme.marketing.pk]
    assert {(t["department"], t["trade_off"]) for t in body["trade_offs"]} == {
        (acme.sales.pk, "Fewer events."),
        (acme.product.pk, "Features wait a sprint."),
    }
    assert decision.title == "Split the budget 60/40"
    assert decision.review_on == acme.workspace.today() + dt.timedelta(days=90)
    assert set(decision.departments.all()) == {acme.sales, acme.product}
    assert DecisionEvidence.objects.get().data["values"] == [120.0]
    logged = client.get(f"{BASE}decisions/{decision.pk}/")
    assert logged.status_code == 200


def test_a_member_who_does_not_facilitate_may_not_decide(acme, api_as, conflict):
    response = api_as(acme.mia).post(_url(conflict, "decide"), _decision(acme), format="json")

    assert response.status_code == 403
    assert "facilitator or an executive" in response.json()["detail"]
    assert not Decision.objects.exists()


def test_a_member_who_facilitates_decides(acme, api_as):
    conflict = facilitated_by_mia(acme)
    body = _decision(
        acme,
        trade_offs=[
            {"department": acme.product.pk, "trade_off": "Later."},
            {"department": acme.marketing.pk, "trade_off": "Less."},
        ],
    )

    response = api_as(acme.mia).post(_url(conflict, "decide"), body, format="json")

    assert response.status_code == 200, response.json()
    assert Decision.objects.get().decided_by == acme.mia


@pytest.mark.parametrize("state", ["withdrawn", "decided"])
def test_a_withdrawn_or_decided_conflict_is_not_decided_again(acme, api_as, conflict, state):
    if state == "withdrawn":
        services.conflict_move(
            membership=member(acme.mia), conflict=conflict, status=Conflict.Status.WITHDRAWN
        )
    else:
        decisions.conflict_decide(
            membership=member(acme.ada),
            conflict=conflict,
            title="First",
            rationale="Because",
            trade_offs={acme.sales.pk: "A", acme.product.pk: "B"},
        )

    response = api_as(acme.ada).post(_url(conflict, "decide"), _decision(acme), format="json")

    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        f"This conflict is {state}: it cannot be decided again."
    ]
    assert Decision.objects.count() == (state == "decided")


def _sales_only(acme) -> list[dict]:
    return [{"department": acme.sales.pk, "trade_off": "Fewer events."}]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"review_on": "2020-01-01"}, "review_on", "The review date must be in the future."),
        ({"title": ""}, "title", None),
        ({"rationale": ""}, "rationale", None),
        ({"trade_offs": _sales_only}, "trade_offs", "Say what each side accepted; missing: "),
        ({"trade_offs": "sales"}, "trade_offs", None),
        ({"trade_offs": lambda acme: _sales_only(acme) * 101}, "trade_offs", "no more than 100"),
        ({"consulted": [999999]}, "consulted", None),
    ],
)
def test_a_bad_decision_gets_400_and_nothing_is_written(
    acme, api_as, conflict, changes, field, message
):
    changes = {k: v(acme) if callable(v) else v for k, v in changes.items()}

    response = api_as(acme.ada).post(
        _url(conflict, "decide"), _decision(acme, **changes), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert message in str(response.json()[field])
    assert not Decision.objects.exists()
    assert not Acknowledgement.objects.exists()
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


def test_a_trade_off_for_a_department_not_a_side_is_refused(acme, api_as, conflict):
    trade_offs = [
        *_decision(acme)["trade_offs"],
        {"department": acme.marketing.pk, "trade_off": "Nothing."},
    ]

    response = api_as(acme.ada).post(
        _url(conflict, "decide"), _decision(acme, trade_offs=trade_offs), format="json"
    )

    assert response.status_code == 400
    assert response.json()["trade_offs"] == [
        "Only the sides of the conflict accept a trade-off; not a side: Marketing."
    ]
    assert not Decision.objects.exists()


def test_a_department_listed_twice_in_the_trade_offs_is_refused(acme, api_as, conflict):
    trade_offs = [*_decision(acme)["trade_offs"], _sales_only(acme)[0]]

    response = api_as(acme.ada).post(
        _url(conflict, "decide"), _decision(acme, trade_offs=trade_offs), format="json"
    )

    assert response.status_code == 400
    assert response.json()["trade_offs"] == ["Sales is listed more than once."]


def test_a_side_is_not_consulted(acme, api_as, conflict):
    response = api_as(acme.ada).post(
        _url(conflict, "decide"), _decision(acme, consulted=[acme.sales.pk]), format="json"
    )

    assert response.status_code == 400
    assert "not Sales" in response.json()["consulted"][0]
    assert not Decision.objects.exists()


# --- withdrawing -------------------------------------------------------------------------------


def test_the_raiser_withdraws_the_conflict(acme, api_as, conflict):
    response = api_as(acme.mia).post(_url(conflict, "withdraw"))

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None


def test_the_other_side_does_not_withdraw_it(acme, api_as, conflict):
    response = api_as(acme.leo).post(_url(conflict, "withdraw"))

    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN


def test_a_decided_conflict_is_not_withdrawn(acme, api_as, conflict):
    api_as(acme.ada).post(_url(conflict, "decide"), _decision(acme), format="json")

    response = api_as(acme.mia).post(_url(conflict, "withdraw"))

    assert response.status_code == 400
    assert response.json()["status"] == ["A conflict decided cannot become withdrawn."]
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.DECIDED


def test_a_position_makes_the_same_queries_whatever_the_register_holds(
    acme, api_as, conflict, count_queries, cac
):
    """Stating a position (counted the second time, when it replaces the first) reads only its
    own conflict."""
    counts = []
    for size in (2, 8):
        for _ in range(size):
            raise_conflict(acme)
        fresh = raise_conflict(acme)
        client = api_as(acme.mia)
        counts.append(
            count_queries(
                client,
                f"{BASE}conflicts/{fresh.pk}/positions/",
                method="post",
                data=_position(acme, evidence=[cac.pk]),
                format="json",
            )
        )
    assert counts[0] == counts[1]


def test_the_page_and_the_api_refuse_a_past_review_date_with_the_same_words(
    acme, api_as, as_user, conflict
):
    body = _decision(acme, review_on="2020-01-01")
    form = {
        "title": body["title"],
        "rationale": body["rationale"],
        "review_on": body["review_on"],
        **{f"trade_off_{t['department']}": t["trade_off"] for t in body["trade_offs"]},
    }
    url = reverse("conflict_decide", kwargs={"ws": "acme", "pk": conflict.pk})

    page = as_user(acme.ada).post(url, form)
    api = api_as(acme.ada).post(_url(conflict, "decide"), body, format="json")

    assert page.status_code == api.status_code == 400
    assert page.context["form"].errors["review_on"] == api.json()["review_on"]
    assert not Decision.objects.exists()
