"""Workspace export and import: the demo round-trips losslessly; bad documents are refused."""

import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment.portability import PLANS, workspace_export, workspace_export_json, workspace_import
from checkins.models import CheckIn
from conflicts.models import Conflict
from core.models import AuditEvent
from forums.models import AgendaItem, Forum
from goals.models import Goal
from teams.models import Membership, Role, User, Workspace
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    GoalFactory,
    KPIFactory,
    MeasurementFactory,
    UserFactory,
)
from tests.portability_demo import demo_with_everything, normalised

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

# Workspace models that are deliberately not in the document (see alignment/portability/).
LEFT_OUT = {"Invitation", "WebhookDelivery", "Notification", "CalendarFeed", "GoalImport"}


def test_every_model_of_a_workspace_is_exported_or_deliberately_left_out():
    exported = {plan.table.model for plan in PLANS}
    belongs: set = set()
    # Every app of ours: those whose module is in the repository, not in site-packages.
    ours = {config.label for config in apps.get_app_configs() if ROOT in Path(config.path).parents}
    models = [m for m in apps.get_models() if m._meta.app_label in ours]
    changed = True
    while changed:
        changed = False
        for model in models:
            if model in belongs or model is Workspace:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if Workspace in targets or targets & belongs:
                belongs.add(model)
                changed = True
    assert {m.__name__ for m in belongs - exported} == LEFT_OUT


def test_the_demo_workspace_round_trips_into_a_new_workspace():
    source = demo_with_everything()
    admin = User.objects.get(username="admin")
    exported = workspace_export(workspace=source)
    # Through JSON text, as the file travels.
    document = json.loads("".join(workspace_export_json(workspace=source)))
    assert {**document, "exported_at": None} == {**exported, "exported_at": None}
    users_before = User.objects.count()

    copy_ = workspace_import(document=document, actor=admin, slug="acme-copy", name="Acme copy")

    assert (copy_.slug, copy_.name) == ("acme-copy", "Acme copy")
    assert User.objects.count() == users_before  # everyone was linked, nobody created
    again = workspace_export(workspace=copy_)
    imported = again["audit_events"].pop()
    assert imported["verb"] == "imported"
    assert imported["actor"] == "admin"
    assert all(not hook["active"] for hook in again["webhooks"])
    # Mo's membership was removed before the export: its log entry points at no object.
    removed = next(e for e in again["audit_events"] if e["verb"] == "removed")
    assert removed["target_id"] < 0
    for hook in exported["webhooks"]:
        hook["active"] = False
    # Reminders still to be sent arrive cancelled: the source workspace sends them.
    for key in ("reminders", "conflict_reminders"):
        unsent = [r for r in exported[key] if r["status"] in ("pending", "sending")]
        assert unsent, f"the demo should hold one of its {key} still to be sent"
        for reminder in unsent:
            reminder["status"] = "cancelled"
    assert normalised(again) == normalised(exported)
    # Nothing was shared with, or taken from, the source.
    assert not set(Goal.objects.filter(workspace=copy_).values_list("pk", flat=True)) & set(
        Goal.objects.filter(workspace=source).values_list("pk", flat=True)
    )
    assert Goal.objects.filter(workspace=source).count() == len(exported["goals"])


def test_the_round_trip_covers_every_table_and_history_keeps_its_dates():
    source = demo_with_everything()
    exported = workspace_export(workspace=source)
    empty = sorted(plan.table.key for plan in PLANS if not exported[plan.table.key])
    assert empty == []
    assert "secret" not in exported["webhooks"][0]
    assert {person["username"] for person in exported["users"]} >= {"member", "admin", "cmo"}
    assert "member" not in {m["user"] for m in exported["memberships"]}
    copy_ = workspace_import(
        document=exported, actor=User.objects.get(username="admin"), slug="acme-2", name="Copy"
    )
    first = CheckIn.objects.filter(cycle__workspace=source).order_by("created_at", "pk").first()
    copied = CheckIn.objects.filter(cycle__workspace=copy_).order_by("created_at", "pk").first()
    assert copied.created_at == first.created_at < timezone.now() - dt.timedelta(days=7)
    hook = copy_.webhooks.get()
    assert (hook.active, len(hook.secret)) == (False, 64)
    assert hook.secret != source.webhooks.get().secret


def test_import_links_people_by_email_and_creates_the_missing_ones_without_a_password(acme):
    document = workspace_export(workspace=acme.workspace)
    for person in document["users"]:
        if person["username"] == "leo":
            person["email"] = "LEO@ACME.TEST"
    document["users"].append(
        {"username": "nina", "email": "nina@elsewhere.test", "first_name": "Nina", "last_name": ""}
    )
    document["memberships"].append(
        {**document["memberships"][0], "id": 10**9, "user": "nina", "role": "member"}
    )
    importer = UserFactory(username="importer")

    workspace = workspace_import(document=document, actor=importer, slug="acme-copy")

    members = dict(workspace.memberships.values_list("user__username", "role"))
    assert members["leo"] == Role.LEAD  # the same email, whatever its case
    assert members["importer"] == Role.ADMIN  # not in the document, yet it is theirs now
    assert members["nina"] == Role.MEMBER
    nina = User.objects.get(email="nina@elsewhere.test")
    assert not nina.has_usable_password()
    assert workspace.name == "Acme"  # the document's name when none is given
    event = AuditEvent.objects.get(workspace=workspace, verb="imported")
    assert event.changes["accounts_created"] == ["nina"]


def test_a_missing_person_whose_username_is_taken_gets_a_free_one(acme):
    document = workspace_export(workspace=acme.workspace)
    for person in document["users"]:
        if person["username"] == "mia":
            person["email"] = "another.mia@elsewhere.test"
    workspace_import(document=document, actor=acme.ada, slug="copy")
    twin = User.objects.get(email="another.mia@elsewhere.test")
    assert twin.username == "mia-2"
    assert Membership.objects.get(workspace__slug="copy", user=twin).role == Role.MEMBER


def test_an_imported_person_can_choose_a_password_through_the_reset_form(acme, client):
    document = workspace_export(workspace=acme.workspace)
    document["users"][0]["email"] = "new.person@elsewhere.test"
    workspace_import(document=document, actor=acme.ada, slug="copy")
    client.post(reverse("password_reset"), {"email": "new.person@elsewhere.test"})
    assert [m.to for m in mail.outbox] == [["new.person@elsewhere.test"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: [], "This is not an Alignment workspace export"),
        (lambda d: {**d, "format": "something-else"}, "This is not an Alignment workspace export"),
        (lambda d: {**d, "version": 2}, "This export has version 2; this version of Alignment"),
        (lambda d: {k: v for k, v in d.items() if k != "goals"}, "Missing sections: goals."),
        (lambda d: {**d, "extra": []}, "Unknown sections: extra."),
        (lambda d: {**d, "goals": {}}, "“goals” must be a list."),
    ],
)
def test_a_document_of_another_kind_is_refused(acme, change, message):
    document = change(workspace_export(workspace=acme.workspace))
    with pytest.raises(ValidationError) as refused:
        workspace_import(document=document, actor=acme.ada, slug="copy", name="Copy")
    assert message in " ".join(refused.value.message_dict["document"])
    assert not Workspace.objects.filter(slug="copy").exists()


def _with_goal(acme) -> dict:
    goal = GoalFactory(workspace=acme.workspace, owner_departments=[acme.product])
    GoalFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    document = workspace_export(workspace=acme.workspace)
    assert document["goals"][0]["id"] == goal.pk
    return document


def _break(document: dict, key: str, row: int = 0, **changes) -> dict:
    document[key][row].update(changes)
    return document


def _without(document: dict, key: str, field: str) -> dict:
    del document[key][0][field]
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _break(d, "goals", status="bogus"),
            "goals, row 1 (id {goal}): status: Value 'bogus' is not a valid choice.",
        ),
        (
            lambda d: _break(d, "goals", period=999),
            "goals, row 1 (id {goal}): period: 999 is not the id of a row of periods.",
        ),
        (
            lambda d: _break(d, "goals", owner_departments=[1, "x"]),
            "goals, row 1 (id {goal}): owner_departments: give a list of ids of rows of "
            "departments.",
        ),
        (
            lambda d: _break(d, "goals", accountable="ghost"),
            "goals, row 1 (id {goal}): accountable: “ghost” is not one of the document's users.",
        ),
        (
            lambda d: _break(d, "goals", due_date="next Tuesday"),
            "goals, row 1 (id {goal}): due_date: “next Tuesday” value has an invalid date",
        ),
        (
            lambda d: _break(d, "goals", due_date=20261231),
            "goals, row 1 (id {goal}): due_date: “20261231” is not a valid due_date.",
        ),
        (
            lambda d: _break(d, "goals", 1, id=[1], parent={"a": 1}),
            "goals, row 2: “id” must be a whole number.",
        ),
        (lambda d: _break(d, "goals", title=None), "title: This field cannot be null."),
        (lambda d: _break(d, "goals", created_at=None), "created_at: This field cannot be empty."),
        (lambda d: _break(d, "goals", colour="red"), "unknown fields colour."),
        (
            lambda d: _without(d, "goals", "period"),
            "goals, row 1 (id {goal}): missing fields period.",
        ),
        (
            lambda d: (
                _break(d, "goals", parent=d["goals"][1]["id"])
                and _break(d, "goals", 1, parent=d["goals"][0]["id"])
            ),
            "goals: the parent of row id {goal} leads back to it.",
        ),
        (lambda d: _break(d, "goals", title="a\x00b"), "title: NUL characters (\\u0000)"),
        (
            lambda d: _break(d, "departments", id=d["departments"][1]["id"]),
            "departments, row 2 (id {department}): the id {department} appears twice.",
        ),
        (
            lambda d: _break(d, "users", 1, email=d["users"][0]["email"].upper()),
            "users, row 2: another person has the same username or email.",
        ),
        (
            lambda d: _break(d, "users", email="not an address"),
            "users, row 1: email: Enter a valid email address.",
        ),
        (
            lambda d: _break(d, "departments", name=d["departments"][1]["name"].upper()),
            "departments: A department with this name already exists.",
        ),
    ],
)
def test_a_document_with_bad_rows_names_each_problem_and_imports_nothing(acme, change, message):
    document = change(_with_goal(acme))
    goal = document["goals"][0]["id"]
    department = document["departments"][1]["id"]
    people = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        workspace_import(document=document, actor=acme.ada, slug="copy", name="Copy")
    expected = message.format(goal=goal, department=department)
    assert any(expected in problem for problem in refused.value.message_dict["document"])
    assert not Workspace.objects.filter(slug="copy").exists()
    assert User.objects.count() == people


def test_many_problems_are_listed_up_to_twenty(acme):
    document = workspace_export(workspace=acme.workspace)
    for n in range(30):
        document["measurements"].append({"id": n, "date": "soon"})
    with pytest.raises(ValidationError) as refused:
        workspace_import(document=document, actor=acme.ada, slug="copy", name="Copy")
    problems = refused.value.message_dict["document"]
    assert len(problems) == 21
    assert problems[-1].startswith("…and ")


def test_a_taken_slug_is_refused_on_its_field(acme):
    document = workspace_export(workspace=acme.workspace)
    with pytest.raises(ValidationError) as refused:
        workspace_import(document=document, actor=acme.ada, slug="acme", name="Copy")
    assert "slug" in refused.value.message_dict


def test_export_queries_do_not_grow_with_the_data(acme):
    def export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            document = workspace_export(workspace=acme.workspace)
        return len(context), sum(len(v) for v in document.values() if isinstance(v, list))

    small, rows = export()
    kpi = KPIFactory(workspace=acme.workspace, owner_departments=[acme.sales])
    cycle = CycleFactory(workspace=acme.workspace)
    for _ in range(5):
        goal = GoalFactory(
            workspace=acme.workspace,
            owner_departments=[acme.product, acme.sales],
            contributing_departments=[acme.marketing],
            accountable=acme.leo,
            kpi=kpi,
        )
        MeasurementFactory(kpi=kpi, created_by=acme.mia)
        CheckInFactory(cycle=cycle, goal=goal, author=acme.leo)
    large, more_rows = export()
    assert more_rows >= rows + 15
    # The savepoint and its release, the people, one per table, one per many-to-many field.
    lists = sum(len(plan.lists) for plan in PLANS)
    assert small == large == 2 + 1 + len(PLANS) + lists


# --- Pages ----------------------------------------------------------------------------------


def test_admin_downloads_the_export_as_a_json_attachment(acme, as_user):
    response = as_user(acme.ada).get(reverse("workspace_export", kwargs={"ws": "acme"}))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate(timezone=ZoneInfo(acme.workspace.timezone)).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="acme-{today}.json"'
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "alignment-workspace"
    assert AuditEvent.objects.filter(workspace=acme.workspace, verb="exported").exists()


def test_settings_page_offers_the_download_to_admins(acme, as_user):
    response = as_user(acme.ada).get(reverse("workspace_settings", kwargs={"ws": "acme"}))
    assert reverse("workspace_export", kwargs={"ws": "acme"}).encode() in response.content


def test_executive_cannot_download_the_export(acme, as_user):
    response = as_user(acme.claire).get(reverse("workspace_export", kwargs={"ws": "acme"}))
    assert response.status_code == 403


def _upload(document, name: str = "acme.json") -> SimpleUploadedFile:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def test_staff_import_a_document_as_a_new_workspace(acme, as_user):
    newcomer = UserFactory(is_staff=True)
    document = workspace_export(workspace=acme.workspace)
    response = as_user(newcomer).post(
        reverse("workspace_import"),
        {"document": _upload(document), "name": "Acme (copy)", "slug": ""},
    )
    workspace = Workspace.objects.get(name="Acme (copy)")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", kwargs={"ws": workspace.slug})
    assert workspace.slug == "acme-copy"
    assert Membership.objects.get(workspace=workspace, user=newcomer).role == Role.ADMIN


def test_the_create_page_offers_the_import_to_staff(as_user):
    response = as_user(UserFactory(is_staff=True)).get(reverse("workspace_create"))
    assert b'enctype="multipart/form-data"' in response.content
    assert reverse("workspace_import").encode() in response.content


def test_people_who_are_not_staff_cannot_import(acme, as_user):
    """An import enrols everyone the file names; a member may not enrol strangers."""
    document = workspace_export(workspace=acme.workspace)
    person = UserFactory()
    assert reverse("workspace_import").encode() not in (
        as_user(person).get(reverse("workspace_create")).content
    )
    response = as_user(person).post(
        reverse("workspace_import"), {"document": _upload(document), "name": "Stolen"}
    )
    assert response.status_code == 403
    assert not Workspace.objects.filter(name="Stolen").exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "This file is not JSON"),
        (b"\xff\xfe", "This file is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "This file is nested too deeply to be an export."),
        (json.dumps({"format": "csv"}).encode(), "This is not an Alignment workspace export"),
    ],
)
def test_a_bad_upload_is_shown_on_the_form(as_user, body, message):
    response = as_user(UserFactory(is_staff=True)).post(
        reverse("workspace_import"), {"document": _upload(body), "name": "X"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Workspace.objects.exists()


def test_a_too_large_upload_is_refused(as_user, monkeypatch):
    monkeypatch.setattr("teams.forms.MAX_IMPORT_BYTES", 10)
    response = as_user(UserFactory(is_staff=True)).post(
        reverse("workspace_import"), {"document": _upload(b"{}" * 10), "name": "X"}
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_anonymous_visitor_cannot_import(client):
    response = client.post(reverse("workspace_import"), {"document": _upload(b"{}")})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Commands -------------------------------------------------------------------------------


def test_commands_export_to_a_file_and_import_it(acme, tmp_path):
    path = tmp_path / "acme.json"
    call_command("workspace_export", "acme", "-o", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "workspace_import",
        str(path),
        "--slug",
        "acme-2",
        "--name",
        "Acme 2",
        "--actor",
        "ada",
        stdout=out,
    )
    assert "Acme 2" in out.getvalue()
    assert Workspace.objects.get(slug="acme-2").departments.count() == 4


def test_import_command_reports_a_bad_document(acme, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "alignment-workspace", "version": 7}')
    with pytest.raises(CommandError, match="version 7"):
        call_command("workspace_import", str(path), "--slug", "x", "--name", "X", "--actor", "ada")


def test_a_copy_s_agendas_and_calendars_point_into_the_copy():
    source = demo_with_everything()
    copy_ = workspace_import(
        document=workspace_export(workspace=source),
        actor=User.objects.get(username="admin"),
        slug="acme-3",
        name="Copy",
    )
    items = AgendaItem.objects.filter(meeting__workspace=copy_).exclude(link="")
    assert items
    assert all(item.link.startswith("/w/acme-3/") for item in items)
    goals = set(Goal.objects.filter(workspace=copy_).values_list("pk", flat=True))
    at_risk = items.filter(kind=AgendaItem.Kind.GOAL_AT_RISK)
    assert at_risk
    assert {item.source_id for item in at_risk} <= goals
    old, new = (Forum.objects.get(workspace=w, name="Growth forum") for w in (source, copy_))
    conflict = Conflict.objects.get(workspace=copy_, title__startswith="Launch budget")
    meeting = new.meetings.order_by("starts_at").first()
    key = f"conflict:{conflict.pk}"
    assert (meeting.agenda_order, meeting.agenda_minutes) == ([key], {key: 20})
    assert (new.ical_uid, new.feed_key) != (old.ical_uid, old.feed_key)
    assert set(new.departments.values_list("name", flat=True)) == set(
        old.departments.values_list("name", flat=True)
    )
    guests = Forum.objects.get(workspace=copy_, name="Quarterly partner review").guests
    assert list(guests.values_list("username", flat=True)) == ["partner"]
