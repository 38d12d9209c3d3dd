"""Tenancy cases for the webhook pages (see tests/test_tenancy.py)."""

from teams.models import Role
from tests.integrations.factories import WebhookDeliveryFactory, WebhookFactory
from tests.routes import Route


def _webhook(workspace) -> dict:
    return {"pk": WebhookFactory(workspace=workspace).pk}


def _delivery(workspace) -> dict:
    delivery = WebhookDeliveryFactory(webhook=WebhookFactory(workspace=workspace))
    return {"pk": delivery.webhook_id, "delivery": delivery.pk}


ROUTES = [
    Route("webhook_list", Role.ADMIN),
    Route("webhook_create", Role.ADMIN),
    Route("webhook_create", Role.ADMIN, "post"),
    Route(
        "webhook_edit",
        Role.ADMIN,
        kwargs=lambda acme: _webhook(acme.workspace),
        foreign=_webhook,
    ),
    Route(
        "webhook_edit",
        Role.ADMIN,
        "post",
        kwargs=lambda acme: _webhook(acme.workspace),
        foreign=_webhook,
    ),
    Route(
        "webhook_delete",
        Role.ADMIN,
        "post",
        kwargs=lambda acme: _webhook(acme.workspace),
        foreign=_webhook,
    ),
    Route(
        "webhook_deliveries",
        Role.ADMIN,
        kwargs=lambda acme: _webhook(acme.workspace),
        foreign=_webhook,
    ),
    Route(
        "webhook_delivery_replay",
        Role.ADMIN,
        "post",
        kwargs=lambda acme: _delivery(acme.workspace),
        foreign=_delivery,
    ),
]
