"""core.forms.FormRenderer writes selects exactly as Django's templates do."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string

from core.forms import FormRenderer

SELECTS = {
    "plain": (
        forms.Select(choices=[("", "Any"), ("a", "A & <b>"), (3, 'Say "three"')]),
        "a",
    ),
    "grouped": (
        forms.Select(
            choices=[("Sales", [("s1", "Sales one")]), ("Oth<er>", [("o1", "One")]), ("x", "X")]
        ),
        "o1",
    ),
    "many": (
        forms.SelectMultiple(choices=[("1", "One"), ("2", "Two"), ("3", "Three")]),
        ["1", "3"],
    ),
    "off": (
        forms.Select(
            choices=[("y", "Yes")],
            attrs={"class": "form-select is-invalid", "disabled": True, "data-x": False},
        ),
        None,
    ),
}


def _both(widget: forms.Widget, name: str, value) -> tuple[str, str]:
    attrs = {"id": f"id_{name}", "aria-describedby": f"{name}-help"}
    return (
        widget.render(name, value, attrs, renderer=FormRenderer()),
        widget.render(name, value, attrs, renderer=DjangoTemplates()),
    )


def test_selects_are_written_exactly_as_the_templates_write_them():
    for name, (widget, value) in SELECTS.items():
        ours, django = _both(widget, name, value)
        assert ours == django, name
    ours, _ = _both(*SELECTS["plain"][:1], "plain", "a")
    assert '<option value="a" selected>A &amp; &lt;b&gt;</option>' in ours


def test_other_widgets_still_render_through_templates():
    ours, django = _both(forms.TextInput(attrs={"placeholder": "a < b"}), "name", "x")
    assert ours == django
    assert 'placeholder="a &lt; b"' in ours


def test_the_field_include_renders_every_element_the_input_is_described_by():
    """Screen readers read help and errors through aria-describedby: each id must exist."""

    class Sample(forms.Form):
        name = forms.CharField(help_text="What people call it.")

    form = Sample({})
    assert not form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["name"]})
    described_by = re.search(r'aria-describedby="([^"]+)"', html).group(1).split()
    assert described_by == ["id_name_helptext", "id_name_error"]
    for element_id in described_by:
        assert f'id="{element_id}"' in html
