"""API v1 of teams (DRF): tokens, workspaces, departments and members, and the tenancy every
app's API stands on (:mod:`teams.api.tenancy`).

``teams.api.views.routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``. This package imports nothing itself: DRF's settings name
``teams.api.authentication``, which must load without the views (they load DRF's settings).
"""
