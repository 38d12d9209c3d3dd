"""One signed POST to a webhook, with urllib, refusing internal addresses.

The host is resolved here and the connection made to the very address that was checked, so a
name that resolves to a private or loopback address (or re-resolves to one later) is refused.
Only http(s) is opened (plain http only where WEBHOOKS_ALLOW_PRIVATE allows it), redirects
are not followed and environment proxies are not used.
"""

import hashlib
import hmac
import http.client
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from integrations.models import is_private_address

TIMEOUT_SECONDS = 10
# Bytes of a response read and kept: enough to see an error message.
RESPONSE_LIMIT = 2000
USER_AGENT = "Alignment-Webhooks/1"


class BlockedAddress(OSError):
    """The webhook's host is, or resolves to, an address webhooks may not reach."""


@dataclass
class Outcome:
    status: int | None
    body: str
    error: str
    duration_ms: int
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        """Network errors, server errors, timeouts and rate limits may pass on a later try."""
        if self.status is None:
            return not self.refused
        return self.status >= 500 or self.status in (408, 429)


def sign(body: bytes, secret: str) -> str:
    """The ``X-Alignment-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _connect(address: tuple[str, int], timeout=socket._GLOBAL_DEFAULT_TIMEOUT, *args, **kwargs):
    host, port = address
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for *_, sockaddr in resolved:
            if is_private_address(sockaddr[0]):
                raise BlockedAddress(f"{host} is a private or loopback address ({sockaddr[0]}).")
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in resolved:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            error = exc
        else:
            return sock
    raise error or OSError(f"Could not resolve {host}.")


class _GuardedHTTPS(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _GuardedHTTP(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPS, req, context=self._context)


class _HTTPHandler(urllib.request.HTTPHandler):
    """Plain http only where WEBHOOKS_ALLOW_PRIVATE allows it (local development and tests)."""

    def http_open(self, req):
        if not settings.WEBHOOKS_ALLOW_PRIVATE:
            raise BlockedAddress("Webhooks are sent over https only.")
        return self.do_open(_GuardedHTTP, req)


# Only http(s), no redirects, no proxies from the environment: nothing but these handlers.
_opener = urllib.request.OpenerDirector()
for _handler in (
    _HTTPSHandler(),
    _HTTPHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
):
    _opener.add_handler(_handler)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body``; never raises for what the receiver or the network does."""
    if not url.lower().startswith(("https://", "http://")):
        return Outcome(None, "", "Webhooks are sent over https only.", 0, refused=True)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    started = time.monotonic()
    status, text, error, refused = None, b"", "", False
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, text = response.status, response.read(RESPONSE_LIMIT)
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read(RESPONSE_LIMIT)
        exc.close()
    except BlockedAddress as exc:
        error, refused = str(exc), True
    except urllib.error.URLError as exc:
        error, refused = str(exc.reason), isinstance(exc.reason, BlockedAddress)
    except (OSError, http.client.HTTPException) as exc:
        error = str(exc) or type(exc).__name__
    return Outcome(
        status=status,
        body=text.decode("utf-8", errors="replace"),
        error=error[:300],
        duration_ms=round((time.monotonic() - started) * 1000),
        refused=refused,
    )
