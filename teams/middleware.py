"""The signed-in person and their membership of the workspace in the URL, read in one cache call.

Every signed-in request of a workspace page or API route asks the cache twice before its view
runs: for the person (``teams.backends``) and for their membership (``teams.tenancy``). Both
are known from the session and the path, so this middleware reads both at once
(:func:`core.freshness.prefetch`); the later lookups find them there. On the API it also counts
the request against the person's rate limit in that round trip. Where the path names no
workspace (or a route's shape changes), the lookups simply ask the cache themselves.
"""

import re
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

from core import freshness
from core.api.throttling import TokenThrottle

# The workspace's slug in the paths of teams/urls.py's workspace pages and of API v1.
WORKSPACE_PATH = re.compile(r"^/(?:w|api/v1/workspaces)/(?P<slug>[-\w]+)/")


class PrefetchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_id = request.session.get(SESSION_KEY)
        if user_id is not None:
            names = [f"user:{user_id}"]
            match = WORKSPACE_PATH.match(request.path_info)
            if match:
                names.append(f"membership:{user_id}:{match['slug']}")
            window = self._rate_window(request, match, user_id)
            count = freshness.prefetch(*names, hit=window)
            if window is not None:
                request.rate_counted = (window[0], count)
        return self.get_response(request)

    @staticmethod
    def _rate_window(request: HttpRequest, match: re.Match | None, user_id: str):
        """The API's rate-limit window to count in the same round trip: a signed-in person's
        reads of workspace routes (writes check CSRF before the rate, and a token, when one is
        sent, is what the API counts instead)."""
        api = match is not None and match[0].startswith("/api/")
        if not api or request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return None
        return TokenThrottle.session_window(user_id)
