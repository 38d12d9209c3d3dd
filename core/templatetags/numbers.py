"""The ``plain`` filter, a template builtin (see TEMPLATES in the settings): a stored decimal as
a person writes it."""

from decimal import Decimal

from django import template

from core.forms import plain as plain_number

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """100.0000 as 100 and 12.5000 as 12.5 (:func:`core.forms.plain`); nothing for None."""
    return plain_number(value) or ""
