from django.urls import path

from workshops import views

# Mounted under /w/<ws>/.
urlpatterns = [
    # First: every open board polls it once a second.
    path("workshops/<int:pk>/state/", views.workshop_state, name="workshop_state"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", views.workshop_board, name="workshop_board"),
    path("workshops/<int:pk>/summary/", views.workshop_summary, name="workshop_summary"),
    path("workshops/<int:pk>/advance/", views.workshop_advance, name="workshop_advance"),
    path("workshops/<int:pk>/lock/", views.workshop_lock, name="workshop_lock"),
    path("workshops/<int:pk>/votes/", views.workshop_votes, name="workshop_votes"),
    path("workshops/<int:pk>/commit/", views.workshop_commit, name="workshop_commit"),
    path("workshops/<int:pk>/proposals/", views.proposal_create, name="proposal_create"),
    path("workshops/<int:pk>/smart/", views.proposal_smart, name="proposal_smart"),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/",
        views.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/edit/",
        views.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/comments/",
        views.comment_create,
        name="comment_create",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/vote/",
        views.vote_cast,
        name="vote_cast",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/unvote/",
        views.vote_withdraw,
        name="vote_withdraw",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/remove/",
        views.proposal_remove,
        name="proposal_remove",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/merge/",
        views.proposal_merge,
        name="proposal_merge",
    ),
    path(
        "workshops/<int:pk>/proposals/<int:proposal_pk>/steps/",
        views.step_create,
        name="step_create",
    ),
    path("workshops/<int:pk>/steps/<int:step_pk>/remove/", views.step_delete, name="step_delete"),
]
