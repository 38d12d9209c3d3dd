from django.urls import path

from workshops import views

# Mounted under /w/<ws>/.
urlpatterns = [
    # First: every open board polls it once a second.
    path("workshops/<id:pk>/state/", views.workshop_state, name="workshop_state"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<id:pk>/", views.workshop_board, name="workshop_board"),
    path("workshops/<id:pk>/summary/", views.workshop_summary, name="workshop_summary"),
    path("workshops/<id:pk>/advance/", views.workshop_advance, name="workshop_advance"),
    path("workshops/<id:pk>/lock/", views.workshop_lock, name="workshop_lock"),
    path("workshops/<id:pk>/votes/", views.workshop_votes, name="workshop_votes"),
    path("workshops/<id:pk>/commit/", views.workshop_commit, name="workshop_commit"),
    path("workshops/<id:pk>/proposals/", views.proposal_create, name="proposal_create"),
    path("workshops/<id:pk>/smart/", views.proposal_smart, name="proposal_smart"),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/",
        views.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/edit/",
        views.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/comments/",
        views.comment_create,
        name="comment_create",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/vote/",
        views.vote_cast,
        name="vote_cast",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/unvote/",
        views.vote_withdraw,
        name="vote_withdraw",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/remove/",
        views.proposal_remove,
        name="proposal_remove",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/merge/",
        views.proposal_merge,
        name="proposal_merge",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/steps/",
        views.step_create,
        name="step_create",
    ),
    path("workshops/<id:pk>/steps/<id:step_pk>/remove/", views.step_delete, name="step_delete"),
]
