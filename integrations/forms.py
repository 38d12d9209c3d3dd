from django import forms

from core.forms import Form
from integrations.models import Event


class WebhookForm(Form):
    url = forms.URLField(
        label="Payload URL",
        max_length=500,
        assume_scheme="https",
        help_text="An https:// address of your receiver; it gets a signed JSON POST per event.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    active = forms.BooleanField(label="Active (send deliveries)", required=False, initial=True)


class WebhookEditForm(WebhookForm):
    rotate_secret = forms.BooleanField(
        label="Make a new signing secret (the old one stops working)", required=False
    )
