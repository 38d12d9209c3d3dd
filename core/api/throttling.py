"""Request rates: per token (or signed-in person), per anonymous address, and a stricter one
for exchanging a password for a token. Over the rate: 429 with ``Retry-After``.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when the request is made (DRF's
classes read them once at import), so settings overrides in tests take effect.
"""

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _RateFromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous requests, per client address."""


class TokenThrottle(_RateFromSettings, UserRateThrottle):
    """Per token when one is used, else per signed-in person (session)."""

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
