"""The conflict register's pages: who sees and does what, bad input, and query counts."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from conflicts import decisions, services
from conflicts.models import Conflict
from tests.factories import KPIFactory, MeasurementFactory, member


def _url(name: str, *args) -> str:
    return reverse(name, args=["acme", *args])


def test_the_list_shows_conflicts_and_filters_them(acme, as_user, conflict):
    client = as_user(acme.mia)
    response = client.get(_url("conflict_list"))
    assert response.status_code == 200
    assert "Launch budget" in response.text
    response = client.get(_url("conflict_list"), {"status": "decided"})
    assert "Launch budget" not in response.text
    assert "No conflicts match these filters" in response.text
    response = client.get(_url("conflict_list"), {"department": acme.marketing.pk})
    assert "Launch budget" not in response.text


def test_the_empty_list_says_what_to_do(acme, as_user):
    response = as_user(acme.mia).get(_url("conflict_list"))
    assert "No conflicts yet" in response.text


def test_an_outsider_and_a_guest_get_404(acme, as_user, oscar, conflict):
    assert as_user(oscar).get(_url("conflict_detail", conflict.pk)).status_code == 404
    assert as_user(acme.gus).get(_url("conflict_detail", conflict.pk)).status_code == 404
    assert as_user(acme.gus).get(_url("conflict_list")).status_code == 404


def test_raising_from_the_form(acme, as_user):
    response = as_user(acme.mia).post(
        _url("conflict_create"),
        {
            "title": "Launch timing",
            "kind": "timeline",
            "at_stake": "The launch date",
            "raised_by_department": acme.sales.pk,
            "departments": [acme.marketing.pk],
            "decide_by": (acme.workspace.today() + dt.timedelta(days=5)).isoformat(),
        },
    )
    conflict = Conflict.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("conflict_detail", conflict.pk)


def test_a_conflict_with_one_department_gets_a_clear_message(acme, as_user):
    response = as_user(acme.mia).post(
        _url("conflict_create"),
        {
            "title": "Alone",
            "kind": "other",
            "at_stake": "x",
            "raised_by_department": acme.sales.pk,
            "departments": [acme.sales.pk],
            "decide_by": (acme.workspace.today() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Name at least one other department" in response.text
    assert not Conflict.objects.exists()


def test_a_side_states_its_position_the_other_side_may_not(acme, as_user, conflict):
    url = _url("position_edit", conflict.pk, acme.product.pk)
    assert as_user(acme.mia).get(url).status_code == 403
    client = as_user(acme.leo)
    assert client.post(url, {"wants": "", "why": ""}).status_code == 400
    response = client.post(url, {"wants": "The budget", "why": "The launch", "would_trade": ""})
    assert response.status_code == 302
    page = client.get(_url("conflict_detail", conflict.pk))
    assert "The budget" in page.text


def test_a_member_without_the_right_may_not_decide(acme, as_user, conflict):
    assert as_user(acme.mia).get(_url("conflict_decide", conflict.pk)).status_code == 403
    assert as_user(acme.leo).post(_url("facilitator_name", conflict.pk)).status_code == 403


def test_naming_a_facilitator_from_a_side_is_refused_with_a_message(acme, as_user, conflict):
    client = as_user(acme.ada)
    response = client.post(
        _url("facilitator_name", conflict.pk), {"facilitator": acme.leo.pk}, follow=True
    )
    assert "none of the involved departments" in response.text
    conflict.refresh_from_db()
    assert conflict.facilitator is None


def test_deciding_from_the_page_needs_each_trade_off(acme, as_user, facilitated):
    client = as_user(acme.ada)
    url = _url("conflict_decide", facilitated.pk)
    data = {"title": "Split it", "rationale": "Both matter", f"trade_off_{acme.sales.pk}": "Less"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Say what Product accepts" in response.text
    response = client.post(url, {**data, f"trade_off_{acme.product.pk}": "Later"})
    assert response.status_code == 302
    page = client.get(_url("conflict_detail", facilitated.pk))
    assert "Split it" in page.text
    assert "The evidence it rested on" in page.text


def _grow(acme, conflict, count: int) -> None:
    leo = member(acme.leo)
    position = services.position_state(
        membership=leo, conflict=conflict, department=acme.product, wants="B", why="L"
    )
    for _ in range(count):
        kpi = KPIFactory(workspace=acme.workspace)
        MeasurementFactory(kpi=kpi, value=Decimal("5"))
        services.evidence_add(membership=leo, position=position, kpi=kpi)


def test_the_conflict_page_makes_the_same_queries_as_evidence_grows(
    acme, as_user, facilitated, count_queries
):
    client = as_user(acme.leo)
    url = _url("conflict_detail", facilitated.pk)
    _grow(acme, facilitated, 1)
    small = count_queries(client, url)
    _grow(acme, facilitated, 6)
    assert count_queries(client, url) == small


def test_the_decided_page_makes_the_same_queries_as_the_snapshot_grows(
    acme, as_user, count_queries
):
    client = as_user(acme.leo)
    counts = []
    for size in (1, 6):
        conflict = services.conflict_raise(
            membership=member(acme.mia),
            title="Budget",
            kind="resources",
            at_stake="x",
            raised_by_department=acme.sales,
            departments=[acme.product],
            decide_by=acme.workspace.today() + dt.timedelta(days=3),
        )
        _grow(acme, conflict, size)
        decisions.conflict_decide(
            membership=member(acme.ada),
            conflict=conflict,
            title="Split",
            rationale="Both",
            trade_offs={acme.sales.pk: "a", acme.product.pk: "b"},
        )
        counts.append(count_queries(client, _url("conflict_detail", conflict.pk)))
    assert counts[0] == counts[1]


def test_the_list_makes_the_same_queries_as_conflicts_grow(acme, as_user, count_queries):
    client = as_user(acme.mia)
    url = _url("conflict_list")

    def grow(count: int) -> None:
        for _ in range(count):
            services.conflict_raise(
                membership=member(acme.mia),
                title="Budget",
                kind="resources",
                at_stake="x",
                raised_by_department=acme.sales,
                departments=[acme.product, acme.marketing],
                decide_by=acme.workspace.today() + dt.timedelta(days=3),
            )

    grow(1)
    small = count_queries(client, url)
    grow(8)
    assert count_queries(client, url) == small
