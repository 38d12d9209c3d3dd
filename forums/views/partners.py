"""The partner registry: the list, one partner with its notes and review forums, and the forms
that keep it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors
from core.http import paginate
from forums import partners, selectors
from forums.forms import PartnerForm, PartnerNoteForm
from teams.models import Role
from teams.tenancy import WorkspaceRequest, workspace_view


@workspace_view(Role.MEMBER)
def partner_list(request: WorkspaceRequest) -> HttpResponse:
    context = {
        "page": paginate(request, selectors.partners(workspace=request.workspace), per_page=25),
        "can_add": partners.can_change(request.membership),
    }
    return render(request, "forums/partners.html", context)


@workspace_view(Role.MEMBER)
def partner_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(membership=request.membership, pk=pk)
    can_change = partners.can_change(request.membership, partner)
    form = PartnerNoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                partners.partner_note_add(
                    membership=request.membership, partner=partner, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Added the note.")
                return redirect("partner_detail", ws=request.workspace.slug, pk=partner.pk)
    context = {
        "partner": partner,
        "notes": partner.partner_notes.select_related("author"),
        "forums": partner.review_forums.order_by("name"),
        "can_change": can_change,
        "form": form,
    }
    return render(request, "forums/partner.html", context, status=status)


def _partner_form(request: WorkspaceRequest, partner=None) -> HttpResponse:
    initial = PartnerForm.initial_for(partner) if partner else None
    form = PartnerForm(request.POST or None, workspace=request.workspace, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if partner is None:
                    partner = partners.partner_create(
                        membership=request.membership, **form.cleaned_data
                    )
                else:
                    partners.partner_update(
                        membership=request.membership, partner=partner, **form.cleaned_data
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved {partner}.")
                return redirect("partner_detail", ws=request.workspace.slug, pk=partner.pk)
    context = {"form": form, "partner": partner}
    return render(request, "forums/partner_form.html", context, status=status)


@workspace_view(Role.EXECUTIVE)
def partner_create(request: WorkspaceRequest) -> HttpResponse:
    return _partner_form(request)


@workspace_view(Role.LEAD)
def partner_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get(membership=request.membership, pk=pk)
    if not partners.can_change(request.membership, partner):
        raise PermissionDenied(partners.REFUSED)
    return _partner_form(request, partner)
