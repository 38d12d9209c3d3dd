"""Every chart has a text alternative a screen reader reaches: its canvas is an image with a
summary for a name, and a "Show the figures" table under it holds the values it draws
(templates/includes/chart_figures.html); a sparkline's name lists its values."""

import datetime as dt
import html as markup
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from conflicts import services as conflict_services
from goals.models import Goal
from tests.factories import GoalFactory, KPIFactory, MeasurementFactory, member

pytestmark = pytest.mark.django_db

VALUES = [Decimal("140"), Decimal("132.5"), Decimal("1250"), Decimal("98")]


def url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def figures(html: str, figures_id: str) -> tuple[str, list[tuple[str, str]]]:
    """The sentence above a chart's figures table, and the table's rows."""
    opening = f'<details class="chart-figures" id="{figures_id}">'
    found = re.search(rf"{opening}(.*?)</details>", html, re.S)
    assert found, f"no figures table {figures_id}"
    block = found[1]
    lines = re.search(r'<p class="mt-2 mb-0">(.*?)</p>', block)
    rows = re.findall(r'<tr><td>([^<]*)</td><td class="text-end">([^<]*)</td></tr>', block)
    return (markup.unescape(lines[1]) if lines else ""), rows


@pytest.fixture
def kpi(acme):
    kpi = KPIFactory(
        workspace=acme.workspace,
        name="Cost per lead",
        unit="EUR",
        owner_departments=[acme.marketing],
    )
    for week, value in enumerate(VALUES):
        MeasurementFactory(
            kpi=kpi, date=dt.date(2026, 9, 1) + dt.timedelta(weeks=week), value=value
        )
    return kpi


EXPECTED = [
    ("2026-09-01", "140"),
    ("2026-09-08", "132.5"),
    ("2026-09-15", "1250"),
    ("2026-09-22", "98"),
]


def test_the_kpi_chart_has_its_figures_and_a_summary(acme, kpi, as_user):
    html = as_user(acme.mia).get(url("kpi_detail", pk=kpi.pk)).content.decode()
    lines, rows = figures(html, "kpi-figures")
    assert rows == EXPECTED
    assert lines == (
        "Lines across the chart: the green threshold 100 EUR, the red threshold 150 EUR."
    )
    assert '<th scope="col" class="text-end">Cost per lead (EUR)</th>' in html
    assert (
        'role="img" aria-label="Trend of Cost per lead: 4 values from 2026-09-01 to 2026-09-22, '
        "latest 98 EUR. Its figures are under “Show the figures”." in html
    )


def test_the_goal_chart_has_its_figures_and_its_flat_lines_in_words(acme, kpi, as_user):
    goal = GoalFactory(
        workspace=acme.workspace,
        title="Cut the cost per lead",
        kpi=kpi,
        unit="EUR",
        baseline=Decimal("140"),
        target=Decimal("90"),
        direction="decrease",
        owner_departments=[acme.marketing],
        status=Goal.Status.ON_TRACK,
    )
    html = as_user(acme.mia).get(url("goal_detail", pk=goal.pk)).content.decode()
    lines, rows = figures(html, "goal-figures")
    assert rows == EXPECTED
    assert lines == (
        "Lines across the chart: the goal's baseline 140 EUR, the goal's target 90 EUR, "
        "the green threshold 100 EUR, the red threshold 150 EUR."
    )
    assert 'aria-label="Trend of Cost per lead: 4 values from 2026-09-01 to 2026-09-22' in html


def test_a_conflicts_evidence_chart_has_its_figures(acme, kpi, as_user):
    conflict = conflict_services.conflict_raise(
        membership=member(acme.claire),
        title="Launch budget",
        kind="resources",
        at_stake="Who gets the launch budget.",
        raised_by_department=acme.marketing,
        departments=[acme.product],
        decide_by=acme.workspace.today() + dt.timedelta(days=14),
    )
    position = conflict_services.position_state(
        membership=member(acme.claire),
        conflict=conflict,
        department=acme.marketing,
        wants="Brand budget",
        why="Reach",
    )
    evidence = conflict_services.evidence_add(
        membership=member(acme.claire), position=position, kpi=kpi
    )
    html = as_user(acme.claire).get(url("conflict_detail", pk=conflict.pk)).content.decode()
    chart_id = re.search(rf'data-kpi-chart="([^"]+)"[^>]*aria-label="Trend of {kpi.name}', html)[1]
    assert str(evidence.pk) in chart_id
    _, rows = figures(html, f"{chart_id}-figures")
    assert rows == EXPECTED


def test_the_health_trend_has_its_table(acme, as_user):
    html = as_user(acme.claire).get(url("health")).content.decode()
    assert 'data-kpi-chart="health-trend" role="img"' in html
    assert '<table class="table table-sm mt-2 mb-0 w-auto" id="health-trend-table">' in html


def test_a_sparkline_is_named_by_its_values(acme, kpi, as_user):
    html = as_user(acme.mia).get(url("kpi_list")).content.decode()
    assert (
        'role="img" aria-label="Trend: 4 values from 2026-09-01 to 2026-09-22, lowest 98, '
        'highest 1,250, latest 98. Oldest first: 140; 132.5; 1,250; 98"'
    ) in html
