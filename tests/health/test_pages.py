"""The health pages: what they show, bad input, and query counts that stay put as the
workspace grows."""

import re

import pytest
from django.urls import reverse

from checkins.models import Ask
from health import figures as health_figures_module
from health.views import PANEL_MATRIX_MAX
from tests.factories import CheckInFactory, DepartmentFactory, GoalFactory, KPIFactory
from tests.health.conftest import TODAY


@pytest.fixture(autouse=True)
def _on_the_fixture_date(monkeypatch):
    """The pages compute as of the hand-made workspace's Monday 7 December 2026."""
    real = health_figures_module.health_figures
    monkeypatch.setattr(
        "health.views.health_figures",
        lambda *, workspace, today=None: real(workspace=workspace, today=TODAY),
    )


def _url(name: str, *args) -> str:
    return reverse(name, args=["acme", *args])


def test_the_health_page_shows_the_matrix_table_trend_and_score(handmade, as_user):
    acme = handmade.acme
    response = as_user(acme.mia).get(_url("health"))
    assert response.status_code == 200
    text = response.text
    assert 'id="health-overall">50 (strained)<' in text
    # Marketing-operations is weak, explained on focus, and links to the pair.
    pair_url = _url("health_pair", acme.marketing.pk, acme.operations.pk)
    tip = f"cell-{acme.marketing.pk}-{acme.operations.pk}-tip"
    assert f'href="{pair_url}" aria-describedby="{tip}"' in text
    assert f'id="{tip}" class="health-tip">Marketing and Operations: Score 19 of 100, weak' in text
    assert "1 open conflict" in text
    assert 'class="health-cell health-weak"' in text
    assert 'class="health-cell health-none"' in text  # pairs with no data
    assert "Weakest pair:" in text
    # The trend's data table and the per-department table.
    assert "<td>30 Nov 2026</td><td>50</td>" in text
    assert "<td>21 Sep 2026</td><td>50</td>" in text
    assert "How the score is made" in text
    assert "no data" in text


def test_the_pair_page_lists_the_figures_and_what_they_rest_on(handmade, as_user):
    acme = handmade.acme
    response = as_user(acme.mia).get(_url("health_pair", acme.marketing.pk, acme.operations.pk))
    assert response.status_code == 200
    text = response.text
    assert "Score 19 · Weak" in text
    assert "G2 shared" in text
    assert '<th scope="row" class="fw-normal">Open conflicts</th><td>1</td>' in text
    assert "Operations → Marketing" in text  # A2
    assert "Budget" in text  # the conflicts
    assert "1 of 5" in text
    assert "2 of 5" in text
    # Mia is no executive nor a lead of either: no comments for her.
    assert "comments are for executives" in text


def test_the_pair_page_of_a_department_with_itself_or_of_another_workspace_is_404(
    handmade, as_user, globex
):
    acme = handmade.acme
    client = as_user(acme.mia)
    assert client.get(_url("health_pair", acme.marketing.pk, acme.marketing.pk)).status_code == 404
    other = globex.departments.first()
    assert client.get(_url("health_pair", acme.marketing.pk, other.pk)).status_code == 404


def test_the_dashboard_loads_the_panel_with_the_weakest_pair(handmade, as_user):
    acme = handmade.acme
    client = as_user(acme.mia)
    dashboard = client.get(reverse("dashboard", args=["acme"])).text
    assert f'hx-get="{_url("health_panel")}"' in dashboard
    panel = client.get(_url("health_panel")).text
    assert "Weakest pair:" in panel
    assert "Marketing and Operations</a>, score 19 (weak)" in panel
    assert 'id="health-matrix"' in panel
    # The panel's colours are explained there, as on the health page.
    assert 'aria-label="What the colours mean"' in panel
    assert "Strained (40–59)" in panel


def test_past_eight_departments_the_panel_counts_bands_and_lists_the_weakest_pairs(
    handmade, as_user
):
    """A matrix of nine or more departments does not fit half a dashboard: the panel sums it
    up (pairs per band, the weakest pairs first) and the health page keeps the matrix."""
    acme = handmade.acme
    existing = acme.workspace.departments.count()
    DepartmentFactory.create_batch(PANEL_MATRIX_MAX + 1 - existing, workspace=acme.workspace)
    panel = as_user(acme.mia).get(_url("health_panel")).text
    assert 'id="health-matrix"' not in panel
    departments = PANEL_MATRIX_MAX + 1
    pairs = departments * (departments - 1) // 2
    counts = re.findall(r"</span> [A-Z][a-z ]+: <strong>(\d+)</strong>", panel)
    assert len(counts) == 5
    assert sum(map(int, counts)) == pairs
    weakest = panel[panel.index('id="health-weakest-pairs"') :]
    pair_url = _url("health_pair", acme.marketing.pk, acme.operations.pk)
    first = weakest.split("<li>")[1]
    assert first == f'<a href="{pair_url}">Marketing and Operations</a>, score 19 (weak)</li>'
    assert 'id="health-matrix"' in as_user(acme.mia).get(_url("health")).text


def test_without_javascript_the_dashboard_links_to_the_health_page(handmade, as_user):
    """The panel's div holds a link to the health page until htmx swaps the panel in."""
    dashboard = as_user(handmade.acme.mia).get(reverse("dashboard", args=["acme"])).text
    start = dashboard.index('id="health-panel"')
    panel = dashboard[start : dashboard.index("\n</div>", start)]  # to the end of its row
    assert f'href="{_url("health")}"' in panel


def test_overlaps_and_gaps(acme, as_user):
    cac = KPIFactory(workspace=acme.workspace, name="Customer acquisition cost")
    KPIFactory(workspace=acme.workspace, name="Net promoter score")  # drives no goal
    GoalFactory(
        workspace=acme.workspace,
        title="Cut CAC",
        kpi=cac,
        metric="CAC",
        owner_departments=[acme.marketing],
    )
    parent = GoalFactory(
        workspace=acme.workspace,
        title="Sales CAC",
        kpi=cac,
        metric="CAC",
        owner_departments=[acme.sales],
    )
    # A step of the sales goal aims at the same KPI: linked, not an overlap.
    GoalFactory(
        workspace=acme.workspace,
        title="Step CAC",
        kpi=cac,
        metric="CAC",
        parent=parent,
        owner_departments=[acme.operations],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="More leads",
        metric="Qualified leads",
        owner_departments=[acme.product],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Leads too",
        metric=" qualified LEADS",
        owner_departments=[acme.operations],
    )
    Ask.objects.create(
        workspace=acme.workspace,
        goal=parent,
        from_department=acme.sales,
        to_department=acme.product,
        text="Help",
        due_on=TODAY,
    )
    text = as_user(acme.mia).get(_url("health")).text
    overlaps = text.split('id="overlap-list">')[1].split("</ul>")[0].split("<li>")[1:]
    # Marketing's and sales' goals overlap, and so does marketing's with the sales step
    # (operations owns it); the step and its parent are linked; the two leads goals overlap.
    assert len(overlaps) == 3
    assert "Cut CAC</a> and <a" in overlaps[0]
    assert "Sales CAC" in overlaps[0]
    assert "both aim at the KPI Customer acquisition cost" in overlaps[0]
    assert "Step CAC" in overlaps[1]
    assert "both aim at the metric “Qualified leads”" in overlaps[2]
    assert "Net promoter score</a>" in text
    assert "Product and Sales</a> ask things of each other but share no active goal" in text


def _grow(handmade, count: int) -> None:
    acme = handmade.acme
    for _ in range(count):
        goal = GoalFactory(
            workspace=acme.workspace,
            owner_departments=[acme.sales, acme.operations],
            contributing_departments=[acme.product],
            parent=handmade.goals["g1"],
            kpi=KPIFactory(workspace=acme.workspace),
        )
        CheckInFactory(cycle=handmade.cycles[1], goal=goal)


@pytest.mark.parametrize("name", ["health", "health_panel"])
def test_the_query_count_stays_put_as_the_workspace_grows(handmade, as_user, count_queries, name):
    client = as_user(handmade.acme.mia)
    before = count_queries(client, _url(name))
    _grow(handmade, 4)
    assert count_queries(client, _url(name)) == before


def test_the_pair_page_query_count_stays_put(handmade, as_user, count_queries):
    acme = handmade.acme
    client = as_user(acme.claire)
    url = _url("health_pair", acme.sales.pk, acme.operations.pk)
    _grow(handmade, 1)  # a shared goal to list: with none, that list takes no query
    before = count_queries(client, url)
    _grow(handmade, 4)
    assert count_queries(client, url) == before


def test_many_goals_on_one_metric_list_the_first_overlaps_and_say_there_are_more(
    acme, as_user, monkeypatch
):
    monkeypatch.setattr("health.selectors.OVERLAPS_SHOWN", 3)
    monkeypatch.setattr("health.selectors.IDLE_KPIS_SHOWN", 1)
    KPIFactory(workspace=acme.workspace, name="Idle one")
    KPIFactory(workspace=acme.workspace, name="Idle two")
    for index, department in enumerate([acme.marketing, acme.sales, acme.product] * 3):
        GoalFactory(
            workspace=acme.workspace,
            title=f"Revenue goal {index}",
            metric="Revenue",
            owner_departments=[department],
        )
    page = as_user(acme.mia).get(_url("health")).content.decode()
    listed = page.split('id="overlap-list"')[1].split("</ul>")[0]
    # Goals 0, 1 and 2 belong to three departments: goal 0's overlaps come first, in order.
    assert listed.count("<li>") == 3
    assert listed.index("Revenue goal 1<") < listed.index("Revenue goal 2<")
    assert 'id="more-overlaps"' in page
    assert "And 1 more" in page
