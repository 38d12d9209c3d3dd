"""Request rates: per token (or signed-in person), per anonymous address, and a stricter one
for exchanging a password for a token. Over the rate: 429 with ``Retry-After``.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when the request is made (DRF's
classes read them once at import), so settings overrides in tests take effect.
"""

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from core.cache import window_hit, window_left


class _RateFromSettings:
    """A rate read when the request is made, counted per window in one cache round trip.

    DRF's throttles keep each client's request times as a list: a read and a write of it on
    every request, a third of a cached API page's time. Here a counter opens a window at the
    client's first request, and the client may make ``num_requests`` until it closes
    (:func:`core.cache.window_hit`); ``Retry-After`` says when that is.
    """

    scope: str
    key: str | None
    # Not DRF's "throttle_%(scope)s_%(ident)s", whose values are request logs, not counters.
    cache_format = "throttle-window:%(scope)s:%(ident)s"

    @property
    def cache(self) -> BaseCache:
        # The cache itself, not DRF's ``default_cache`` proxy: window_hit knows Redis by type.
        return caches["default"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        counted = getattr(request, "rate_counted", None)  # by teams.middleware, for this key
        if counted is not None and counted[0] == self.key:
            return counted[1] <= self.num_requests
        return window_hit(self.cache, self.key, self.duration) <= self.num_requests

    def wait(self) -> float:
        return window_left(self.cache, self.key, self.duration)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous requests, per client address."""


class TokenThrottle(_RateFromSettings, UserRateThrottle):
    """Per token when one is used, else per signed-in person (session)."""

    @classmethod
    def session_window(cls, user_id: object) -> tuple[str, int] | None:
        """(key, seconds) of a signed-in person's window, or None without a rate: what
        ``teams.middleware`` counts ahead, with the person and membership, in one round trip.
        The count it leaves on the request (``rate_counted``) stands in for this throttle's."""
        throttle = cls()
        if throttle.rate is None:
            return None
        key = throttle.cache_format % {"scope": throttle.scope, "ident": user_id}
        return key, throttle.duration

    def get_cache_key(self, request: Request, view) -> str | None:
        # Token authentication leaves the token row in ``request.auth``; sessions leave None.
        if getattr(request.auth, "pk", None) is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}
        return super().get_cache_key(request, view)


class AuthTokenThrottle(_RateFromSettings, SimpleRateThrottle):
    """Password-for-token exchanges, per client address whoever asks."""

    scope = "auth_token"

    def get_cache_key(self, request: Request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
