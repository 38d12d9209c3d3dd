"""Webhook pages for workspace admins: list, create, edit, delete, the delivery log, replay."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from core.forms import add_service_errors
from core.http import paginate
from integrations import selectors, services
from integrations.forms import WebhookEditForm, WebhookForm
from integrations.models import Webhook
from teams.models import Role
from teams.tenancy import WorkspaceRequest, get_scoped, workspace_view

DELIVERIES_PER_PAGE = 25


@workspace_view(Role.ADMIN)
def webhook_list(request: WorkspaceRequest) -> HttpResponse:
    webhooks = selectors.webhook_list(workspace=request.workspace)
    return render(request, "integrations/webhook_list.html", {"page": paginate(request, webhooks)})


@workspace_view(Role.ADMIN)
def webhook_create(request: WorkspaceRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                webhook = services.webhook_create(
                    workspace=request.workspace, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "Webhook added. Put its signing secret into your receiver."
                )
                return redirect("webhook_edit", ws=request.workspace.slug, pk=webhook.pk)
        return render(request, "integrations/webhook_form.html", {"form": form}, status=400)
    return render(request, "integrations/webhook_form.html", {"form": form})


@workspace_view(Role.ADMIN)
def webhook_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    webhook = get_scoped(Webhook.objects.all(), request.workspace, pk=pk)
    form = WebhookEditForm(
        request.POST or None,
        initial={"url": webhook.url, "events": webhook.events, "active": webhook.active},
    )
    context = {"form": form, "webhook": webhook}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.webhook_update(webhook=webhook, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Webhook saved.")
                return redirect("webhook_edit", ws=request.workspace.slug, pk=webhook.pk)
        webhook.refresh_from_db()
        return render(request, "integrations/webhook_form.html", context, status=400)
    return render(request, "integrations/webhook_form.html", context)


@workspace_view(Role.ADMIN)
@require_POST
def webhook_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    webhook = get_scoped(Webhook.objects.all(), request.workspace, pk=pk)
    services.webhook_delete(webhook=webhook, actor=request.user)
    messages.success(request, f"Removed the webhook {webhook.url} and its delivery log.")
    return redirect("webhook_list", ws=request.workspace.slug)


def _deliveries(request: WorkspaceRequest, webhook: Webhook, status: int = 200, **extra):
    page = paginate(request, selectors.delivery_log(webhook=webhook), DELIVERIES_PER_PAGE)
    context = {"webhook": webhook, "page": page, **extra}
    template = "integrations/deliveries.html"
    if request.htmx:
        template += "#delivery-log"
    return render(request, template, context, status=status)


@workspace_view(Role.ADMIN)
def webhook_deliveries(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """Every delivery to one webhook, newest first, with its response and a replay button."""
    webhook = get_scoped(Webhook.objects.all(), request.workspace, pk=pk)
    return _deliveries(request, webhook)


@workspace_view(Role.ADMIN)
@require_POST
def delivery_replay(request: WorkspaceRequest, pk: int, delivery: int) -> HttpResponse:
    webhook = get_scoped(Webhook.objects.all(), request.workspace, pk=pk)
    original = get_object_or_404(webhook.deliveries.all(), pk=delivery)
    try:
        replay = services.delivery_replay(delivery=original, actor=request.user)
    except ValidationError as error:
        if request.htmx:
            return _deliveries(request, webhook, status=400, problem=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
    else:
        notice = f"Delivery #{original.pk} queued again as #{replay.pk}."
        if request.htmx:
            response = _deliveries(request, webhook, notice=notice)
            return trigger_client_event(response, "deliveriesChanged")
        messages.success(request, notice)
    return redirect("webhook_deliveries", ws=request.workspace.slug, pk=webhook.pk)
