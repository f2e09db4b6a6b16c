"""The forms of the token and webhook pages: they validate; the services write."""

from django import forms

from .models import WRITE_SCOPES, EventType

EXPIRY_CHOICES = [
    ("", "Never (until revoked)"),
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “Funder dashboard”.",
    )
    scopes = forms.MultipleChoiceField(
        label="Write access",
        choices=[(s.value, s.label) for s in WRITE_SCOPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every token reads what your roles can see. Tick only the "
        "writes the tool needs; each still follows your roles.",
    )
    expires_in = forms.ChoiceField(
        label="Expires", choices=EXPIRY_CHOICES, required=False
    )


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where the portal POSTs each event (https in production).",
    )
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=[(t.value, t.label) for t in EventType if t != EventType.PING],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(
        required=False, initial=True, help_text="Off: nothing is sent to it."
    )
