"""The KPI histories the SMART check's Achievable letter reads."""

import datetime as dt
from decimal import Decimal

import pytest

from goals.smart_drafts import HISTORY_LENGTH, kpi_histories, kpi_history
from tests.factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def _measured(workspace, values: list[int]):
    kpi = KPIFactory(workspace=workspace, green_threshold=None, red_threshold=None)
    start = dt.date(2026, 1, 1)
    for day, value in enumerate(values):
        MeasurementFactory(kpi=kpi, date=start + dt.timedelta(days=day), value=Decimal(value))
    return kpi


def test_histories_of_many_kpis_match_each_ones_history_in_one_query(
    acme, globex, django_assert_num_queries
):
    long = _measured(acme.workspace, list(range(HISTORY_LENGTH + 8)))
    short = _measured(acme.workspace, [5, 3, 4])
    empty = _measured(acme.workspace, [])
    foreign = _measured(globex, [1, 2])

    with django_assert_num_queries(1):
        histories = kpi_histories(
            workspace=acme.workspace, kpi_ids=[long.pk, short.pk, empty.pk, foreign.pk]
        )

    for kpi in (long, short, empty):
        assert histories[kpi.pk] == kpi_history(workspace=acme.workspace, kpi_id=kpi.pk)
    assert histories[long.pk] == [Decimal(v) for v in range(8, HISTORY_LENGTH + 8)]
    assert histories[short.pk] == [Decimal(5), Decimal(3), Decimal(4)]
    assert histories[foreign.pk] == []


def test_no_kpis_need_no_query(acme, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert kpi_histories(workspace=acme.workspace, kpi_ids=[]) == {}
