"""Query counts of the KPI pages: within budget (12 per page, 6 per HTMX partial) and the
same whether the workspace has 10 or 50 KPIs, measurements and goals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Measurement
from tests.factories import GoalFactory, KPIFactory

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 12
PARTIAL_BUDGET = 6
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def _grow(acme, kpis: int, measurements: int, goals: int) -> list:
    """``kpis`` KPIs (every other one shared), each with ``measurements`` values and driving
    ``goals`` goals."""
    made = [
        KPIFactory(
            workspace=acme.workspace,
            name=f"KPI {len(acme.workspace.kpis.all())}",
            owner_departments=[acme.product, acme.sales] if i % 2 else [acme.product],
        )
        for i in range(kpis)
    ]
    start = dt.date(2025, 1, 1)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, date=start + dt.timedelta(days=d), value=Decimal(100 + d % 70))
        for kpi in made
        for d in range(measurements)
    )
    for _ in range(goals):
        GoalFactory(workspace=acme.workspace, kpi=made[0], owner_departments=[acme.product])
    return made


def _both(acme, count_queries, client, make_url, **extra):
    """The query count of the page for a small workspace, and after it grew fivefold."""
    first = _grow(acme, 10, 10, 2)[0]
    small = count_queries(client, make_url(first), **extra)
    grown = _grow(acme, 40, 50, 8)[0]
    large = count_queries(client, make_url(grown), **extra)
    return small, large


@pytest.mark.parametrize(
    ("name", "person", "budget", "extra"),
    [
        ("kpi_list", "mia", PAGE_BUDGET, {}),
        ("kpi_panel", "mia", PARTIAL_BUDGET, HTMX),
        ("kpi_create", "claire", PAGE_BUDGET, {}),
    ],
)
def test_workspace_pages_query_count_is_constant(
    acme, as_user, count_queries, name, person, budget, extra
):
    client = as_user(getattr(acme, person))
    small, large = _both(acme, count_queries, client, lambda kpi: url(name), **extra)
    assert small == large
    assert large.count <= budget, large


@pytest.mark.parametrize(
    ("name", "person", "budget", "extra"),
    [
        ("kpi_detail", "claire", PAGE_BUDGET, {}),
        ("kpi_detail", "leo", PAGE_BUDGET, {}),
        ("kpi_detail", "mia", PAGE_BUDGET, {}),
        ("kpi_detail", "leo", PARTIAL_BUDGET, {"HTTP_HX_TARGET": "measurement-table", **HTMX}),
        ("kpi_detail", "mia", PARTIAL_BUDGET, {"HTTP_HX_TARGET": "kpi-goals", **HTMX}),
        ("kpi_edit", "claire", PAGE_BUDGET, {}),
        ("measurement_paste", "leo", PAGE_BUDGET, {}),
    ],
    ids=["detail-executive", "detail-lead", "detail-member", "table", "goals", "edit", "paste"],
)
def test_kpi_pages_query_count_is_constant(
    acme, as_user, count_queries, name, person, budget, extra
):
    client = as_user(getattr(acme, person))
    small, large = _both(acme, count_queries, client, lambda kpi: url(name, pk=kpi.pk), **extra)
    assert small == large
    assert large.count <= budget, large


def test_paste_preview_query_count_does_not_grow_with_the_lines(acme, as_user, count_queries):
    kpi = _grow(acme, 1, 0, 0)[0]
    client = as_user(acme.leo)

    def lines(count: int) -> dict:
        days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(count)]
        return {"text": "\n".join(f"{day}\t{i}" for i, day in enumerate(days)), "action": "preview"}

    target = url("measurement_paste", pk=kpi.pk)
    small = count_queries(client, target, method="post", data=lines(10))
    large = count_queries(client, target, method="post", data=lines(500))
    assert small == large
    assert large.count <= PAGE_BUDGET, large


def _write_queries(client, target: str, data: dict, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(target, data, **extra)
    assert response.status_code in (200, 302), response
    return len(queries)


def test_writes_query_count_does_not_grow_with_the_data(acme, as_user):
    """Recording, pasting and deleting cost the same with 10 or 50 values on the KPI (and
    with 10 or 500 pasted lines)."""
    client = as_user(acme.claire)
    client.get(url("kpi_list"))
    counts = {}
    for size, lines in ((10, 10), (50, 500)):
        kpi = _grow(acme, 1, size, 1)[0]
        Measurement.objects.filter(kpi=kpi).update(created_by=acme.leo)
        add = _write_queries(
            client, url("measurement_add", pk=kpi.pk), {"date": "2026-06-01", "value": "1"}, **HTMX
        )
        days = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(lines)]
        text = "\n".join(f"{day}\t{i}" for i, day in enumerate(days))
        paste = _write_queries(
            client, url("measurement_paste", pk=kpi.pk), {"text": text, "action": "import"}
        )
        delete = _write_queries(
            client,
            url("measurement_delete", pk=kpi.pk, measurement_pk=kpi.measurements.first().pk),
            {},
            **HTMX,
        )
        counts[size] = (add, paste, delete)
    assert counts[10] == counts[50]
