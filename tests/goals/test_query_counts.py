"""Every goal page's query count: the same at 10 and at 500 goals, and within the budget
(docs/quality.md: 12 per full page, 6 per HTMX partial)."""

import pytest
from django.urls import reverse

FULL_PAGE = 12
PARTIAL = 6

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _counts(portfolio, count_queries, client, url_for, **request):
    small = portfolio(10)
    first = count_queries(client, url_for(small), **request)
    portfolio(490)
    second = count_queries(client, url_for(small), **request)
    return first, second


def _url(name, query=lambda data: ""):
    return lambda data: reverse(name, kwargs={"ws": "acme"}) + query(data)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("dashboard", None),
        ("goal_list", None),
        ("goal_list", lambda data: f"?shared=on&status=open&period={data.period.pk}&q=leads"),
        ("goal_create", None),
        ("goal_create", lambda data: f"?parent={data.top.pk}"),
        ("goal_carry_over", lambda data: f"?from_period={data.period.pk}"),
        ("alignment_tree", None),
        ("priorities", None),
        ("retrospectives", lambda data: "?q=sync"),
    ],
)
def test_full_page_queries_stay_constant_and_in_budget(
    name, query, acme, as_user, portfolio, count_queries
):
    client = as_user(acme.claire)
    url = _url(name, query) if query else _url(name)
    small, large = _counts(portfolio, count_queries, client, url)
    assert small == large
    assert large.count <= FULL_PAGE, large


@pytest.mark.parametrize("user", ["claire", "leo"])
@pytest.mark.parametrize("name", ["goal_detail", "goal_edit", "goal_close"])
def test_goal_page_queries_stay_constant_and_in_budget(
    name, user, acme, as_user, portfolio, count_queries
):
    client = as_user(getattr(acme, user))

    def url(data):
        goal = data.top if user == "claire" else data.step
        return reverse(name, kwargs={"ws": "acme", "pk": goal.pk})

    small, large = _counts(portfolio, count_queries, client, url)
    assert small == large
    assert large.count <= FULL_PAGE, large


def test_goal_list_results_partial_queries(acme, as_user, portfolio, count_queries):
    client = as_user(acme.mia)
    small, large = _counts(
        portfolio,
        count_queries,
        client,
        _url("goal_list", lambda data: "?shared=on&q=leads"),
        **HTMX,
        HTTP_HX_TARGET="goal-results",
    )
    assert small == large
    assert large.count <= PARTIAL, large


def test_lessons_results_partial_queries(acme, as_user, portfolio, count_queries):
    client = as_user(acme.mia)
    small, large = _counts(
        portfolio,
        count_queries,
        client,
        _url("retrospectives", lambda data: "?q=syncs"),
        **HTMX,
        HTTP_HX_TARGET="lesson-results",
    )
    assert small == large
    assert large.count <= PARTIAL, large


def test_smart_coach_queries(acme, as_user, portfolio, count_queries):
    client = as_user(acme.claire)
    url = reverse("goal_smart_check", kwargs={"ws": "acme"})
    data = portfolio(10)
    draft = {"title": "Increase sign-ups by 20%", "period": data.period.pk, "kpi": data.kpi.pk}
    small = count_queries(client, url, method="post", data=draft, **HTMX)
    portfolio(490)
    large = count_queries(client, url, method="post", data=draft, **HTMX)
    assert small == large
    assert large.count <= PARTIAL, large


def test_priority_move_queries(acme, as_user, portfolio, count_queries):
    """A write: lock and read the list, one UPDATE, one audit row, the owners for the chips.
    The test's transaction adds a SAVEPOINT and its RELEASE (BEGIN/COMMIT when served)."""
    client = as_user(acme.claire)
    url = reverse("priority_move", kwargs={"ws": "acme"})
    data = portfolio(10)
    move = {"goal": data.goals[0].pk, "direction": "down"}
    small = count_queries(client, url, method="post", data=move, **HTMX)
    portfolio(490)
    large = count_queries(client, url, method="post", data=move, **HTMX)
    assert small == large
    served = [sql for sql in large.sql if "SAVEPOINT" not in sql]
    assert any(sql.startswith("INSERT") for sql in served)
    assert len(served) <= PARTIAL + 1, large
