from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: 200 when the database answers, 503
    when it does not (within the connect timeout, see settings)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError) as error:
        response = HttpResponse("database unavailable", content_type="text/plain", status=503)
        log_response(
            "Health check: database unavailable (%s: %s)",
            type(error).__name__,
            str(error).strip().partition("\n")[0],
            response=response,
            request=request,
            level="warning",
        )
        return response
    return HttpResponse("ok", content_type="text/plain")


FLOOR_TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>floor</title><main>{{ filler }}</main>"
)


@never_cache
@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """The benchmarks' floor: a bare view rendering a template of ``?bytes=`` size with no
    query, to which every measured page is compared (mounted only with BENCHMARK_FLOOR=true)."""
    asked = request.GET.get("bytes", "")
    size = min(int(asked), 1_000_000) if asked.isdigit() else 0
    return HttpResponse(FLOOR_TEMPLATE.render({"filler": "x" * size}))
