"""Goals and check-ins as CSV: the import's preview naming every bad row, who may import, the
exports (filters, filenames, formula guard, query counts) and a round trip. The import as a job
(confirmation, progress, all or nothing) is in test_goal_import_jobs.py."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from goals.models import Goal, GoalImport
from goals.selectors.goals import attach_departments
from goals.services import imports
from tests.factories import CheckInFactory, CycleFactory, GoalFactory, KPIFactory
from tests.goals.goal_files import HEADER, IMPORT, confirm, goal_file, progress_url
from tests.goals.goal_files import check as _check

pytestmark = pytest.mark.django_db

EXPORT = reverse("goal_export", kwargs={"ws": "acme"})
CHECKINS = reverse("checkin_export", kwargs={"ws": "acme"})


def _download(client, url: str, params: dict | None = None) -> tuple[str, int, object]:
    """The CSV text of a streamed export, the queries it took (after a request that warms the
    session), and the response."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        body = b"".join(response.streaming_content).decode("utf-8")
    return body, len(queries), response


def _rows(body: str) -> list[dict[str, str]]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


# --- Import: the preview -----------------------------------------------------------------------


def test_preview_names_every_bad_row_and_saves_nothing(acme, as_user, quarter):
    text = (
        f"{HEADER}\n"
        "Increase sign-ups by 20%,Marketing;Product,Sales,Q4 2026,2026-10-01,2026-12-31,100,120\n"
        "Cut churn by 2 points,Marketing,,Q4 2026,2026-12-01,2026-11-01,5,3\n"
        "\n"
        "Grow pipeline,Marketing|Legal,Marketing,Q9,2026-13-01,,100,100\n"
        ",,,,,,,\n"
        ",Sales,,,,,ten,\n"
    )
    response = _check(as_user(acme.claire), text)

    assert response.status_code == 200
    bad = {row.row: row.errors for row in response.context["preview"].bad}
    assert bad == {
        3: ["due_date: The due date cannot be before the start date."],
        5: [
            "owner_departments: There is no department “Legal” in this workspace.",
            "period: There is no period “Q9” in this workspace.",
            "start_date: Write the date as YYYY-MM-DD, e.g. 2026-03-31.",
            "target: The target must differ from the baseline.",
        ],
        7: ["title: This column needs a value.", "baseline: Enter a number."],
    }
    html = response.content.decode()
    assert "Row 3: due_date: The due date cannot be before the start date." in html
    assert "Nothing was imported. 3 of 4 rows have problems" in html
    assert 'name="job"' not in html
    assert response.context["job"] is None
    assert not GoalImport.objects.exists()
    assert not Goal.objects.exists()


def test_names_statuses_and_parents_are_checked_as_the_goal_form_would(acme, as_user):
    for _ in range(2):
        GoalFactory(workspace=acme.workspace, title="Grow revenue", owner_departments=[acme.sales])
    GoalFactory(workspace=acme.workspace, title="Win Europe", owner_departments=[acme.sales])
    text = (
        "title,owner_departments,accountable,parent,status,direction,baseline,target\n"
        "A,Sales,LEO@ACME.TEST,win europe,AT RISK,DECREASE,2,1\n"
        "B,Sales,gus,Grow revenue,achieved,sideways,,\n"
        "C,Sales,nobody@acme.test,Win Europe,On track,,,\n"
    )
    response = _check(as_user(acme.claire), text)
    rows = response.context["preview"].rows
    assert rows[0].errors == []
    assert rows[0].fields["accountable"] == acme.leo
    assert (rows[0].fields["status"], rows[0].fields["direction"]) == ("at_risk", "decrease")
    assert rows[1].errors == [
        "accountable: There is no member “gus” in this workspace (name them by email or username).",
        "parent: Several open top-level goals are called “Grow revenue”; rename one of them first.",
        "status: “achieved” is not a status you can import (draft, on track, at risk, off "
        "track, dropped).",
        "direction: “sideways” is not a direction you can import (increase, decrease).",
    ]
    assert rows[2].errors == [
        "accountable: There is no member “nobody@acme.test” in this workspace (name them by "
        "email or username)."
    ]


def test_clean_file_previews_then_imports_every_goal(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    kpi = KPIFactory(workspace=acme.workspace, name="Trial sign-ups")
    client = as_user(acme.claire)
    text = (
        "Title,Owner departments,contributing_departments,Accountable,period,start_date,"
        "due_date,status,metric,unit,baseline,target,direction,kpi\n"
        "Increase trial sign-ups by 20%,marketing; PRODUCT,Sales,leo@acme.test,q4 2026,"
        "2026-10-01,2026-12-31,On track,Trial sign-ups,sign-ups,200,240,,trial sign-ups\n"
        "Cut onboarding time to 3 days,Product,,,Q4 2026,,2026-12-15,,Onboarding time,days,"
        "5,3,Decrease,\n"
    )
    preview = _check(client, text)
    assert preview.status_code == 200
    assert not preview.context["preview"].bad
    job = preview.context["job"]
    html = preview.content.decode()
    assert "Import 2 goals" in html
    assert f'name="job" value="{job.pk}"' in html
    assert not Goal.objects.exists()

    response = confirm(client, job, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == progress_url(job)
    first, second = Goal.objects.order_by("pk")
    attach_departments([first, second])
    assert [d.name for d in first.owners] == ["Marketing", "Product"]
    assert [d.name for d in first.contributors] == ["Sales"]
    assert (first.accountable, first.period, first.kpi) == (acme.leo, quarter, kpi)
    assert (first.status, first.direction, first.target) == ("on_track", "increase", 240)
    assert (second.status, second.direction, second.weight) == ("draft", "decrease", 1)
    assert second.created_by == acme.claire
    assert AuditEvent.objects.filter(verb="created", target_type="goal").count() == 2


def test_the_same_file_checked_with_htmx_swaps_only_the_panel(acme, as_user, quarter):
    text = f"{HEADER}\nIncrease trial sign-ups by 20%,Marketing,,Q4 2026,,,1,2\n"
    response = _check(as_user(acme.claire), text, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="import-panel"')
    assert "Import 1 goal" in html
    assert "<nav" not in html


# --- Import: who may, and files that cannot be read --------------------------------------------


def test_lead_imports_goals_of_their_own_department_only(acme, as_user):
    text = (
        f"{HEADER}\n"
        "Ship onboarding v2,Product,,,,,1,2\n"
        "Run the spring campaign,Marketing,,,,,1,2\n"
        "Launch together,Product;Marketing,,,,,1,2\n"
    )
    response = _check(as_user(acme.leo), text)
    bad = {row.row: row.errors for row in response.context["preview"].bad}
    refusal = (
        "owner_departments: Only executives and admins set shared goals (two or more owners); "
        "as a team lead, choose one of your own departments."
    )
    assert bad == {3: [refusal], 4: [refusal]}


def test_member_may_not_import(acme, as_user):
    response = _check(as_user(acme.mia), f"{HEADER}\nShip it,Sales,,,,,1,2\n")
    assert response.status_code == 403
    assert as_user(acme.mia).get(IMPORT).status_code == 403
    assert not Goal.objects.exists()


def test_goal_list_offers_import_to_leads_and_exports_of_what_it_shows_to_all(acme, as_user):
    GoalFactory(
        workspace=acme.workspace, status=Goal.Status.AT_RISK, owner_departments=[acme.sales]
    )
    goal_list = reverse("goal_list", kwargs={"ws": "acme"})
    assert IMPORT in as_user(acme.leo).get(goal_list).content.decode()
    html = as_user(acme.mia).get(goal_list, {"status": "at_risk", "page": "1"}).content.decode()
    assert IMPORT not in html
    assert f'href="{EXPORT}?status=at_risk"' in html
    assert f'href="{CHECKINS}?status=at_risk"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        ("title,owner_departments\nCafé,Sales\n".encode("latin-1"), "The file is not UTF-8 text"),
        ("title,owner_departments\n".encode("utf-16"), "The file is UTF-16 text."),
        (b"title,owner\x00_departments\n", "it contains binary data"),
        (
            b"title,due_date\nShip it,2026-01-01\n",
            "The header row lacks the column owner_departments.",
        ),
        (
            b"title,owner_departments,deadline\nShip it,Sales,2026-01-01\n",
            "Unknown column deadline: the columns are title, description,",
        ),
        (b"title,owner_departments,title\nA,Sales,B\n", "The header names title more than once."),
        (b"title,owner_departments\n", "The file has a header but no rows to import."),
        (
            b"title,owner_departments\n" + b"Ship it,Sales\n" * 4,
            "The file has 4 rows; at most 3 can be imported at once.",
        ),
        (b"title,owner_departments\n" + b"x" * 200, "The file is 0.0 MB; at most 0.0001 MB"),
    ],
    ids=[
        "empty",
        "blank",
        "latin-1",
        "utf-16",
        "binary",
        "missing-column",
        "unknown-column",
        "doubled-column",
        "header-only",
        "too-many-rows",
        "too-large",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
    acme, as_user, monkeypatch, data, message
):
    monkeypatch.setattr(imports, "MAX_GOALS", 3)
    monkeypatch.setattr(imports, "MAX_GOAL_BYTES", 100)
    response = _check(as_user(acme.claire), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["preview"] is None
    assert not Goal.objects.exists()
    assert not GoalImport.objects.exists()


def test_the_limits_are_20000_rows_and_10_mb(acme, as_user):
    client = as_user(acme.claire)
    rows = _check(client, "title,owner_departments\n" + "Ship it,Sales\n" * 20_001)
    large = _check(client, b"title,owner_departments\n" + b"x" * 10_000_000)
    page = client.get(IMPORT).content.decode()

    assert rows.status_code == large.status_code == 400
    assert "The file has 20,001 rows; at most 20,000 can be imported at once." in (
        rows.content.decode()
    )
    assert "The file is 10.0 MB; at most 10 MB can be imported at once." in large.content.decode()
    assert "at most 20,000 rows and 10 MB" in page


def test_excel_files_with_a_byte_order_mark_and_semicolons_are_read(acme, as_user):
    text = '\ufefftitle;owner_departments;target;baseline\r\n“Café” launch;"Sales|Product";2;1\r\n'
    response = _check(as_user(acme.claire), text.encode("utf-8"))
    rows = response.context["preview"].rows
    assert [(row.cells["title"], row.errors) for row in rows] == [("“Café” launch", [])]


def test_a_row_with_more_cells_than_the_header_is_named(acme, as_user):
    response = _check(as_user(acme.claire), "title,owner_departments\nShip it,Sales,1,250\n")
    [row] = response.context["preview"].bad
    assert row.errors[0].startswith("This row has more cells than the header has columns")


def test_values_under_a_blank_header_are_named_not_dropped(acme, as_user):
    response = _check(as_user(acme.claire), "title,owner_departments,,\nShip it,Sales,x,y\n")
    [row] = response.context["preview"].bad
    assert row.errors[0].startswith("This row has values in a column whose header is blank")


def test_template_lists_the_columns_and_imports_as_it_is(acme, as_user, quarter):
    client = as_user(acme.leo)
    body, _, response = _download(client, reverse("goal_import_template", kwargs={"ws": "acme"}))
    assert response["Content-Disposition"] == 'attachment; filename="acme-goals-template.csv"'
    [example] = _rows(body)
    assert tuple(example) == imports.GOAL_COLUMNS
    assert example["owner_departments"] == "Product"

    preview = _check(client, body.encode())
    assert not preview.context["preview"].bad


# --- Exports -----------------------------------------------------------------------------------


def test_goal_export_follows_the_goal_list_filters(acme, as_user, quarter):
    GoalFactory(
        workspace=acme.workspace,
        title="At risk goal",
        status=Goal.Status.AT_RISK,
        period=quarter,
        owner_departments=[acme.marketing, acme.product],
        contributing_departments=[acme.sales],
        accountable=acme.claire,
    )
    GoalFactory(workspace=acme.workspace, title="On track goal", owner_departments=[acme.sales])

    body, _, response = _download(as_user(acme.mia), EXPORT, {"status": "at_risk"})

    today = dt.datetime.now(dt.UTC).date()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="acme-goals-')
    assert abs(dt.date.fromisoformat(response["Content-Disposition"][-15:-5]) - today).days <= 1
    [row] = _rows(body)
    assert row["title"] == "At risk goal"
    assert row["owner_departments"] == "Marketing; Product"
    assert row["contributing_departments"] == "Sales"
    assert row["accountable"] == "claire@acme.test"
    assert (row["period"], row["baseline"], row["target"], row["status"]) == (
        "Q4 2026",
        "100",
        "130",
        "at_risk",
    )


def test_export_cells_that_start_a_formula_get_an_apostrophe(acme, as_user):
    GoalFactory(
        workspace=acme.workspace,
        title='=HYPERLINK("http://evil.test","Click")',
        description="-2+3",
        metric="@SUM(A1)",
        unit="+1",
        baseline=Decimal("-5"),
        target=Decimal("-10"),
        owner_departments=[acme.sales],
    )
    [row] = _rows(_download(as_user(acme.mia), EXPORT)[0])
    assert row["title"] == '\'=HYPERLINK("http://evil.test","Click")'
    assert (row["description"], row["metric"], row["unit"]) == ("'-2+3", "'@SUM(A1)", "'+1")
    assert (row["baseline"], row["target"]) == ("-5", "-10")


def test_exported_goals_import_again_unchanged(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    """Round trip: export, import the file as it is, and the copies equal the originals."""
    kpi = KPIFactory(workspace=acme.workspace, name="Pipeline")
    top = GoalFactory(
        workspace=acme.workspace,
        title="=Grow the pipeline by 20%",
        description='Quoted "text", commas, and\na second line',
        period=quarter,
        kpi=kpi,
        accountable=acme.leo,
        baseline=Decimal("100.25"),
        target=Decimal("-120.5"),
        direction="decrease",
        owner_departments=[acme.marketing, acme.sales],
        contributing_departments=[acme.product, acme.operations],
    )
    GoalFactory(
        workspace=acme.workspace,
        title="Product step",
        parent=top,
        weight=3,
        status=Goal.Status.AT_RISK,
        start_date=None,
        owner_departments=[acme.product],
    )
    originals = list(Goal.objects.order_by("pk"))
    client = as_user(acme.claire)
    body, _, _ = _download(client, EXPORT)

    preview = _check(client, body.encode("utf-8"))
    assert not preview.context["preview"].bad
    confirm(client, preview.context["job"], django_capture_on_commit_callbacks)

    copies = list(Goal.objects.exclude(pk__in=[goal.pk for goal in originals]))
    assert len(copies) == len(originals)
    attach_departments([*originals, *copies])
    fields = [
        "title",
        "description",
        "period_id",
        "start_date",
        "due_date",
        "status",
        "metric",
        "unit",
        "baseline",
        "target",
        "direction",
        "kpi_id",
        "accountable_id",
        "parent_id",
        "weight",
    ]

    def described(goal: Goal) -> tuple:
        departments = ([d.pk for d in goal.owners], [d.pk for d in goal.contributors])
        return (*(getattr(goal, name) for name in fields), *departments)

    assert sorted(map(described, copies), key=str) == sorted(map(described, originals), key=str)


def test_checkin_export_of_a_period_and_of_one_goal(acme, as_user, quarter):
    in_quarter = GoalFactory(
        workspace=acme.workspace, title="In Q4", period=quarter, owner_departments=[acme.sales]
    )
    elsewhere = GoalFactory(
        workspace=acme.workspace, title="No period", owner_departments=[acme.sales]
    )
    cycle = CycleFactory(workspace=acme.workspace)
    CheckInFactory(
        cycle=cycle,
        goal=in_quarter,
        author=acme.leo,
        confidence=3,
        moved="=cmd|' /C calc'!A0",
        blockers="Legal review",
    )
    CheckInFactory(cycle=cycle, goal=elsewhere, confidence=8)
    client = as_user(acme.mia)

    [row] = _rows(_download(client, CHECKINS, {"period": quarter.pk})[0])
    assert row["goal"] == "In Q4"
    assert (row["author"], row["confidence"], row["confidence_band"]) == (
        str(acme.leo),
        "3",
        "Off track",
    )
    assert (row["cycle_start"], row["cycle_due"], row["value"]) == (
        "2026-11-16",
        "2026-11-27",
        "110",
    )
    assert row["what_moved"] == "'=cmd|' /C calc'!A0"
    assert len(_rows(_download(client, CHECKINS)[0])) == 2

    url = reverse("goal_checkin_export", kwargs={"ws": "acme", "pk": elsewhere.pk})
    detail = client.get(reverse("goal_detail", kwargs={"ws": "acme", "pk": elsewhere.pk}))
    assert f'href="{url}"' in detail.content.decode()
    body, _, response = _download(client, url)
    assert [row["goal"] for row in _rows(body)] == ["No period"]
    assert f'filename="acme-goal-{elsewhere.pk}-checkins-' in response["Content-Disposition"]


def test_guest_may_not_export(acme, as_user):
    assert as_user(acme.gus).get(EXPORT).status_code == 404
    assert as_user(acme.gus).get(CHECKINS).status_code == 404


def _grow(acme, quarter, n: int) -> Goal:
    """n more goals, each a step of the one before and checked in on once; the last one,
    returned, is checked in on in every one of the n new cycles."""
    kpi = KPIFactory(workspace=acme.workspace)
    first = dt.date(2026, 1, 1) + dt.timedelta(days=14 * Goal.objects.count())
    starts = [first + dt.timedelta(days=14 * k) for k in range(n)]
    cycles = [
        CycleFactory(workspace=acme.workspace, starts_on=day, due_on=day + dt.timedelta(days=11))
        for day in starts
    ]
    goal = None
    for cycle in cycles:
        goal = GoalFactory(
            workspace=acme.workspace,
            period=quarter,
            kpi=kpi,
            parent=goal,
            accountable=acme.leo,
            owner_departments=[acme.marketing, acme.product],
            contributing_departments=[acme.sales],
        )
        CheckInFactory(cycle=cycle, goal=goal, author=acme.leo)
    for cycle in cycles[:-1]:
        CheckInFactory(cycle=cycle, goal=goal, author=acme.leo)
    return goal


@pytest.mark.parametrize("name", ["goal_export", "checkin_export", "goal_checkin_export"])
def test_export_queries_do_not_grow_with_the_rows(acme, as_user, quarter, name, monkeypatch):
    """Two chunks of streamed rows cost what one does: the count depends on nothing but the
    route (the session, the person, then the departments and one query for the rows)."""
    monkeypatch.setattr("goals.selectors.exports.CHUNK", 5)
    client = as_user(acme.mia)

    def count(goal: Goal) -> tuple[int, int]:
        kwargs = {"ws": "acme", "pk": goal.pk} if name == "goal_checkin_export" else {"ws": "acme"}
        body, queries, _ = _download(client, reverse(name, kwargs=kwargs))
        return len(_rows(body)), queries

    small_rows, small = count(_grow(acme, quarter, 2))
    large_rows, large = count(_grow(acme, quarter, 12))
    assert large_rows > small_rows
    assert small == large <= 6, f"{small} then {large} queries"


def test_preview_queries_do_not_grow_with_the_rows(acme, as_user, quarter):
    client = as_user(acme.claire)

    def count(rows: int) -> int:
        text = goal_file(rows)
        _check(client, text)
        with CaptureQueriesContext(connection) as queries:
            assert _check(client, text).status_code == 200
        return len(queries)

    assert count(2) == count(40)


def test_a_preview_of_5000_rows_names_every_bad_row_and_shows_the_first_100(acme, as_user, quarter):
    lines = goal_file(5000).splitlines(keepends=True)
    lines[9] = lines[9].replace("Marketing;Product", "Marketing;Legal")
    lines[4000] = lines[4000].replace("Q4 2026", "Q5 2026")
    lines[4999] = lines[4999].replace(",100,", ",ten,")
    response = _check(as_user(acme.claire), "".join(lines))

    assert response.status_code == 200
    assert {row.row: row.errors for row in response.context["preview"].bad} == {
        10: ["owner_departments: There is no department “Legal” in this workspace."],
        4001: ["period: There is no period “Q5 2026” in this workspace."],
        5000: ["baseline: Enter a number."],
    }
    html = response.content.decode()
    assert "Nothing was imported. 3 of 5,000 rows have problems" in html
    assert "Row 4001: period: There is no period “Q5 2026” in this workspace." in html
    assert "The table shows the first 100 of 5,000 rows" in html
    assert html.count('<tr class="table-danger">') == 1
