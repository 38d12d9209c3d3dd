"""A database outage answers 503 with ``Retry-After``: not a 500, never a traceback.

A PostgreSQL restart takes a few seconds; meanwhile connecting fails with ``OperationalError``
and a connection it dropped fails with ``InterfaceError`` (psycopg2). Django closes the broken
connection when the request finishes, so the next request after the restart reconnects.
"""

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.log import log_response

RETRY_AFTER_SECONDS = 5
MESSAGE = "The service is briefly unavailable. Please try again in a moment."


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
        elif request.headers.get("HX-Request") == "true":
            response = HttpResponse(f'<p role="alert">{MESSAGE}</p>', status=503)
        else:
            # Rendered without the request, so no context processor runs (they query).
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # One line at WARNING; it marks the response as logged, so Django adds no ERROR line.
        log_response(
            "Database unavailable, answered 503 (%s: %s): %s",
            type(exception).__name__,
            str(exception).strip().partition("\n")[0],
            request.path,
            response=response,
            request=request,
            level="warning",
        )
        return response
