"""Writes for webhooks and their deliveries; :func:`webhook_emit` is what other apps call."""

import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_record, update_audited
from integrations import sending
from integrations.models import Event, Webhook, WebhookDelivery
from teams.models import User, Workspace

logger = logging.getLogger(__name__)


def _new_secret() -> str:
    return secrets.token_hex(32)


def _save(webhook: Webhook) -> None:
    webhook.full_clean(validate_constraints=False)
    others = Webhook.objects.filter(workspace=webhook.workspace, url=webhook.url)
    if others.exclude(pk=webhook.pk).exists():
        raise ValidationError({"url": "This address already has a webhook."})
    try:
        with transaction.atomic():
            webhook.save()
    except IntegrityError:
        raise ValidationError({"url": "This address already has a webhook."}) from None


@transaction.atomic
def webhook_create(
    *, workspace: Workspace, actor: User, url: str, events: Iterable[str], active: bool = True
) -> Webhook:
    """Register an endpoint; its signing secret is generated here."""
    webhook = Webhook(
        workspace=workspace,
        url=url.strip(),
        events=sorted(set(events)),
        active=active,
        secret=_new_secret(),
        created_by=actor,
    )
    _save(webhook)
    audit_record(
        workspace=workspace,
        actor=actor,
        verb="created",
        target=webhook,
        summary=f"{actor} added the webhook {webhook.url}",
    )
    return webhook


@transaction.atomic
def webhook_update(
    *,
    webhook: Webhook,
    actor: User,
    url: str,
    events: Iterable[str],
    active: bool,
    rotate_secret: bool = False,
) -> Webhook:
    fields = {"url": url.strip(), "events": sorted(set(events)), "active": active}

    def save(changed: Webhook) -> None:
        if rotate_secret:
            changed.secret = _new_secret()
        _save(changed)

    update_audited(
        webhook,
        fields,
        workspace=webhook.workspace,
        actor=actor,
        summary=f"{actor} changed the webhook {url.strip()}",
        save=save,
        # The secret itself never goes into the audit trail.
        related={"secret": ("(hidden)", "(rotated)")} if rotate_secret else None,
    )
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook, actor: User) -> None:
    audit_record(
        workspace=webhook.workspace,
        actor=actor,
        verb="deleted",
        target=webhook,
        summary=f"{actor} removed the webhook {webhook.url}",
    )
    webhook.delete()


def _enqueue(delivery: WebhookDelivery) -> None:
    from integrations.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk))


@transaction.atomic
def webhook_emit(
    *, workspace: Workspace, event: str, payload: dict[str, Any]
) -> list[WebhookDelivery]:
    """Send ``event`` with ``payload`` to every active webhook of ``workspace`` subscribed to it.

    Call it from the service that made the change, inside its transaction: a delivery row is
    written per webhook there, and each is sent by Celery (``deliver_webhook``) only after the
    transaction commits, so a rolled-back change sends nothing.

    ``event`` is one of :class:`integrations.models.Event` (``"goal.status_changed"``,
    ``"checkin.created"``, ``"decision.recorded"``); ``payload`` is a JSON-serialisable dict
    (dates, datetimes and decimals are allowed) describing what happened, e.g.
    ``{"goal": {"id": 7, "title": "…"}, "from": "on_track", "to": "at_risk"}``. Receivers get
    ``{"id", "event", "workspace", "created_at", "data": payload}``. Returns the deliveries made
    (none when nobody subscribed).
    """
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}; add it to integrations.models.Event.")
    json.dumps(payload, cls=DjangoJSONEncoder)  # fail in the caller, not in the worker
    hooks = [
        hook
        for hook in Webhook.objects.filter(workspace=workspace, active=True)
        if event in hook.events
    ]
    deliveries = [
        WebhookDelivery.objects.create(webhook=hook, event=event, payload=payload) for hook in hooks
    ]
    for delivery in deliveries:
        _enqueue(delivery)
    return deliveries


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, actor: User) -> WebhookDelivery:
    """Send a delivery's event and payload again, as a new delivery with its own id."""
    webhook = delivery.webhook
    if not webhook.active:
        raise ValidationError("Switch the webhook on before replaying its deliveries.")
    replay = WebhookDelivery.objects.create(
        webhook=webhook, event=delivery.event, payload=delivery.payload, replay_of=delivery
    )
    audit_record(
        workspace=webhook.workspace,
        actor=actor,
        verb="replayed",
        target=replay,
        summary=f"{actor} replayed delivery #{delivery.pk} to {webhook.url}",
    )
    _enqueue(replay)
    return replay


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes POSTed (and signed) for a delivery."""
    envelope = {
        "id": delivery.pk,
        "event": delivery.event,
        "workspace": delivery.webhook.workspace.slug,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def delivery_attempt(*, delivery_id: int, final: bool) -> sending.Outcome | None:
    """Make one attempt at a pending delivery and record it; ``final`` means no retry follows.

    Returns the outcome, or None when there is nothing to send (already done, deleted).
    Delivery is at least once: receivers deduplicate on ``X-Alignment-Delivery``.
    """
    delivery = (
        WebhookDelivery.objects.select_related("webhook__workspace")
        .filter(pk=delivery_id)
        .exclude(status__in=[WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED])
        .first()
    )
    if delivery is None:
        return None
    webhook = delivery.webhook
    if not webhook.active:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.error = "The webhook was switched off before this was sent."
        delivery.save(update_fields=["status", "error"])
        return None
    body = delivery_body(delivery)
    outcome = sending.post(
        webhook.url,
        body,
        {
            "X-Alignment-Event": delivery.event,
            "X-Alignment-Delivery": str(delivery.pk),
            "X-Alignment-Signature": sending.sign(body, webhook.secret),
        },
    )
    if outcome.ok:
        status = WebhookDelivery.Status.SUCCEEDED
    elif outcome.retryable and not final:
        status = WebhookDelivery.Status.RETRYING
    else:
        status = WebhookDelivery.Status.FAILED
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + 1,
        response_status=outcome.status,
        response_body=outcome.body,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
        delivered_at=timezone.now() if outcome.ok else None,
    )
    logger.info(
        "webhook delivery %s (%s) attempt %s to %s: %s in %s ms",
        delivery.pk,
        delivery.event,
        delivery.attempts + 1,
        webhook.url,
        outcome.status or outcome.error,
        outcome.duration_ms,
    )
    return outcome
