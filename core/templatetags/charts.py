"""The ``figures`` filter: a chart's data as the rows of the table that stands in for it
(templates/includes/chart_figures.html), for whoever cannot see the picture."""

from decimal import Decimal

from django import template

from core.forms import plain

register = template.Library()


@register.filter
def figures(data: dict) -> list[tuple[str, str]]:
    """(label, value) per point of a chart's data, the shape static/js/kpi_chart.js and
    goals.js read: labels under ``dates`` (or ``labels``), numbers under ``values``; a
    missing value reads "no data"."""
    labels = data.get("dates") or data.get("labels") or []
    return [
        (str(label), "no data" if value is None else plain(Decimal(str(value))))
        for label, value in zip(labels, data.get("values") or [], strict=False)
    ]
