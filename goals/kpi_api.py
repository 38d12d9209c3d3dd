"""API v1 endpoints of KPIs and their measurements (DRF): thin views over the services.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api.urls``.
"""

routes: list[tuple[str, type, str]] = []
