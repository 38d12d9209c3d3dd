from django import forms

from alignment.lib.forms import Form


class TokenForm(Form):
    name = forms.CharField(
        max_length=80,
        label="Token name",
        help_text="What will use it, e.g. “CRM sync” or “BI dashboard”.",
    )
