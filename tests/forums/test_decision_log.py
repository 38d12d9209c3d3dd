"""The decision log: every decision, from meetings, conflicts and recorded directly, filtered by
department, kind, source and when it was taken, searched (ranked and marked on PostgreSQL), and
exported as CSV with the same filters, in a fixed number of queries whatever its size."""

import csv
import datetime as dt
import io
import os

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conflicts.models import Conflict
from forums import outcomes, search
from forums.models import Decision
from tests.factories import PeriodFactory, member
from tests.forums.decisions import direct, in_meeting, settled, taken_on

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# CI runs on PostgreSQL (tests/conftest.py): there these tests never skip.
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL and os.environ.get("CI") != "true",
    reason="PostgreSQL full-text search; SQLite has the plain fallback",
)


def _log(**params) -> str:
    url = reverse("decision_log", kwargs={"ws": "acme"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _titles(client, **params) -> list[str]:
    response = client.get(_log(**params))
    assert response.status_code == 200
    return [decision.title for decision in response.context["page"].object_list]


@pytest.fixture
def three(acme, meeting):
    """A meeting's decision for marketing, a resources conflict's for sales and product, and
    one recorded directly for sales; taken on 5 March, 5 June and 5 September 2026."""
    budget = taken_on(
        in_meeting(acme, meeting, "Move 10% to performance"), dt.date(2026, 3, 5), acme.workspace
    )
    launch = taken_on(settled(acme, "Launch budget"), dt.date(2026, 6, 5), acme.workspace)
    hiring = taken_on(
        direct(acme, "Hire two sales engineers", departments=[acme.sales]),
        dt.date(2026, 9, 5),
        acme.workspace,
    )
    return budget, launch, hiring


def test_every_decision_is_in_the_log_newest_first_with_where_it_was_made(
    acme, as_user, three, meeting
):
    budget, launch, hiring = three
    client = as_user(acme.mia)
    assert _titles(client) == [hiring.title, launch.title, budget.title]
    html = client.get(_log()).content.decode()
    conflict = Conflict.objects.get(decision=launch)
    assert reverse("conflict_detail", kwargs={"ws": "acme", "pk": conflict.pk}) in html
    assert "Conflict: Launch budget" in html
    assert reverse("meeting_detail", kwargs={"ws": "acme", "pk": meeting.pk}) in html
    assert "Recorded directly" in html
    assert "Resources" in html  # the conflict's kind


def test_each_filter_narrows_the_log(acme, as_user, three):
    budget, launch, hiring = three
    client = as_user(acme.mia)
    assert _titles(client, department=acme.marketing.pk) == [budget.title]
    assert _titles(client, department=acme.product.pk) == [launch.title]
    assert _titles(client, kind="resources") == [launch.title]
    assert _titles(client, kind="timeline") == []
    assert _titles(client, source="meeting") == [budget.title]
    assert _titles(client, source="conflict") == [launch.title]
    assert _titles(client, source="direct") == [hiring.title]
    assert _titles(client, **{"from": "2026-06-05"}) == [hiring.title, launch.title]
    assert _titles(client, to="2026-06-05") == [launch.title, budget.title]
    assert _titles(client, **{"from": "2026-06-01", "to": "2026-06-30"}) == [launch.title]


def test_a_planning_period_filters_by_its_days_and_narrows_with_them(acme, as_user, three):
    _, launch, hiring = three
    q2 = PeriodFactory(
        workspace=acme.workspace,
        name="Q2-Q3 2026",
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 9, 30),
    )
    client = as_user(acme.claire)
    assert _titles(client, period=q2.pk) == [hiring.title, launch.title]
    assert _titles(client, period=q2.pk, to="2026-08-31") == [launch.title]


def test_filters_combine_with_the_search(acme, as_user, three):
    _, launch, hiring = three
    client = as_user(acme.mia)
    assert _titles(client, q="budget") == [launch.title]
    assert _titles(client, q="budget", source="meeting") == []
    assert _titles(client, q="sales", department=acme.sales.pk) == [hiring.title]


def test_bad_filters_are_named_and_left_out(acme, as_user, three):
    client = as_user(acme.mia)
    response = client.get(_log(**{"from": "2026-09-01", "to": "2026-01-01"}))
    assert response.status_code == 200
    assert "The last day comes on or after the first." in response.content.decode()
    assert [d.title for d in response.context["page"]] == ["Hire two sales engineers"]
    garbled = client.get(_log(**{"from": "soon", "kind": "nonsense"})).content.decode()
    assert "Enter a date such as 2026-03-31." in garbled
    assert "Select a valid choice." in garbled


def test_the_filters_stay_in_the_pagination_and_the_csv_link_and_htmx_gets_the_results(
    acme, as_user, meeting
):
    for n in range(23):
        direct(acme, f"Decision {n}", departments=[acme.sales])
    client = as_user(acme.mia)
    html = client.get(_log(source="direct", department=acme.sales.pk)).content.decode()
    query = f"source=direct&amp;department={acme.sales.pk}"
    assert f'href="?{query}&page=2"' in html
    export = reverse("decision_export", kwargs={"ws": "acme"})
    assert f'href="{export}?{query}"' in html
    partial = client.get(
        _log(source="direct", page=2), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="decision-results"
    ).content.decode()
    assert "<form" not in partial
    assert "Decision 2" in partial


def test_an_empty_log_says_what_to_do_next(acme, as_user):
    client = as_user(acme.mia)
    html = client.get(_log()).content.decode()
    assert "Record one on an agenda item while a forum meeting runs" in html
    assert reverse("forum_list", kwargs={"ws": "acme"}) in html
    filtered = client.get(_log(q="pricing")).content.decode()
    assert "No decision matches “pricing”" in filtered
    assert "Clear the filters" in filtered


def test_matched_words_are_marked_in_escaped_text(acme, as_user, meeting):
    direct(acme, "<b>Budget</b> cuts", rationale="Spend the <script>budget</script> later.")
    html = as_user(acme.mia).get(_log(q="budget")).content.decode()
    assert "<mark>Budget</mark>" in html
    assert "<b>Budget" not in html
    assert "<script>budget" not in html
    assert "&lt;b&gt;" in html


def test_the_plain_search_needs_every_word(acme, as_user, three):
    client = as_user(acme.mia)
    assert _titles(client, q="launch budget") == ["Settle: Launch budget"]
    assert _titles(client, q="launch hiring") == []


@postgresql_only
def test_postgresql_ranks_title_matches_first_and_marks_the_stemmed_words(acme, as_user, meeting):
    in_rationale = direct(acme, "Freeze travel", rationale="Pricing reviews come first.")
    in_title = direct(acme, "Review the pricing", rationale="Margins are thin.")
    taken_on(in_title, dt.date(2026, 1, 1), acme.workspace)  # older, yet ranked first
    response = as_user(acme.mia).get(_log(q="pricing reviewed"))
    page = list(response.context["page"])
    assert [d.pk for d in page] == [in_title.pk, in_rationale.pk]
    html = response.content.decode()
    assert "<mark>Review</mark> the <mark>pricing</mark>" in html
    assert "<mark>Pricing</mark> <mark>reviews</mark> come first" in html
    assert _titles(as_user(acme.mia), q='"pricing reviews"') == [in_rationale.title]


@postgresql_only
def test_postgresql_finds_the_matches_from_the_decision_search_index(acme, meeting):
    """The index's document (forums/migrations/0007) is the one the search builds."""
    direct(acme, "Review the pricing", rationale="Margins are thin.")
    matches = search.matching(Decision.objects.all(), "pricing", marks=False)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the few rows here would not need it
        sql, params = matches.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "decision_search" in plan, plan


def test_the_page_makes_as_many_queries_for_many_decisions_as_for_few(
    acme, as_user, meeting, count_queries
):
    client = as_user(acme.mia)
    url = _log(q="budget", department=acme.sales.pk)

    def add(n: int) -> None:
        for i in range(n):
            first = direct(acme, f"Budget {i}", departments=[acme.sales, acme.product])
            outcomes.decision_supersede(
                membership=member(acme.ada),
                decision=first,
                title=f"Budget {i}, again",
                rationale="Numbers changed.",
                departments=[acme.sales],
            )
            settled(acme, f"Budget conflict {i}")

    add(1)
    few = count_queries(client, url)
    add(4)
    assert count_queries(client, url) == few
    assert count_queries(client, _log()) == few


# --- CSV ---------------------------------------------------------------------------------------


def _csv(client, **params) -> list[list[str]]:
    url = reverse("decision_export", kwargs={"ws": "acme"})
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_filtered_log_in_its_order(acme, as_user, three):
    _, launch, hiring = three
    header, *rows = _csv(as_user(acme.mia), department=acme.sales.pk)
    assert header[:10] == [
        "id",
        "decided on",
        "what was decided",
        "why",
        "decided by",
        "departments",
        "source",
        "where",
        "kind",
        "review on",
    ]
    assert [row[2] for row in rows] == [hiring.title, launch.title]
    conflict = rows[1]
    assert conflict[1] == "2026-06-05"
    assert conflict[4:9] == [
        "Ada Admin",
        "Product; Sales",
        "conflict",
        "Conflict: Launch budget",
        "Resources",
    ]
    assert conflict[-1].endswith(reverse("decision_detail", kwargs={"ws": "acme", "pk": launch.pk}))


def test_the_csv_neutralises_formulas_and_shows_supersedes(acme, as_user, meeting):
    old = direct(acme, '=HYPERLINK("http://evil")', rationale="+1 for this")
    new = outcomes.decision_supersede(
        membership=member(acme.ada),
        decision=old,
        title="Keep it plain",
        rationale="Safer.",
        departments=[acme.sales],
    )
    _, newer, older = _csv(as_user(acme.mia))
    assert older[2] == '\'=HYPERLINK("http://evil")'
    assert older[3] == "'+1 for this"
    assert (older[10], older[11]) == (str(new.pk), "")
    assert (newer[10], newer[11]) == ("", str(old.pk))


def test_the_csv_makes_as_many_queries_for_many_decisions_as_for_few(acme, as_user, meeting):
    client = as_user(acme.mia)

    def queries() -> int:
        _csv(client)  # the first request of a session reads more
        with CaptureQueriesContext(connection) as ctx:
            _csv(client)
        return len(ctx)

    direct(acme, "One")
    settled(acme, "Two")
    few = queries()
    for n in range(5):
        direct(acme, f"More {n}")
        settled(acme, f"Conflict {n}")
    assert queries() == few
