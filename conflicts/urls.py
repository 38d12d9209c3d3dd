from django.urls import path

from conflicts import views

# Mounted under /w/<ws>/.
urlpatterns = [
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/new/", views.conflict_create, name="conflict_create"),
    path("conflicts/<id:pk>/", views.conflict_detail, name="conflict_detail"),
    path("conflicts/<id:pk>/facilitator/", views.facilitator_name, name="facilitator_name"),
    path("conflicts/<id:pk>/status/", views.conflict_move, name="conflict_move"),
    path("conflicts/<id:pk>/decide/", views.conflict_decide, name="conflict_decide"),
    path(
        "conflicts/<id:pk>/sides/<id:department_pk>/position/",
        views.position_edit,
        name="position_edit",
    ),
    path(
        "conflicts/<id:pk>/sides/<id:department_pk>/evidence/",
        views.evidence_add,
        name="evidence_add",
    ),
    path(
        "conflicts/<id:pk>/evidence/<id:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "conflicts/<id:pk>/sides/<id:department_pk>/acknowledge/",
        views.decision_acknowledge,
        name="decision_acknowledge",
    ),
]
