"""The decision log and action items of API v1: searching decisions, whose action items are
listed, and marking them done (their owner, or whoever runs the forum they came from)."""

import datetime as dt

import pytest

from conflicts.models import Conflict
from forums import outcomes
from forums.models import ActionItem
from tests.api.forums_helpers import BASE, make_action, make_decision
from tests.factories import member
from tests.forums.decisions import direct, settled, taken_on

pytestmark = pytest.mark.django_db

DECISIONS, ACTIONS = f"{BASE}decisions/", f"{BASE}action-items/"


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()


# --- Decisions ---------------------------------------------------------------------------------


def test_the_decision_log_lists_every_decision_newest_first(acme, api_as):
    first = make_decision(acme.workspace, "Keep the budget", departments=[acme.marketing])
    second = make_decision(
        acme.workspace,
        "Hire two engineers",
        departments=[acme.product, acme.sales],
        review_on=acme.workspace.today() + dt.timedelta(days=30),
    )

    body = api_as(acme.mia).get(DECISIONS).json()

    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][0]
    assert row.pop("created_at")
    assert row == {
        "id": second.pk,
        "title": "Hire two engineers",
        "rationale": "It works.",
        "decided_by": acme.ada.pk,
        "departments": sorted([acme.product.pk, acme.sales.pk]),
        "review_on": str(acme.workspace.today() + dt.timedelta(days=30)),
        "source": "meeting",
        "kind": None,
        "meeting": second.meeting_id,
        "forum": second.meeting.forum_id,
        "conflict": None,
        "supersedes": None,
        "superseded_by": None,
    }


def test_the_decision_log_is_searched_and_filtered_by_department(acme, api_as):
    budget = make_decision(acme.workspace, "Keep the budget", departments=[acme.marketing])
    hiring = make_decision(acme.workspace, "Hire two engineers", departments=[acme.product])
    client = api_as(acme.mia)

    found = client.get(DECISIONS, {"search": " budget "}).json()["results"]
    assert [row["id"] for row in found] == [budget.pk]
    by_department = client.get(DECISIONS, {"department": acme.product.pk}).json()["results"]
    assert [row["id"] for row in by_department] == [hiring.pk]
    assert "search" in _errors(client.get(DECISIONS, {"search": "x" * 101}))


def test_the_decision_log_is_filtered_by_kind_source_and_days(acme, api_as):
    meeting = make_decision(acme.workspace, "Keep the budget", departments=[acme.marketing])
    conflict = settled(acme, "Launch budget", kind=Conflict.Kind.TIMELINE)
    direct_one = direct(acme, "Hire two", departments=[acme.sales])
    taken_on(meeting, dt.date(2026, 2, 1), acme.workspace)
    client = api_as(acme.mia)

    def ids(**params) -> list[int]:
        response = client.get(DECISIONS, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(source="conflict") == [conflict.pk]
    assert ids(source="meeting") == [meeting.pk]
    assert ids(source="direct") == [direct_one.pk]
    assert ids(kind="timeline") == [conflict.pk]
    assert ids(kind="scope") == []
    assert ids(**{"from": "2026-01-01", "to": "2026-02-28"}) == [meeting.pk]
    assert ids(search="budget", source="conflict") == [conflict.pk]
    assert "to" in _errors(client.get(DECISIONS, {"from": "2026-03-01", "to": "2026-02-01"}))
    assert "kind" in _errors(client.get(DECISIONS, {"kind": "budget"}))
    assert "source" in _errors(client.get(DECISIONS, {"source": "email"}))
    assert "from" in _errors(client.get(DECISIONS, {"from": "soon"}))


def test_a_decision_says_its_conflict_and_what_it_superseded(acme, api_as):
    settled_one = settled(acme, "Launch budget")
    new = outcomes.decision_supersede(
        membership=member(acme.ada),
        decision=settled_one,
        title="Split the budget 50/50",
        rationale="Sales grew.",
        departments=[acme.sales, acme.product],
    )
    client = api_as(acme.mia)
    old_row = client.get(f"{DECISIONS}{settled_one.pk}/").json()
    assert old_row["conflict"] == Conflict.objects.get(decision=settled_one).pk
    assert (old_row["source"], old_row["kind"]) == ("conflict", "resources")
    assert (old_row["supersedes"], old_row["superseded_by"]) == (None, new.pk)
    new_row = client.get(f"{DECISIONS}{new.pk}/").json()
    assert (new_row["source"], new_row["conflict"]) == ("direct", None)
    assert (new_row["supersedes"], new_row["superseded_by"]) == (settled_one.pk, None)


def test_the_decision_list_makes_as_many_queries_for_many_decisions_as_for_few(
    acme, api_as, count_queries
):
    client = api_as(acme.mia)

    def grow(n: int) -> None:
        for i in range(n):
            make_decision(acme.workspace, f"Budget {i}", departments=[acme.sales])
            old = settled(acme, f"Budget conflict {i}")
            outcomes.decision_supersede(
                membership=member(acme.ada),
                decision=old,
                title=f"Budget {i} again",
                rationale="Numbers moved.",
                departments=[acme.sales],
            )

    grow(1)
    few = [count_queries(client, DECISIONS + tail) for tail in ("", "?search=budget&kind=other")]
    grow(4)
    many = [count_queries(client, DECISIONS + tail) for tail in ("", "?search=budget&kind=other")]
    assert few == many


def test_one_decision_is_read_by_members_and_does_not_exist_for_guests(acme, api_as):
    decision = make_decision(acme.workspace)
    assert api_as(acme.mia).get(f"{DECISIONS}{decision.pk}/").json()["title"] == "Keep the budget"
    response = api_as(acme.gus).get(f"{DECISIONS}{decision.pk}/")
    assert response.status_code == 404


# --- Action items ------------------------------------------------------------------------------


def test_action_items_are_the_callers_open_ones_by_default(acme, api_as):
    today = acme.workspace.today()
    late = make_action(acme.workspace, owner=acme.mia, title="Send the quote")
    ActionItem.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=2))
    soon = make_action(acme.workspace, owner=acme.mia, due_on=today + dt.timedelta(days=3))
    done = make_action(acme.workspace, owner=acme.mia)
    ActionItem.objects.filter(pk=done.pk).update(status=ActionItem.Status.DONE)
    make_action(acme.workspace, owner=acme.leo)

    body = api_as(acme.mia).get(ACTIONS).json()

    assert [row["id"] for row in body["results"]] == [late.pk, soon.pk]
    row = body["results"][0]
    assert row.pop("created_at")
    assert row == {
        "id": late.pk,
        "title": "Send the quote",
        "owner": acme.mia.pk,
        "department": None,
        "due_on": str(today - dt.timedelta(days=2)),
        "status": "open",
        "overdue": True,
        "meeting": late.meeting_id,
        "forum": late.meeting.forum_id,
        "closed_at": None,
    }
    assert body["results"][1]["overdue"] is False


def test_action_items_of_others_and_of_other_statuses(acme, globex, api_as):
    leos = make_action(acme.workspace, owner=acme.leo)
    dropped = make_action(acme.workspace, owner=acme.leo)
    ActionItem.objects.filter(pk=dropped.pk).update(status=ActionItem.Status.DROPPED)
    client = api_as(acme.mia)

    rows = client.get(ACTIONS, {"owner": acme.leo.pk}).json()["results"]
    assert [row["id"] for row in rows] == [leos.pk]
    rows = client.get(ACTIONS, {"owner": acme.leo.pk, "status": "dropped"}).json()["results"]
    assert [row["id"] for row in rows] == [dropped.pk]
    outsider = globex.memberships.get().user
    assert (
        "exists in this workspace"
        in _errors(client.get(ACTIONS, {"owner": outsider.pk}))["owner"][0]
    )
    assert "status" in _errors(client.get(ACTIONS, {"status": "late"}))


def test_the_owner_marks_an_action_done_and_opens_it_again(acme, api_as):
    action = make_action(acme.workspace, owner=acme.mia)
    url = f"{ACTIONS}{action.pk}/"

    done = api_as(acme.mia).patch(url, {"status": "done"})

    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert done.json()["closed_at"] is not None
    reopened = api_as(acme.mia).patch(url, {"status": "open"}).json()
    assert (reopened["status"], reopened["closed_at"]) == ("open", None)


def test_only_the_owner_or_whoever_runs_the_forum_changes_an_action(acme, api_as):
    action = make_action(acme.workspace, owner=acme.mia)
    url = f"{ACTIONS}{action.pk}/"

    refused = api_as(acme.leo).patch(url, {"status": "dropped"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only its owner or the forum's facilitator changes an action."
    )
    assert api_as(acme.ada).patch(url, {"status": "dropped"}).json()["status"] == "dropped"
    assert "status" in _errors(api_as(acme.mia).patch(url, {"status": "finished"}))
    assert "status" in _errors(api_as(acme.mia).patch(url, {}))
