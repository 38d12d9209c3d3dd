"""The Tokens page (/account/tokens/): a person's API tokens, a new one shown once, revoking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from alignment.api.forms import TokenForm
from alignment.api.services import api_token_create, api_token_revoke
from alignment.lib.forms import add_service_errors
from alignment.lib.http import paginate
from alignment.models import ApiToken


def _page(request: HttpRequest, form: TokenForm, status: int = 200, **extra) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    context = {"form": form, "page": paginate(request, tokens), **extra}
    template = "account/tokens.html#token-list" if request.htmx else "account/tokens.html"
    return render(request, template, context, status=status)


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List the active tokens; a valid POST makes one and shows its key on this response only."""
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                token, key = api_token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Created the token “{token.name}”.")
                return _page(request, TokenForm(), new_key=key, new_token=token)
        return _page(request, form, status=400)
    return _page(request, form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    api_token_revoke(token=token, actor=request.user)
    if request.htmx:
        response = _page(request, TokenForm(), revoked=token)
        return trigger_client_event(response, "tokensChanged")
    messages.success(request, f"Revoked the token “{token.name}”. Requests using it now fail.")
    return redirect("api_tokens")
