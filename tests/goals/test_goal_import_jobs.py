"""The goal import as a job: a confirmed file is imported by a Celery task (eager here) while
its progress page polls; all rows or none, the job naming the row that failed and why; once
however often it is confirmed or delivered; only for the person who started it; in a number of
queries that does not grow with the rows."""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from goals.models import Goal, GoalImport
from goals.services import bulk, imports
from teams.models import Membership, Role
from tests.factories import GoalFactory, member
from tests.goals.goal_files import IMPORT, check, confirm, goal_file, progress_url

pytestmark = pytest.mark.django_db

Status = GoalImport.Status
OwnerLink = Goal.owner_departments.through
HTMX = {"HTTP_HX_REQUEST": "true"}


def _checked(client, text: str) -> GoalImport:
    preview = check(client, text)
    assert not preview.context["preview"].bad
    return preview.context["job"]


def _job(acme, status: str, *, total: int = 5000, **fields) -> GoalImport:
    return GoalImport.objects.create(
        workspace=acme.workspace, created_by=acme.claire, status=status, total=total, **fields
    )


# --- The task path, end to end -----------------------------------------------------------------


def test_a_confirmed_file_is_imported_by_the_task_and_its_page_says_so(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    client = as_user(acme.claire)
    job = _checked(client, goal_file(3))
    assert job.status == Status.CHECKED

    response = confirm(client, job, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == progress_url(job)
    job.refresh_from_db()
    assert (job.status, job.total, job.errors, job.text) == (Status.DONE, 3, [], "")
    # bulk_create skips Goal.save: the goal list's sort key is set by the import itself.
    assert set(Goal.objects.values_list("period_start", flat=True)) == {quarter.start_date}
    assert job.period == quarter
    assert job.started_at <= job.finished_at
    assert Goal.objects.filter(workspace=acme.workspace, created_by=acme.claire).count() == 3
    assert OwnerLink.objects.count() == 6
    assert AuditEvent.objects.filter(verb="created", target_type="goal").count() == 3
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Imported 3 goals." in html
    goal_list = reverse("goal_list", kwargs={"ws": "acme"})
    assert f'href="{goal_list}?period={quarter.pk}">See the goals of Q4 2026</a>' in html
    assert f'hx-get="{progress_url(job)}"' not in html, "a finished import is not polled"


def test_imported_goals_get_what_goal_create_gives_a_goal(
    acme, as_user, quarter, cac, django_capture_on_commit_callbacks
):
    """Progress from the KPI's latest value, the parent's roll-up, the audit row."""
    cac.measurements.create(date=quarter.start_date, value=125)
    top = GoalFactory(
        workspace=acme.workspace,
        title="Win Europe",
        owner_departments=[acme.marketing, acme.sales],
        baseline=0,
        target=10,
        current_value=0,
    )
    text = (
        "title,owner_departments,parent,kpi,baseline,target,direction,current_value,status\n"
        "Cut CAC to 100,Marketing,Win Europe,Customer acquisition cost,150,100,decrease,,\n"
        "Hand-set,Sales,Win Europe,,0,10,,5,\n"
        "Dropped,Sales,Win Europe,,0,10,,10,dropped\n"
    )
    client = as_user(acme.claire)
    confirm(client, _checked(client, text), django_capture_on_commit_callbacks)

    cut, hand_set, dropped = Goal.objects.exclude(pk=top.pk).order_by("pk")
    assert (cut.current_value, cut.progress) == (125, 50)
    assert (hand_set.current_value, hand_set.progress) == (5, 50)
    assert dropped.progress == 100
    top.refresh_from_db()
    assert top.progress == 50, "the parent rolls up its steps, the dropped one left out"
    audit = AuditEvent.objects.get(target_type="goal", target_id=cut.pk)
    assert (audit.actor, audit.verb, audit.workspace) == (acme.claire, "created", acme.workspace)
    assert audit.summary == f"{acme.claire} created the goal “Cut CAC to 100”"


def test_a_lead_imports_through_a_job_too(acme, as_user, django_capture_on_commit_callbacks):
    client = as_user(acme.leo)
    job = _checked(client, goal_file(2, owners="Product", period=""))
    confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert job.period is None
    assert Goal.objects.filter(owner_departments=acme.product).count() == 2
    html = client.get(progress_url(job)).content.decode()
    assert "See the goal list</a>" in html


# --- The progress fragment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "written", "expected", "value"),
    [
        (Status.PENDING, None, "Waiting for a worker to import 5,000 goals…", 0),
        (Status.RUNNING, None, "Checking the 5,000 goals again before writing them…", 0),
        (Status.RUNNING, 1200, "Importing 5,000 goals…", 1200),
    ],
    ids=["pending", "checking", "writing"],
)
def test_an_unfinished_import_is_polled_with_its_progress_bar(
    acme, as_user, status, written, expected, value
):
    job = _job(acme, status)
    if written is not None:
        imports._progress_set(job.pk, written)
    client = as_user(acme.claire)

    fragment = client.get(progress_url(job), **HTMX)
    page = client.get(progress_url(job))

    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<nav" not in html
    assert f'<p class="fw-semibold" id="import-summary">{expected}</p>' in html
    assert 'role="progressbar" aria-labelledby="import-summary"' in html
    assert f'aria-valuenow="{value}" aria-valuemin="0" aria-valuemax="5000"' in html
    assert f'aria-valuetext="{value:,} of 5,000 goals"' in html
    assert f'style="width: {value * 100 // 5000}%"' in html
    assert f"{value:,} of 5,000 goals" in html
    page_html = page.content.decode()
    assert 'aria-live="polite"' in page_html
    assert f'hx-get="{progress_url(job)}" hx-trigger="every 1s" hx-swap="innerHTML"' in page_html


def test_a_done_import_stops_the_polling_and_links_to_its_goals(acme, as_user, quarter):
    job = _job(acme, Status.DONE, period=quarter)
    response = as_user(acme.claire).get(progress_url(job), **HTMX)
    assert response.status_code == 286, "htmx stops polling on 286"
    html = response.content.decode()
    assert "Imported 5,000 goals." in html
    assert "See the goals of Q4 2026" in html
    assert "progressbar" not in html


def test_a_failed_import_stops_the_polling_and_names_why(acme, as_user):
    errors = ["Row 3: owner_departments: There is no department “Sales” in this workspace."]
    job = _job(acme, Status.FAILED, errors=errors)
    response = as_user(acme.claire).get(progress_url(job), **HTMX)
    assert response.status_code == 286
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert f"<li>{errors[0]}</li>" in html
    assert f'name="job" value="{job.pk}"' in html
    assert "Try the import again" in html


def test_a_checked_import_not_yet_confirmed_offers_its_confirmation(acme, as_user):
    job = _job(acme, Status.CHECKED, total=3)
    html = as_user(acme.claire).get(progress_url(job)).content.decode()
    assert "Checked, not imported yet: 3 goals to import." in html
    assert "Import 3 goals</button>" in html
    assert f'hx-get="{progress_url(job)}"' not in html


def test_the_poll_sees_the_progress_while_the_import_transaction_is_open(
    acme, as_user, quarter, monkeypatch, django_capture_on_commit_callbacks
):
    """Each batch reports through the cache, which a second client reads mid-import (here the
    same process; tests/goals/test_goal_import_worker.py does it across processes)."""
    monkeypatch.setattr(imports, "BATCH", 2)
    client = as_user(acme.claire)
    job = _checked(client, goal_file(5))
    watcher = as_user(acme.claire)
    seen = []
    report = imports._progress_set

    def report_and_watch(job_id: int, written: int | None) -> None:
        report(job_id, written)
        html = watcher.get(progress_url(job_id), **HTMX).content.decode()
        seen.append(html.split('aria-valuetext="')[1].split('"')[0])

    monkeypatch.setattr(imports, "_progress_set", report_and_watch)
    confirm(client, job, django_capture_on_commit_callbacks)

    assert seen == [
        "0 of 5 goals",
        "2 of 5 goals",
        "4 of 5 goals",
        "5 of 5 goals",
    ]


# --- All or nothing ----------------------------------------------------------------------------


def test_a_file_that_went_stale_after_its_check_imports_nothing_and_names_the_row(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    client = as_user(acme.claire)
    text = "title,owner_departments,baseline,target\nShip it,Product,1,2\nGrow pipeline,Sales,1,2\n"
    job = _checked(client, text)
    acme.sales.name = "Revenue"
    acme.sales.save()

    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.errors == [
        "Row 3: owner_departments: There is no department “Sales” in this workspace."
    ]
    assert job.text == text, "kept, to be tried again"
    assert not Goal.objects.exists()
    assert "Row 3: owner_departments" in client.get(progress_url(job)).content.decode()


def test_a_failed_import_tried_again_once_the_cause_is_fixed_imports(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    client = as_user(acme.claire)
    job = _checked(client, goal_file(2, owners="Sales", contributors=""))
    acme.sales.name = "Revenue"
    acme.sales.save()
    confirm(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.FAILED

    acme.sales.name = "Sales"
    acme.sales.save()
    response = confirm(client, job, django_capture_on_commit_callbacks)

    assert response["Location"] == progress_url(job)
    job.refresh_from_db()
    assert (job.status, job.errors) == (Status.DONE, [])
    assert Goal.objects.count() == 2


def test_a_goal_refused_while_writing_rolls_back_the_rows_before_it(
    acme, as_user, quarter, monkeypatch, django_capture_on_commit_callbacks
):
    """The rules run once more on the goals as they are written; the third is refused."""
    client = as_user(acme.claire)
    job = _checked(client, goal_file(4))
    real_clean = bulk.goal_clean

    def clean(goal: Goal) -> None:
        if goal.title == "Increase sign-ups by 2%":
            raise imports.ValidationError({"title": "A moment ago, someone took this title."})
        real_clean(goal)

    monkeypatch.setattr(bulk, "goal_clean", clean)
    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.errors) == (
        Status.FAILED,
        ["Row 4: title: A moment ago, someone took this title."],
    )
    assert not Goal.objects.exists()


def test_an_error_in_the_second_batch_rolls_back_the_first(
    acme, as_user, quarter, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "BATCH", 2)
    client = as_user(acme.claire)
    job = _checked(client, goal_file(5))
    links = bulk.ContributorLink.objects
    real_bulk_create, calls = links.bulk_create, []

    def bulk_create(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("a department was deleted meanwhile")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(links, "bulk_create", bulk_create)
    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.errors) == (Status.FAILED, [imports.UNEXPECTED])
    assert not Goal.objects.exists()
    assert not OwnerLink.objects.exists()
    assert not AuditEvent.objects.filter(target_type="goal").exists()


def test_a_person_who_lost_the_right_to_set_goals_imports_nothing(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    client = as_user(acme.leo)
    job = _checked(client, goal_file(2, owners="Product"))
    Membership.objects.filter(user=acme.leo).update(role=Role.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.goal_import_start(job=job)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.errors == ["Only team leads, executives and admins set goals."]
    assert not Goal.objects.exists()


# --- Once --------------------------------------------------------------------------------------


def test_a_confirmation_sent_twice_imports_once(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    """A double click or a resubmitted form lands on the same progress page."""
    client = as_user(acme.claire)
    job = _checked(client, goal_file(1))

    first = confirm(client, job, django_capture_on_commit_callbacks)
    again = confirm(client, job, django_capture_on_commit_callbacks)

    assert first["Location"] == again["Location"] == progress_url(job)
    assert Goal.objects.count() == 1


def test_a_task_delivered_twice_imports_once(acme, as_user, quarter):
    client = as_user(acme.claire)
    job = _checked(client, goal_file(2))
    GoalImport.objects.filter(pk=job.pk).update(status=Status.PENDING)

    imports.goal_import_run(job.pk)
    imports.goal_import_run(job.pk)

    assert Goal.objects.count() == 2
    assert GoalImport.objects.get(pk=job.pk).status == Status.DONE


def test_a_task_whose_worker_died_runs_again(acme, as_user, quarter):
    """A worker killed mid-import leaves the job running and nothing written (the transaction
    is gone with it); the task, delivered again, imports the file."""
    client = as_user(acme.claire)
    job = _checked(client, goal_file(2))
    GoalImport.objects.filter(pk=job.pk).update(status=Status.RUNNING)

    imports.goal_import_run(job.pk)

    assert Goal.objects.count() == 2


def test_checks_left_unconfirmed_for_a_day_are_deleted_with_their_files(
    acme, as_user, quarter, globex
):
    old = _job(acme, Status.CHECKED, text="title\n")
    failed = _job(acme, Status.FAILED, text="title\n")
    done = _job(acme, Status.DONE)
    elsewhere = GoalImport.objects.create(
        workspace=globex, created_by=acme.claire, total=1, text="title\n"
    )
    day_ago = old.created_at - imports.STAGED_MAX_AGE
    GoalImport.objects.update(created_at=day_ago)

    _checked(as_user(acme.claire), goal_file(1))

    left = set(GoalImport.objects.values_list("pk", flat=True))
    assert {old.pk, failed.pk} & left == set()
    assert {done.pk, elsewhere.pk} <= left


# --- Who may -----------------------------------------------------------------------------------


def test_only_the_person_who_started_an_import_sees_it(acme, as_user, globex, oscar):
    job = _job(acme, Status.RUNNING)
    foreign = GoalImport.objects.create(workspace=globex, created_by=oscar, total=1)
    assert as_user(acme.claire).get(progress_url(job)).status_code == 200
    assert as_user(acme.ada).get(progress_url(job)).status_code == 404
    assert as_user(acme.mia).get(progress_url(job)).status_code == 403
    assert as_user(acme.gus).get(progress_url(job)).status_code == 404
    assert as_user(oscar).get(progress_url(job)).status_code == 404
    assert as_user(acme.ada).get(progress_url(foreign)).status_code == 404


@pytest.mark.parametrize("job", ["", "abc", "0", str(2**63)])
def test_a_confirmation_without_a_job_is_refused(acme, as_user, job):
    response = as_user(acme.claire).post(IMPORT, {"job": job})
    assert response.status_code == 400
    assert "This check has expired or belongs to another page" in response.content.decode()


def test_a_confirmation_of_someone_elses_check_is_404(
    acme, as_user, quarter, django_capture_on_commit_callbacks
):
    job = _checked(as_user(acme.claire), goal_file(1))
    response = confirm(as_user(acme.ada), job, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert GoalImport.objects.get(pk=job.pk).status == Status.CHECKED
    assert not Goal.objects.exists()


# --- Queries -----------------------------------------------------------------------------------


def test_the_progress_poll_takes_the_same_few_queries_for_any_file(acme, as_user, count_queries):
    client = as_user(acme.claire)
    small = _job(acme, Status.RUNNING, total=10, text="x" * 10)
    large = _job(acme, Status.RUNNING, total=20_000, text="x" * 2_000_000)
    imports._progress_set(large.pk, 500)
    counts = [count_queries(client, progress_url(job), **HTMX) for job in (small, large)]
    # The session, the person and their membership, the job (its file left unread).
    assert counts[0] == counts[1]
    assert counts[0].count <= 4, counts[0]
    assert all('"text"' not in sql for sql in counts[1].sql)


def test_import_queries_do_not_grow_with_the_rows(acme, quarter, cac):
    """A batch of goals is written in four INSERTs (goals, owners, contributors, audit rows),
    whatever its size, and the reads before it and the parent's roll-up after it are the same
    for any number of rows. (SQLite takes at most 999 values per statement, so there Django
    splits an INSERT of many goals in a few.)"""
    GoalFactory(workspace=acme.workspace, title="Win Europe", owner_departments=[acme.sales])
    claire = member(acme.claire)

    def count(rows: int) -> tuple[int, int]:
        text = "title,owner_departments,contributing_departments,parent,accountable,kpi\n"
        text += "".join(
            f"Grow {n},Marketing;Product,Sales,Win Europe,leo@acme.test,{cac.name}\n"
            for n in range(rows)
        )
        with CaptureQueriesContext(connection) as queries:
            goals = imports.goal_import(membership=claire, text=text)
        assert len(goals) == rows
        inserts = sum(query["sql"].startswith("INSERT") for query in queries)
        return len(queries) - inserts, inserts

    (small_other, small_inserts), (large_other, large_inserts) = count(10), count(200)
    assert small_other == large_other
    assert small_inserts == 4
    if connection.vendor == "postgresql":
        assert large_inserts == 4
    else:
        assert large_inserts <= 10
