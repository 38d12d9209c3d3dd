from django import forms
from django.core.exceptions import ValidationError


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
