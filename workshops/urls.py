from django.urls import path

from workshops.views import board, proposals

# Mounted under /w/<ws>/.
urlpatterns = [
    # First: every open board polls it once a second.
    path("workshops/<id:pk>/state/", board.workshop_state, name="workshop_state"),
    path("workshops/", board.workshop_list, name="workshop_list"),
    path("workshops/new/", board.workshop_create, name="workshop_create"),
    path("workshops/<id:pk>/", board.workshop_board, name="workshop_board"),
    path("workshops/<id:pk>/summary/", board.workshop_summary, name="workshop_summary"),
    path("workshops/<id:pk>/advance/", board.workshop_advance, name="workshop_advance"),
    path("workshops/<id:pk>/lock/", board.workshop_lock, name="workshop_lock"),
    path("workshops/<id:pk>/votes/", board.workshop_votes, name="workshop_votes"),
    path("workshops/<id:pk>/commit/", board.workshop_commit, name="workshop_commit"),
    path("workshops/<id:pk>/proposals/", proposals.proposal_create, name="proposal_create"),
    path("workshops/<id:pk>/smart/", proposals.proposal_smart, name="proposal_smart"),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/",
        proposals.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/edit/",
        proposals.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/comments/",
        proposals.comment_create,
        name="comment_create",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/vote/",
        proposals.vote_cast,
        name="vote_cast",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/unvote/",
        proposals.vote_withdraw,
        name="vote_withdraw",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/remove/",
        proposals.proposal_remove,
        name="proposal_remove",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/merge/",
        proposals.proposal_merge,
        name="proposal_merge",
    ),
    path(
        "workshops/<id:pk>/proposals/<id:proposal_pk>/steps/",
        proposals.step_create,
        name="step_create",
    ),
    path("workshops/<id:pk>/steps/<id:step_pk>/remove/", proposals.step_delete, name="step_delete"),
]
