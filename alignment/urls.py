from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from alignment.env import env_bool
from alignment.portability import views as portability_views
from alignment.views import floor, healthz
from forums import calendar_urls
from teams import forms as team_forms
from teams import views as team_views

workspace_patterns = [
    # First: every open workshop board polls once a second (fewest patterns to try).
    path("", include("workshops.urls")),
    path("", include("goals.urls")),
    path("", include("teams.urls")),
    path("settings/export/", portability_views.workspace_export, name="workspace_export"),
    path("", include("checkins.urls")),
    path("", include("integrations.urls")),
    path("", include("forums.urls")),
    path("", include("conflicts.urls")),
    path("", include("glossary.urls")),
    path("", include("health.urls")),
    path("", include(calendar_urls.workspace_patterns)),
]

account_patterns = [
    path("login/", team_views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=team_forms.ChangePasswordForm),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=team_forms.ResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=team_forms.NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", team_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("account/tokens/", team_views.token_list, name="api_tokens"),
    path("account/tokens/<id:pk>/revoke/", team_views.token_revoke, name="api_token_revoke"),
    path("api/", include("alignment.api_urls")),
    path("workspaces/", team_views.workspace_list, name="workspace_list"),
    path("workspaces/new/", team_views.workspace_create, name="workspace_create"),
    path("workspaces/import/", portability_views.workspace_import, name="workspace_import"),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation_accept"),
    path("w/<slug:ws>/", include(workspace_patterns)),
    path("calendar/", include(calendar_urls.feed_patterns)),
]

if env_bool("BENCHMARK_FLOOR"):
    # The benchmarks' floor (benchmarks/README.md): served only when a benchmark asks for it.
    urlpatterns.append(path("_floor/", floor, name="floor"))
