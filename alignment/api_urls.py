"""Mounted at /api/: v1 endpoints, the OpenAPI schema and its interactive docs."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from checkins import api as checkins_api
from conflicts import api as conflicts_api
from forums import api as forums_api
from glossary import api as glossary_api
from goals import api as goals_api
from goals.api.smart import SmartCheck
from health import api as health_api
from teams.api import views as teams_api
from teams.api.views import AuthToken, WorkspaceViewSet
from workshops import api as workshops_api

WORKSPACE = "workspaces/<slug:slug>"
# Each app's API lists its viewsets as (prefix under the workspace, viewset, basename).
APP_ROUTES = [
    *teams_api.routes,
    *goals_api.routes,
    *checkins_api.routes,
    *workshops_api.routes,
    *forums_api.routes,
    *conflicts_api.routes,
    *glossary_api.routes,
    *health_api.routes,
]

router = SimpleRouter(use_regex_path=False)
router.register("workspaces", WorkspaceViewSet, basename="api-workspace")
for prefix, viewset, basename in APP_ROUTES:
    router.register(f"{WORKSPACE}/{prefix}", viewset, basename=basename)

v1 = [
    path("auth/token/", AuthToken.as_view(), name="api-auth-token"),
    path(f"{WORKSPACE}/smart-check/", SmartCheck.as_view(), name="api-smart-check"),
    *router.urls,
]


@csrf_exempt
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/: a JSON 404, like every API error, not the HTML page."""
    detail = "No such endpoint. API paths end with a slash, e.g. /api/v1/workspaces/."
    return JsonResponse({"detail": detail}, status=404)


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"", not_found),
]
