"""The forms of the token and webhook pages: they validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WRITE_SCOPES, EventType

EXPIRY_CHOICES = [
    ("", _("Never (until revoked)")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Funder dashboard”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Write access"),
        choices=[(s.value, s.label) for s in WRITE_SCOPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Every token reads what your roles can see. Tick only the "
            "writes the tool needs; each still follows your roles."
        ),
    )
    expires_in = forms.ChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, required=False
    )

    def __init__(self, *args, scopes=None, **kwargs):
        """``scopes``: the writes offered (those the user's roles can make)."""
        super().__init__(*args, **kwargs)
        if scopes is not None:
            self.fields["scopes"].choices = [(s.value, s.label) for s in scopes]
            if not scopes:
                self.fields["scopes"].widget = forms.MultipleHiddenInput()


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the portal POSTs each event (https in production)."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(t.value, t.label) for t in EventType if t != EventType.PING],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(
        label=_("On"),
        required=False,
        initial=True,
        help_text=_("Off: nothing is sent to it."),
    )
