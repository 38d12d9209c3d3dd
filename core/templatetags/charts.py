"""The ``figures`` and ``flat_lines`` filters: a chart's data as the table, and the sentence,
that stand in for it (templates/includes/chart_figures.html) for whoever cannot see it."""

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


# The flat lines a chart may draw across its values, in the order they are told.
FLAT_LINES = (
    ("baseline", "the goal's baseline"),
    ("target", "the goal's target"),
    ("green", "the green threshold"),
    ("red", "the red threshold"),
)


@register.filter
def flat_lines(data: dict) -> str:
    """The chart's flat lines in words: "Lines: the goal's baseline 140 EUR, …"; "" if none."""
    unit = f" {data['unit']}" if data.get("unit") else ""
    told = [
        f"{name} {plain(Decimal(str(data[key])))}{unit}"
        for key, name in FLAT_LINES
        if data.get(key) is not None
    ]
    return f"Lines across the chart: {', '.join(told)}." if told else ""
