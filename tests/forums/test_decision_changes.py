"""Amending a decision (in place, its previous values kept as a revision) and superseding it
(a new or later decision replaces it, both linked), by whoever took it, executives and admins;
and the ``decision.recorded`` webhook, for meetings', conflicts' and superseding decisions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conflicts.models import Conflict
from forums import outcomes
from forums.models import Decision, DecisionRevision
from integrations.models import Event, WebhookDelivery
from tests.callbacks import app_callbacks
from tests.factories import member
from tests.forums.decisions import direct, in_meeting, settled
from tests.integrations.factories import WebhookFactory

pytestmark = pytest.mark.django_db


def _url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"ws": "acme", "pk": pk})


@pytest.fixture
def decision(acme) -> Decision:
    """Taken by mia (a member) for sales, recorded directly, reviewed in a month."""
    return direct(
        acme,
        "Hire two sales engineers",
        review_on=acme.workspace.today() + dt.timedelta(days=30),
    )


def _amend(acme, decision, who=None, **changes):
    fields = {
        "title": decision.title,
        "rationale": decision.rationale,
        "departments": list(decision.departments.all()),
        "review_on": decision.review_on,
        "reason": "The budget moved.",
        **changes,
    }
    return outcomes.decision_amend(membership=member(who or acme.mia), decision=decision, **fields)


# --- Amend -------------------------------------------------------------------------------------


def test_amending_keeps_what_it_said_before_and_shows_the_history(acme, as_user, decision):
    _amend(
        acme,
        decision,
        title="Hire three sales engineers",
        departments=[acme.sales, acme.product],
        reason="Product shares the cost.",
    )
    decision.refresh_from_db()
    assert decision.title == "Hire three sales engineers"
    assert {d.name for d in decision.departments.all()} == {"Sales", "Product"}
    revision = DecisionRevision.objects.get(decision=decision)
    assert (revision.title, revision.amended_by, revision.reason) == (
        "Hire two sales engineers",
        acme.mia,
        "Product shares the cost.",
    )
    assert [d.name for d in revision.departments.all()] == ["Sales"]
    html = as_user(acme.leo).get(_url("decision_detail", decision.pk)).content.decode()
    assert "Product shares the cost." in html
    assert "Before: <strong>Hire two sales engineers</strong>" in html


def test_the_amend_page_saves_and_names_bad_input_without_writing(acme, as_user, decision):
    client = as_user(acme.mia)
    url = _url("decision_amend", decision.pk)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "title": "",
            "rationale": "Still.",
            "departments": [acme.sales.pk],
            "review_on": str(acme.workspace.today() - dt.timedelta(days=1)),
            "reason": "",
        },
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) >= {"title", "reason"}
    past = client.post(
        url,
        {
            "title": decision.title,
            "rationale": decision.rationale,
            "departments": [acme.sales.pk],
            "review_on": str(acme.workspace.today() - dt.timedelta(days=1)),
            "reason": "Review sooner.",
        },
    )
    assert past.status_code == 400
    assert past.context["form"].errors["review_on"] == ["The review date must be in the future."]
    assert not DecisionRevision.objects.exists()
    good = client.post(
        url,
        {
            "title": "Hire three sales engineers",
            "rationale": decision.rationale,
            "departments": [acme.sales.pk],
            "review_on": str(decision.review_on),
            "reason": "Demand grew.",
        },
    )
    assert good.status_code == 302
    assert DecisionRevision.objects.filter(decision=decision).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"rationale": ""}, "rationale"),
        ({"departments": []}, "departments"),
        ({"reason": " ", "title": "Other"}, "reason"),
        ({"review_on": dt.date(2000, 1, 1)}, "review_on"),
        ({}, None),
    ],
)
def test_a_bad_amendment_is_refused_and_nothing_is_written(acme, decision, changes, field):
    with pytest.raises(ValidationError) as error:
        _amend(acme, decision, **changes)
    if field is None:
        assert error.value.messages[0].startswith("Nothing changed")
    else:
        assert field in error.value.message_dict
    decision.refresh_from_db()
    assert decision.title == "Hire two sales engineers"
    assert not DecisionRevision.objects.exists()


def test_the_decider_executives_and_admins_amend_others_get_403(acme, as_user, decision):
    with pytest.raises(PermissionDenied):
        _amend(acme, decision, who=acme.leo, title="Hire one")
    assert as_user(acme.leo).get(_url("decision_amend", decision.pk)).status_code == 403
    assert as_user(acme.leo).get(_url("decision_supersede", decision.pk)).status_code == 403
    response = as_user(acme.leo).post(_url("decision_supersede", decision.pk), {"title": "x"})
    assert response.status_code == 403
    _amend(acme, decision, who=acme.claire, title="Hire one", reason="Smaller start.")
    _amend(acme, decision, who=acme.ada, title="Hire two", reason="Demand grew again.")
    assert decision.revisions.count() == 2
    detail = as_user(acme.leo).get(_url("decision_detail", decision.pk)).content.decode()
    assert _url("decision_amend", decision.pk) not in detail


# --- Supersede ---------------------------------------------------------------------------------


def _supersede(acme, decision, who=None, **fields):
    values = {
        "title": "Hire one sales engineer now",
        "rationale": "Budget was cut.",
        "departments": [acme.sales],
        **fields,
    }
    return outcomes.decision_supersede(
        membership=member(who or acme.mia), decision=decision, **values
    )


def test_superseding_records_a_new_decision_linked_both_ways(acme, as_user, decision):
    new = _supersede(acme, decision)
    decision.refresh_from_db()
    assert decision.superseded_by == new
    assert new.supersedes == decision
    assert (new.decided_by, new.meeting) == (acme.mia, None)
    client = as_user(acme.leo)
    old_page = client.get(_url("decision_detail", decision.pk)).content.decode()
    assert "Superseded by" in old_page
    assert _url("decision_detail", new.pk) in old_page
    new_page = client.get(_url("decision_detail", new.pk)).content.decode()
    assert _url("decision_detail", decision.pk) in new_page
    log = client.get(reverse("decision_log", kwargs={"ws": "acme"})).content.decode()
    assert "decision-superseded" in log
    assert ">Superseded</span>" in log


def test_the_supersede_page_records_it_and_names_bad_input(acme, as_user, decision):
    client = as_user(acme.claire)
    url = _url("decision_supersede", decision.pk)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "", "rationale": "", "departments": []})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) >= {"title", "rationale", "departments"}
    past = client.post(
        url,
        {
            "title": "Hire none",
            "rationale": "Frozen.",
            "departments": [acme.sales.pk],
            "review_on": "2000-01-01",
        },
    )
    assert past.status_code == 400
    assert Decision.objects.count() == 1
    good = client.post(
        url, {"title": "Hire none", "rationale": "Frozen.", "departments": [acme.sales.pk]}
    )
    new = Decision.objects.get(title="Hire none")
    assert good["Location"] == _url("decision_detail", new.pk)
    again = client.get(url)
    assert again["Location"] == _url("decision_detail", new.pk)


def test_an_already_superseded_decision_is_neither_superseded_nor_amended(acme, decision):
    _supersede(acme, decision)
    decision.refresh_from_db()
    with pytest.raises(ValidationError, match="already superseded"):
        _supersede(acme, decision, title="Hire nobody")
    with pytest.raises(ValidationError, match="already superseded"):
        _amend(acme, decision, title="Hire nobody")
    assert Decision.objects.count() == 2


def test_a_later_decision_supersedes_one_not_itself_an_earlier_or_a_superseded_one(
    acme, as_user, decision, meeting
):
    later = in_meeting(acme, meeting, "Hire through an agency", departments=[acme.sales])
    mia = member(acme.mia)
    with pytest.raises(ValidationError, match="cannot supersede itself"):
        outcomes.decision_supersede_by(membership=mia, decision=decision, by=decision)
    claire = member(acme.claire)
    with pytest.raises(ValidationError, match="later one"):
        outcomes.decision_supersede_by(membership=claire, decision=later, by=decision)
    client = as_user(acme.mia)
    url = _url("decision_supersede_by", decision.pk)
    assert client.post(url, {"by": decision.pk}).status_code == 400  # not among the choices
    assert client.post(url, {"by": later.pk})["Location"] == _url("decision_detail", later.pk)
    decision.refresh_from_db()
    assert decision.superseded_by == later
    third = direct(acme, "Stop hiring")
    with pytest.raises(ValidationError, match="already supersedes"):
        outcomes.decision_supersede_by(membership=claire, decision=third, by=later)


def test_a_decision_of_another_workspace_does_not_supersede(acme, globex, decision):
    from tests.api.forums_helpers import make_decision

    foreign = make_decision(globex)
    with pytest.raises(ValidationError, match="this workspace"):
        outcomes.decision_supersede_by(membership=member(acme.mia), decision=decision, by=foreign)


# --- The decision.recorded webhook -------------------------------------------------------------


@pytest.fixture
def hook(acme):
    return WebhookFactory(workspace=acme.workspace, events=[Event.DECISION_RECORDED])


def _payloads() -> list[dict]:
    return [
        d.payload
        for d in WebhookDelivery.objects.filter(event=Event.DECISION_RECORDED).order_by("pk")
    ]


def test_a_meetings_decision_is_sent_once_it_commits(
    acme, meeting, hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = in_meeting(acme, meeting, "Move 10% to performance")
    [payload] = _payloads()
    assert payload["decision"]["id"] == decision.pk
    assert payload["decision"]["title"] == "Move 10% to performance"
    assert payload["decision"]["departments"] == [acme.marketing.pk]
    assert payload["decision"]["decided_by"] == {
        "id": acme.claire.pk,
        "name": acme.claire.get_full_name(),
    }
    assert payload["source"]["name"] == "meeting"
    assert payload["source"]["id"] == meeting.pk
    assert (payload["kind"], payload["supersedes"]) == (None, None)
    assert payload["actor"]["id"] == acme.claire.pk


def test_a_conflicts_decision_is_sent_with_its_conflict_and_kind(
    acme, hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = settled(acme, "Launch budget", kind=Conflict.Kind.TIMELINE)
    [payload] = _payloads()
    conflict = Conflict.objects.get(decision=decision)
    assert payload["source"]["name"] == "conflict"
    assert payload["source"]["id"] == conflict.pk
    assert payload["source"]["label"] == "Conflict: Launch budget"
    assert payload["source"]["url"].endswith(
        reverse("conflict_detail", kwargs={"ws": "acme", "pk": conflict.pk})
    )
    assert payload["kind"] == "timeline"


def test_superseding_sends_the_new_decision_and_a_refused_one_sends_nothing(
    acme, decision, hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = _supersede(acme, decision)
    [payload] = _payloads()
    assert payload["decision"]["id"] == new.pk
    assert payload["supersedes"] == {"id": decision.pk, "title": decision.title}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _supersede(acme, new, title="")
    assert len(_payloads()) == 1


def test_the_delivery_is_written_with_the_decision_and_sent_once_it_commits(
    acme, hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        direct(acme, "Hire two")
    # Written in the decision's transaction (nothing lost if the process dies after the
    # commit), sent by the task enqueued on commit.
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.payload["decision"]["title"] == "Hire two"
    assert len(app_callbacks(callbacks)) == 1
