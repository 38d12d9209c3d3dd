"""Form helpers every app shares: Bootstrap styling, service errors shown on their fields,
choices among objects already loaded, and a fast ``<select>`` renderer."""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import DjangoTemplates
from django.utils.html import escape


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (else above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StyledFormMixin:
    """Give every widget its Bootstrap class, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {_css_class(field.widget)}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


class Form(StyledFormMixin, forms.Form):
    pass


class ModelForm(StyledFormMixin, forms.ModelForm):
    pass


def plain(value: Decimal | None) -> str | None:
    """A stored decimal as a person types it: 20.0000 as "20", 12.5000 as "12.5", never
    "1E+3". Form initial values and the ``plain`` template filter use it."""
    return None if value is None else f"{value.normalize():f}"


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """:func:`plain`, kept a Decimal (100.0000 as Decimal("100")), for a DecimalField's
    initial value."""
    return None if value is None else Decimal(plain(value))


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view already loaded; cleans to the object (or None).

    Rendering and cleaning make no query, so several of these on one page cost nothing more.
    ``blank`` labels the empty choice (None: no empty choice).
    """

    def __init__(
        self,
        *,
        objects: Iterable[models.Model] = (),
        label_from: Callable[[Any], str] = str,
        blank: str | None = "Choose…",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_objects(objects, label_from=label_from, blank=blank)

    def set_objects(
        self,
        objects: Iterable[models.Model],
        *,
        label_from: Callable[[Any], str] = str,
        blank: str | None = "Choose…",
    ) -> None:
        objects = list(objects)
        self.objects = {str(obj.pk): obj for obj in objects}
        blank_choice = [("", blank)] if blank is not None else []
        self.choices = blank_choice + [(str(obj.pk), label_from(obj)) for obj in objects]

    def clean(self, value: Any) -> models.Model | None:
        value = super().clean(value)
        return self.objects.get(value) if value else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    """Several of the objects the view already loaded (checkboxes); cleans to a list of them."""

    widget = forms.CheckboxSelectMultiple

    def __init__(
        self,
        *,
        objects: Iterable[models.Model] = (),
        label_from: Callable[[Any], str] = str,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_objects(objects, label_from=label_from)

    def set_objects(
        self, objects: Iterable[models.Model], *, label_from: Callable[[Any], str] = str
    ) -> None:
        objects = list(objects)
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(str(obj.pk), label_from(obj)) for obj in objects]

    def clean(self, value: Any) -> list[models.Model]:
        return [self.objects[key] for key in super().clean(value)]


def _attrs(attrs: dict) -> str:
    """What Django's attrs.html writes: ``False`` left out, ``True`` as a bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select_html(widget: dict) -> str:
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{escape(option['label'])}</option>\n"
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with ``<select>`` written in Python (``FORM_RENDERER``).

    Through templates every option costs two template renders, so the filters listing a
    workspace's people and departments took a third of the goal list's time. The markup is
    that of Django's ``select.html`` and ``select_option.html`` (a test compares them).
    """

    def render(self, template_name: str, context: dict, request=None) -> str:
        if template_name == "django/forms/widgets/select.html":
            return _select_html(context["widget"])
        return super().render(template_name, context, request)
