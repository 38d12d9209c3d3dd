from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from alignment.views import healthz
from teams import forms as team_forms
from teams import views as team_views

workspace_patterns = [
    path("", include("goals.urls")),
    path("", include("goals.kpi_urls")),
    path("", include("teams.urls")),
    path("", include("checkins.urls")),
    path("", include("workshops.urls")),
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
    path("workspaces/", team_views.workspace_list, name="workspace_list"),
    path("workspaces/new/", team_views.workspace_create, name="workspace_create"),
    path("invitations/<str:token>/", team_views.invitation_accept, name="invitation_accept"),
    path("w/<slug:ws>/", include(workspace_patterns)),
]
