"""Webhooks: who gets which event, signing, retries with backoff, refusals, replay."""

import hashlib
import hmac
import json
import socket

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import AuditEvent
from core.retries import BACKOFF_SECONDS, MAX_RETRIES
from integrations import services
from integrations.models import Event, WebhookDelivery
from integrations.sending import RESPONSE_LIMIT
from integrations.tasks import deliver_webhook
from tests.integrations.factories import WebhookFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"goal": {"id": 7, "title": "Cut CAC by 15%"}, "from": "on_track", "to": "at_risk"}


def _emit(workspace, capture, event=Event.GOAL_STATUS_CHANGED, payload=PAYLOAD):
    with capture(execute=True):
        return services.webhook_emit(workspace=workspace, event=event, payload=payload)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_emit_makes_a_delivery_for_each_active_subscribed_webhook_of_the_workspace(acme, globex):
    subscribed = WebhookFactory(workspace=acme.workspace, events=["goal.status_changed"])
    WebhookFactory(workspace=acme.workspace, events=["checkin.created"])
    WebhookFactory(workspace=acme.workspace, events=["goal.status_changed"], active=False)
    WebhookFactory(workspace=globex, events=["goal.status_changed"])

    deliveries = services.webhook_emit(
        workspace=acme.workspace, event="goal.status_changed", payload=PAYLOAD
    )

    assert [d.webhook for d in deliveries] == [subscribed]
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_emit_refuses_an_unknown_event_and_a_payload_that_is_not_json(acme):
    with pytest.raises(ValueError, match="Unknown webhook event"):
        services.webhook_emit(workspace=acme.workspace, event="goal.renamed", payload={})
    with pytest.raises(TypeError):
        services.webhook_emit(
            workspace=acme.workspace, event="goal.status_changed", payload={"x": object()}
        )


def test_delivery_is_signed_with_the_secret_and_names_event_and_delivery(
    acme, receiver, django_capture_on_commit_callbacks
):
    hook = WebhookFactory(workspace=acme.workspace, url=receiver.url, secret="s3cret")

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    expected = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Alignment-Signature"] == f"sha256={expected}"
    assert request.headers["X-Alignment-Event"] == "goal.status_changed"
    assert request.headers["X-Alignment-Delivery"] == str(delivery.pk)
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    assert body["id"] == delivery.pk
    assert body["event"] == "goal.status_changed"
    assert body["workspace"] == "acme"
    assert body["data"] == PAYLOAD
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.response_status == 200
    assert delivery.response_body == '{"ok": true}'
    assert delivery.delivered_at is not None
    assert delivery.duration_ms is not None
    assert hook.deliveries.count() == 1


def test_a_server_error_is_retried_with_growing_waits_until_delivered(
    acme, receiver, django_capture_on_commit_callbacks, monkeypatch
):
    waits = []
    original = deliver_webhook.retry
    monkeypatch.setattr(
        deliver_webhook,
        "retry",
        lambda **kwargs: waits.append(kwargs["countdown"]) or original(**kwargs),
    )
    receiver.replies = [500, 503]
    WebhookFactory(workspace=acme.workspace, url=receiver.url)

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 3
    assert waits == [BACKOFF_SECONDS, BACKOFF_SECONDS * 2]
    assert {r.headers["X-Alignment-Delivery"] for r in receiver.requests} == {str(delivery.pk)}


def test_a_receiver_that_keeps_failing_is_given_up_on_after_six_retries(
    acme, receiver, django_capture_on_commit_callbacks
):
    receiver.replies = [502] * 20
    WebhookFactory(workspace=acme.workspace, url=receiver.url)

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == MAX_RETRIES + 1 == len(receiver.requests)
    assert delivery.response_status == 502
    assert delivery.response_body == "receiver says no"


def test_a_client_error_fails_at_once_and_keeps_the_response(
    acme, receiver, django_capture_on_commit_callbacks
):
    receiver.replies = [410]
    WebhookFactory(workspace=acme.workspace, url=receiver.url)

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 1)
    assert delivery.response_status == 410
    assert delivery.response_body == "receiver says no"


def test_a_long_response_is_kept_only_in_part(acme, receiver, django_capture_on_commit_callbacks):
    receiver.reply_body = b"x" * (RESPONSE_LIMIT * 3)
    WebhookFactory(workspace=acme.workspace, url=receiver.url)

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert len(delivery.response_body) == RESPONSE_LIMIT


def test_a_network_error_is_retried_and_logged(
    acme, settings, django_capture_on_commit_callbacks, caplog
):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    WebhookFactory(workspace=acme.workspace, url=f"http://127.0.0.1:{_free_port()}/hook")

    with caplog.at_level("INFO", logger="integrations.services"):
        [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == MAX_RETRIES + 1
    assert delivery.response_status is None
    assert "refused" in delivery.error.lower()
    attempts = [r for r in caplog.records if f"delivery {delivery.pk} " in r.getMessage()]
    assert len(attempts) == MAX_RETRIES + 1


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
        "http://8.8.8.8/",
    ],
)
def test_internal_or_plain_http_addresses_are_refused_when_sending_without_retry(
    acme, url, django_capture_on_commit_callbacks
):
    WebhookFactory(workspace=acme.workspace, url=url)

    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 1)
    assert "private" in delivery.error or "https only" in delivery.error


def test_a_change_that_rolls_back_sends_nothing(acme, receiver, django_capture_on_commit_callbacks):
    WebhookFactory(workspace=acme.workspace, url=receiver.url)

    def change_that_fails() -> None:
        with transaction.atomic():
            services.webhook_emit(
                workspace=acme.workspace, event="goal.status_changed", payload=PAYLOAD
            )
            raise RuntimeError("the goal change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_replay_sends_the_same_payload_again_as_a_new_delivery(
    acme, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(workspace=acme.workspace, url=receiver.url)
    [first] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(delivery=first, actor=acme.ada)

    replay.refresh_from_db()
    assert replay.replay_of == first
    assert replay.status == WebhookDelivery.Status.SUCCEEDED
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [b["id"] for b in bodies] == [first.pk, replay.pk]
    assert bodies[0]["data"] == bodies[1]["data"] == PAYLOAD
    assert AuditEvent.objects.filter(verb="replayed", target_id=replay.pk).exists()


def test_a_delivery_already_done_is_not_sent_twice(
    acme, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(workspace=acme.workspace, url=receiver.url)
    [delivery] = _emit(acme.workspace, django_capture_on_commit_callbacks)

    deliver_webhook.delay(delivery.pk)

    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://127.0.0.1/x", "private"),
        ("https://192.168.1.10/x", "private"),
        ("https://[::1]/x", "private"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://localhost/x", "internal"),
        ("ftp://hooks.example.com/x", "https://"),
    ],
)
def test_webhook_address_must_be_public_https(acme, url, message):
    with pytest.raises(ValidationError) as error:
        services.webhook_create(
            workspace=acme.workspace, actor=acme.ada, url=url, events=["checkin.created"]
        )
    assert message in " ".join(error.value.message_dict["url"])


def test_webhook_needs_events_it_knows(acme):
    for events, message in [([], "Choose at least one event."), (["x"], "Unknown events: x.")]:
        with pytest.raises(ValidationError) as error:
            services.webhook_create(
                workspace=acme.workspace,
                actor=acme.ada,
                url="https://a.example.com/",
                events=events,
            )
        assert error.value.message_dict["events"] == [message]


def test_one_address_has_one_webhook_per_workspace(acme, globex, oscar):
    url = "https://a.example.com/hook"
    services.webhook_create(
        workspace=acme.workspace, actor=acme.ada, url=url, events=["checkin.created"]
    )

    with pytest.raises(ValidationError) as error:
        services.webhook_create(
            workspace=acme.workspace, actor=acme.ada, url=url, events=["decision.recorded"]
        )

    assert error.value.message_dict["url"] == ["This address already has a webhook."]
    services.webhook_create(workspace=globex, actor=oscar, url=url, events=["checkin.created"])
