"""Whole responses of the busiest pages and partials, cached per person, never stale.

:func:`cached_page` wraps a workspace view (inside ``teams.tenancy.workspace_view``, so the
membership and role are checked on every request before the cache is asked). A response is
kept under a key made of:

- the person's id (what they may see and do depends on their role and departments, and the
  navigation shows their name and workspaces; all of it is data the version tokens cover);
- the workspace's today (pages say "due in 3 days", "late"), or the current minute for a view
  that tells upcoming from past meetings (``per_minute=True``), the full path with its query
  string, and the HTMX headers that choose a fragment.

It is kept with the data's version for the workspace (:func:`core.freshness.lookup`, one cache
call for the version and the entry), read before the view reads any data: any write replaces
the version, so a stored response is never served after a change, from whichever process made
it.

Per request, only two things are filled in: the CSRF token (the stored body holds a placeholder
wherever the token was, replaced by a freshly masked one) and the flash messages (a request
with a message waiting is rendered, not cached). Only a plain 200 is kept.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone

from core import freshness

logger = logging.getLogger(__name__)

TIMEOUT = 600  # seconds; entries of replaced versions are never read again and just expire
CSRF_PLACEHOLDER = "\x00csrf\x00"
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_VARY_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger-Name", "HX-History-Restore-Request")
View = Callable[..., HttpResponse]


def key_for(request: HttpRequest, name: str, *, per_minute: bool = False) -> str:
    """The cache key of this request's response from the view ``name``."""
    workspace = request.workspace
    clock = timezone.now().strftime("%Y%m%d%H%M") if per_minute else workspace.today().isoformat()
    parts = [
        name,
        str(request.user.pk),
        clock,
        request.get_full_path(),
        *(request.headers.get(header, "") for header in _VARY_HEADERS),
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"page:{digest}"


def _without_csrf(request: HttpRequest, content: str) -> str:
    """``content`` with every CSRF token of this request's secret replaced by the placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def placeholder(match: re.Match[str]) -> str:
        token = match.group(0)
        return CSRF_PLACEHOLDER if _unmask_cipher_token(token) == secret else token

    return _TOKEN_LIKE.sub(placeholder, content)


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith(("text/html", "application/json"))
    )


def cached_page(
    view: View | None = None, *, per_minute: bool = False
) -> View | Callable[[View], View]:
    """Serve the view's GET responses from the cache (see the module docstring); use as
    ``@cached_page`` or ``@cached_page(per_minute=True)``."""
    if view is None:
        return lambda view: cached_page(view, per_minute=per_minute)
    name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or len(get_messages(request)):
            return view(request, *args, **kwargs)
        try:
            key = key_for(request, name, per_minute=per_minute)
            version, stored = freshness.lookup(request.workspace.pk, key)
        except Exception:  # the cache backends raise their client's errors (redis, OSError...)
            logger.warning("The page cache cannot be reached; rendering %s", name, exc_info=True)
            return view(request, *args, **kwargs)
        if stored is not None:
            headers, body = stored
            if CSRF_PLACEHOLDER in body:
                body = body.replace(CSRF_PLACEHOLDER, get_token(request))
            return HttpResponse(body, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if _storable(response):
            body = _without_csrf(request, response.content.decode(response.charset))
            try:
                freshness.keep(key, version, (dict(response.headers), body), TIMEOUT)
            except Exception:
                logger.warning("Could not keep %s in the page cache", name, exc_info=True)
        return response

    return wrapper
