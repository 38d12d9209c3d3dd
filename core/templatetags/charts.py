"""The ``figures`` and ``flat_lines`` filters: a chart's data as the table, and the sentence,
that stand in for it (templates/includes/chart_figures.html) for whoever cannot see it."""

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.forms import plain

register = template.Library()


@register.filter
def figures(data: dict) -> str:
    """The table rows of a chart's data, one per point, in the shape static/js/kpi_chart.js
    and goals.js read: labels under ``dates`` (or ``labels``), numbers under ``values``; a
    missing value reads "no data". Built here rather than in a template loop: a KPI's chart
    has up to 366 points."""
    labels = data.get("dates") or data.get("labels") or []
    return mark_safe(  # noqa: S308 (the labels are escaped, the values are numbers)
        "".join(
            f'<tr><td>{escape(label)}</td><td class="text-end">{_number(value)}</td></tr>'
            for label, value in zip(labels, data.get("values") or [], strict=False)
        )
    )


def _number(value: float | None) -> str:
    """A chart's number as a person writes it: 118 rather than 118.0, never 1e+16."""
    if value is None:
        return "no data"
    shortest = repr(float(value))
    if "e" in shortest or "n" in shortest:
        return plain(Decimal(str(value)))
    return shortest.removesuffix(".0")


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
