"""The webhook pages an admin uses: list, add, edit, delete, the delivery log and replay."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from integrations.models import Webhook, WebhookDelivery
from tests.callbacks import app_callbacks
from tests.integrations.factories import WebhookDeliveryFactory, WebhookFactory

pytestmark = pytest.mark.django_db


def _url(name: str, **kwargs) -> str:
    return reverse(name, kwargs={"ws": "acme", **kwargs})


def test_an_admin_with_no_webhooks_is_told_how_to_add_one(acme, as_user):
    response = as_user(acme.ada).get(_url("webhook_list"))
    assert response.status_code == 200
    assert b"No webhooks yet." in response.content
    assert b"Add the first webhook" in response.content


def test_the_list_shows_each_webhook_with_its_events_and_latest_delivery(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace, events=["checkin.created"])
    WebhookDeliveryFactory(webhook=hook, status=WebhookDelivery.Status.FAILED)

    response = as_user(acme.ada).get(_url("webhook_list"))

    assert hook.url in response.content.decode()
    assert b"A check-in was logged" in response.content
    assert b"Failed" in response.content


def test_adding_a_webhook_makes_a_secret_and_shows_it(acme, as_user):
    client = as_user(acme.ada)
    response = client.post(
        _url("webhook_create"),
        {
            "url": "https://crm.example.com/hooks/alignment",
            "events": ["goal.status_changed", "decision.recorded"],
            "active": "on",
        },
    )

    hook = Webhook.objects.get(workspace=acme.workspace)
    assert response.status_code == 302
    assert response["Location"] == _url("webhook_edit", pk=hook.pk)
    assert hook.events == ["decision.recorded", "goal.status_changed"]
    assert len(hook.secret) == 64
    assert hook.created_by == acme.ada
    assert hook.secret in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(verb="created", target_type="webhook").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "http://crm.example.com/h", "events": ["checkin.created"]}, "url", "https://"),
        ({"url": "https://10.0.0.7/h", "events": ["checkin.created"]}, "url", "private"),
        ({"url": "not a url", "events": ["checkin.created"]}, "url", "Enter a valid URL."),
        ({"url": "https://crm.example.com/h"}, "events", "Choose at least one event."),
        ({"url": "https://crm.example.com/h", "events": ["goal.deleted"]}, "events", "valid"),
    ],
)
def test_a_bad_webhook_is_refused_next_to_the_field(acme, as_user, data, field, message):
    response = as_user(acme.ada).post(_url("webhook_create"), data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert b"is-invalid" in response.content
    assert not Webhook.objects.exists()


def test_editing_changes_events_and_can_rotate_the_secret(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace, secret="old-secret")

    response = as_user(acme.ada).post(
        _url("webhook_edit", pk=hook.pk),
        {"url": hook.url, "events": ["checkin.created"], "rotate_secret": "on"},
    )

    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.events == ["checkin.created"]
    assert hook.active is False
    assert hook.secret != "old-secret"


def test_a_bad_edit_keeps_the_stored_webhook(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace)
    url = hook.url

    response = as_user(acme.ada).post(
        _url("webhook_edit", pk=hook.pk), {"url": "https://127.0.0.1/", "events": ["x"]}
    )

    assert response.status_code == 400
    hook.refresh_from_db()
    assert hook.url == url


def test_deleting_a_webhook_removes_its_deliveries(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace)
    WebhookDeliveryFactory(webhook=hook)

    response = as_user(acme.ada).post(_url("webhook_delete", pk=hook.pk))

    assert response.status_code == 302
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_delivery_log_shows_response_status_body_and_errors(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace)
    WebhookDeliveryFactory(webhook=hook, response_status=503, response_body="upstream down")
    WebhookDeliveryFactory(
        webhook=hook, status="failed", response_status=None, error="Connection refused"
    )

    response = as_user(acme.ada).get(_url("webhook_deliveries", pk=hook.pk))

    page = response.content.decode()
    assert "HTTP 503" in page
    assert "upstream down" in page
    assert "Connection refused" in page
    assert "&quot;at_risk&quot;" in page


def test_replay_queues_a_new_delivery_and_says_so(
    acme, as_user, django_capture_on_commit_callbacks
):
    delivery = WebhookDeliveryFactory(webhook=WebhookFactory(workspace=acme.workspace))
    url = _url("webhook_delivery_replay", pk=delivery.webhook_id, delivery=delivery.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(acme.ada).post(url)

    replay = WebhookDelivery.objects.get(replay_of=delivery)
    assert response.status_code == 302
    assert replay.payload == delivery.payload
    assert replay.status == WebhookDelivery.Status.PENDING
    assert len(app_callbacks(callbacks)) == 1


def test_replay_over_htmx_answers_with_the_refreshed_log(acme, as_user):
    delivery = WebhookDeliveryFactory(webhook=WebhookFactory(workspace=acme.workspace))
    url = _url("webhook_delivery_replay", pk=delivery.webhook_id, delivery=delivery.pk)

    response = as_user(acme.ada).post(url, HTTP_HX_REQUEST="true")

    replay = WebhookDelivery.objects.get(replay_of=delivery)
    assert response.status_code == 200
    assert "deliveriesChanged" in response["HX-Trigger"]
    assert response.content.decode().lstrip().startswith('<div id="delivery-log">')
    assert f"queued again as #{replay.pk}" in response.content.decode()


def test_a_webhook_that_is_off_cannot_replay(acme, as_user):
    delivery = WebhookDeliveryFactory(
        webhook=WebhookFactory(workspace=acme.workspace, active=False)
    )
    url = _url("webhook_delivery_replay", pk=delivery.webhook_id, delivery=delivery.pk)

    response = as_user(acme.ada).post(url, follow=True)

    assert b"Switch the webhook on" in response.content
    assert WebhookDelivery.objects.count() == 1


def test_a_delivery_of_another_webhook_cannot_be_replayed_through_this_one(acme, as_user):
    hook = WebhookFactory(workspace=acme.workspace)
    other = WebhookDeliveryFactory(webhook=WebhookFactory(workspace=acme.workspace))
    url = _url("webhook_delivery_replay", pk=hook.pk, delivery=other.pk)

    assert as_user(acme.ada).post(url).status_code == 404


def test_webhook_list_queries_stay_flat_as_webhooks_grow(acme, as_user, count_queries):
    client = as_user(acme.ada)
    for _ in range(5):
        WebhookDeliveryFactory(webhook=WebhookFactory(workspace=acme.workspace))
    few = count_queries(client, _url("webhook_list"))
    for _ in range(20):
        WebhookDeliveryFactory(webhook=WebhookFactory(workspace=acme.workspace))
    many = count_queries(client, _url("webhook_list"))
    assert few == many
    assert many.count <= 12


def test_delivery_log_queries_stay_flat_as_deliveries_grow(acme, as_user, count_queries):
    client = as_user(acme.ada)
    hook = WebhookFactory(workspace=acme.workspace)
    WebhookDeliveryFactory.create_batch(10, webhook=hook)
    few = count_queries(client, _url("webhook_deliveries", pk=hook.pk))
    WebhookDeliveryFactory.create_batch(40, webhook=hook)
    many = count_queries(client, _url("webhook_deliveries", pk=hook.pk))
    assert few == many
    assert many.count <= 12
    partial = count_queries(client, _url("webhook_deliveries", pk=hook.pk), HTTP_HX_REQUEST="true")
    assert partial.count <= 6
