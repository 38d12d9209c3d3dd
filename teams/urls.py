from django.urls import path

from teams import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("settings/", views.workspace_settings, name="workspace_settings"),
    path("settings/export/", views.workspace_export, name="workspace_export"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("people/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
