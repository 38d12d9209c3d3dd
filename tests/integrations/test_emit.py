"""The services send webhook events: ``goal.status_changed`` whenever a goal's status moves
(edit, check-in, closing) and ``checkin.created`` for every check-in logged, with small stable
payloads; nothing when the change is refused or the status stays."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.test import APIClient

from checkins.services.checkins import checkin_save
from goals.models import Goal
from goals.services.closing import goal_close
from goals.services.goals import goal_update
from integrations.models import Event, WebhookDelivery
from teams.models import Membership
from tests.factories import GoalFactory, member
from tests.integrations.factories import WebhookFactory

pytestmark = pytest.mark.django_db

ACME = "/api/v1/workspaces/acme"


@pytest.fixture
def hook(acme):
    """A webhook of acme subscribed to both events."""
    return WebhookFactory(
        workspace=acme.workspace, events=[Event.GOAL_STATUS_CHANGED, Event.CHECKIN_CREATED]
    )


@pytest.fixture
def goal(acme) -> Goal:
    return GoalFactory(
        workspace=acme.workspace, owner_departments=[acme.product], title="Ship the app by May"
    )


def _payloads(event: str) -> list[dict]:
    return [d.payload for d in WebhookDelivery.objects.filter(event=event).order_by("pk")]


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_changing_a_goals_status_sends_its_old_and_new_status(acme, goal, hook):
    goal_update(goal=goal, membership=member(acme.leo), status=Goal.Status.AT_RISK)

    assert _payloads(Event.GOAL_STATUS_CHANGED) == [
        {
            "goal": {"id": goal.pk, "title": "Ship the app by May"},
            "from": "on_track",
            "to": "at_risk",
            "actor": {"id": acme.leo.pk, "name": acme.leo.get_full_name()},
        }
    ]
    assert WebhookDelivery.objects.get().webhook == hook


def test_an_edit_that_keeps_the_status_sends_nothing(acme, goal, hook):
    goal_update(
        goal=goal, membership=member(acme.leo), title="Ship the app by June", status=goal.status
    )
    assert not WebhookDelivery.objects.exists()


def test_a_refused_edit_sends_nothing(acme, goal, hook):
    with pytest.raises(ValidationError):
        goal_update(goal=goal, membership=member(acme.leo), status=Goal.Status.AT_RISK, weight=0)
    assert not WebhookDelivery.objects.exists()


def test_closing_a_goal_sends_its_status_change(acme, goal, hook):
    goal_close(
        membership=member(acme.leo),
        goal=goal,
        status=Goal.Status.MISSED,
        what_worked="a",
        what_to_change="b",
    )

    [payload] = _payloads(Event.GOAL_STATUS_CHANGED)
    leo = {"id": acme.leo.pk, "name": acme.leo.get_full_name()}
    assert (payload["from"], payload["to"], payload["actor"]) == ("on_track", "missed", leo)


def test_a_webhook_of_another_workspace_or_event_hears_nothing(acme, globex, goal):
    WebhookFactory(workspace=globex, events=[Event.GOAL_STATUS_CHANGED])
    WebhookFactory(workspace=acme.workspace, events=[Event.DECISION_RECORDED])

    goal_update(goal=goal, membership=member(acme.leo), status=Goal.Status.AT_RISK)

    assert not WebhookDelivery.objects.exists()


def _checkin(acme, goal, **fields):
    fields = {"value": Decimal("115"), "confidence": 5, **fields}
    return checkin_save(membership=Membership.objects.get(user=acme.leo), goal=goal, **fields)


def test_a_checkin_sends_checkin_created_and_the_status_it_set(acme, goal, hook):
    checkin = _checkin(acme, goal)

    assert _payloads(Event.CHECKIN_CREATED) == [
        _json(
            {
                "checkin": {
                    "id": checkin.pk,
                    "value": "115",
                    "confidence": 5,
                    "created_at": checkin.created_at,
                },
                "goal": {
                    "id": goal.pk,
                    "title": "Ship the app by May",
                    "status": "at_risk",
                    "progress": 50,
                },
                "author": {"id": acme.leo.pk, "name": acme.leo.get_full_name()},
                "correction": False,
            }
        )
    ]
    [status] = _payloads(Event.GOAL_STATUS_CHANGED)
    assert (status["from"], status["to"]) == ("on_track", "at_risk")


def test_correcting_the_cycles_checkin_says_so_and_keeps_its_id(acme, goal, hook):
    first = _checkin(acme, goal)
    second = _checkin(acme, goal, confidence=6)

    payloads = _payloads(Event.CHECKIN_CREATED)
    assert [(p["checkin"]["id"], p["correction"]) for p in payloads] == [
        (first.pk, False),
        (second.pk, True),
    ]
    assert len(_payloads(Event.GOAL_STATUS_CHANGED)) == 1


def test_a_refused_checkin_sends_nothing(acme, goal, hook):
    with pytest.raises(ValidationError):
        _checkin(acme, goal, value=None)
    assert not WebhookDelivery.objects.exists()


def test_the_api_sends_the_same_events(acme, goal, hook):
    client = APIClient()
    client.force_authenticate(acme.leo)
    assert client.patch(f"{ACME}/goals/{goal.pk}/", {"status": "off_track"}).status_code == 200
    checkin = client.post(f"{ACME}/goals/{goal.pk}/checkins/", {"value": "125", "confidence": 9})
    assert checkin.status_code == 201

    transitions = [(p["from"], p["to"]) for p in _payloads(Event.GOAL_STATUS_CHANGED)]
    assert transitions == [("on_track", "off_track"), ("off_track", "on_track")]
    [created] = _payloads(Event.CHECKIN_CREATED)
    assert created["checkin"]["id"] == checkin.json()["id"]


def test_the_event_reaches_the_receiver_after_commit(
    acme, goal, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(workspace=acme.workspace, url=receiver.url, events=[Event.CHECKIN_CREATED])

    with django_capture_on_commit_callbacks(execute=True):
        checkin = _checkin(acme, goal)

    [request] = receiver.requests
    body = json.loads(request.body)
    assert (body["event"], body["workspace"]) == ("checkin.created", "acme")
    assert body["data"]["checkin"]["id"] == checkin.pk
    assert request.headers["X-Alignment-Event"] == "checkin.created"
