"""Helpers of the KPI and measurement tests: base URL, stored values, audit events, rows, SQL."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import freshness
from core.models import AuditEvent
from goals.models import KPI, Measurement

ACME = "/api/v1/workspaces/acme"


def _values(kpi: KPI) -> dict[str, str]:
    """The KPI's stored values as {date: value}."""
    return {
        f"{m.date:%Y-%m-%d}": f"{m.value.normalize():f}"
        for m in Measurement.objects.filter(kpi=kpi).order_by("date")
    }


def _events(kpi: KPI, verb: str):
    return AuditEvent.objects.filter(target_type="kpi", target_id=kpi.pk, verb=verb)


def _rows(count: int, start: dt.date = dt.date(2000, 1, 1), value: str = "1.5") -> list[dict]:
    return [
        {"date": f"{start + dt.timedelta(days=n):%Y-%m-%d}", "value": value} for n in range(count)
    ]


def _queries(client, method: str, url: str, data=None) -> tuple[object, list[str]]:
    """The response and the SQL of one request (each statement cut to 200 characters)."""
    with CaptureQueriesContext(connection) as ctx, freshness.uncached():
        response = getattr(client, method)(url, data, format="json")
    return response, [q["sql"][:200] for q in ctx.captured_queries]
