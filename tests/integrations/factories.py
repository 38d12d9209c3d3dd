"""Factories for webhooks (kept with their tests: tests/factories.py is shared)."""

import factory

from integrations.models import Event, Webhook, WebhookDelivery
from tests.factories import WorkspaceFactory


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    workspace = factory.SubFactory(WorkspaceFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.com/alignment/{n}")
    secret = factory.Sequence(lambda n: f"secret-{n:032d}")
    events = factory.LazyFunction(lambda: [Event.GOAL_STATUS_CHANGED])


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    webhook = factory.SubFactory(WebhookFactory)
    event = Event.GOAL_STATUS_CHANGED
    payload = factory.LazyFunction(lambda: {"goal": {"id": 1}, "from": "on_track", "to": "at_risk"})
    status = WebhookDelivery.Status.SUCCEEDED
    attempts = 1
    response_status = 200
