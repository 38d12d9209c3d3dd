"""API v1 of goals (DRF): periods, goals, KPIs and their measurements, the SMART check.

``routes`` lists (prefix under ``workspaces/<slug>/``, viewset, basename) for
``alignment.api_urls``.
"""

from goals.api import goals, kpis, periods

routes: list[tuple[str, type, str]] = [
    ("periods", periods.PeriodViewSet, "api-period"),
    *goals.routes,
    *kpis.routes,
]

__all__ = ["routes"]
