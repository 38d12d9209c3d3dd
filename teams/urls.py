from django.urls import path

from teams import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("settings/", views.workspace_settings, name="workspace_settings"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<id:pk>/edit/", views.department_edit, name="department_edit"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<id:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("people/<id:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
