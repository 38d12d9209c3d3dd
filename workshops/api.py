"""API v1 endpoints of workshops (DRF): thin views over the app's services and selectors.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api.urls``.
"""

routes: list[tuple[str, type, str]] = []
