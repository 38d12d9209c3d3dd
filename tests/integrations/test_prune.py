"""Webhook deliveries are kept ``WEBHOOK_DELIVERY_RETENTION_DAYS`` days, then pruned daily."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations import tasks
from integrations.models import WebhookDelivery
from tests.integrations.factories import WebhookDeliveryFactory, WebhookFactory

DAY = dt.timedelta(days=1)


def _delivered(webhook, age: dt.timedelta, **fields) -> WebhookDelivery:
    delivery = WebhookDeliveryFactory(webhook=webhook, **fields)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - age)
    return delivery


@pytest.fixture
def webhook(db):
    return WebhookFactory()


def test_deliveries_past_the_retention_go_in_batches_and_the_rest_stay(webhook, monkeypatch):
    monkeypatch.setattr(tasks, "PRUNE_BATCH", 2)
    old = [_delivered(webhook, 31 * DAY, status=status) for status in ("succeeded", "failed")]
    old += [_delivered(webhook, 400 * DAY) for _ in range(3)]
    kept = [_delivered(webhook, 29 * DAY), _delivered(webhook, dt.timedelta(0))]
    assert tasks.prune_webhook_deliveries.delay().get() == 5
    assert set(WebhookDelivery.objects.all()) == set(kept)
    assert tasks.prune_webhook_deliveries.delay().get() == 0
    assert not WebhookDelivery.objects.filter(pk__in=[d.pk for d in old]).exists()


def test_a_replay_outlives_its_pruned_original(webhook):
    original = _delivered(webhook, 40 * DAY, status="failed")
    replay = _delivered(webhook, 2 * DAY, replay_of=original)
    assert tasks.prune_webhook_deliveries.delay().get() == 1
    replay.refresh_from_db()
    assert replay.replay_of is None


def test_the_retention_is_a_setting(webhook, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 7
    _delivered(webhook, 8 * DAY)
    recent = _delivered(webhook, 6 * DAY)
    assert tasks.prune_webhook_deliveries.delay().get() == 1
    assert list(WebhookDelivery.objects.all()) == [recent]


def test_queries_grow_with_the_batches_not_the_rows(webhook):
    def queries(count: int) -> int:
        for _ in range(count):
            _delivered(webhook, 60 * DAY)
        with CaptureQueriesContext(connection) as ctx:
            assert tasks.prune_webhook_deliveries.delay().get() == count
        return len(ctx)

    assert queries(3) == queries(30)


def test_beat_prunes_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-webhook-deliveries"]
    assert entry["task"] == "integrations.tasks.prune_webhook_deliveries"
    assert entry["schedule"] == 24 * 60 * 60
