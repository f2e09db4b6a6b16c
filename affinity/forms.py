"""Forms of the group pages; each validates, and the view calls one service."""

from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dashmentor.bilingual import (
    BilingualFormMixin,
    bilingual_fields,
    bilingual_options,
)
from dashmentor.rows import kept_minute

from .models import Group, GroupMember, LeaderCheckIn, Meeting
from .services import ATTENDANCE_NOT_MEMBER


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class GroupForm(BilingualFormMixin, forms.ModelForm):
    """What the leaders draft for the participants."""

    class Meta:
        model = Group
        fields = bilingual_fields(
            Group,
            [
                "description",
                "learning_goals",
                "expectations_before",
                "expectations_during",
                "expectations_after",
                "cadence",
                "capacity",
            ],
        )
        widgets = bilingual_options(
            Group,
            {
                name: forms.Textarea(attrs={"rows": 4})
                for name in [
                    "description",
                    "learning_goals",
                    "expectations_before",
                    "expectations_during",
                    "expectations_after",
                ]
            },
        )
        labels = {
            "capacity": _("Capacity"),
            "cadence": _("Cadence"),
            "learning_goals": _("Learning goals"),
            "description": _("Description"),
            "expectations_before": _("Expectations before meetings"),
            "expectations_during": _("Expectations during meetings"),
            "expectations_after": _("Expectations after meetings"),
        }
        help_texts = bilingual_options(
            Group,
            {
                "learning_goals": _(
                    "One goal a line; participants read these to decide whether "
                    "to join."
                ),
                "capacity": _("Requests beyond it go on the waitlist."),
            },
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the group page"))


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    link = forms.URLField(
        label=_("Meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("The video-call link members use to join."),
    )

    class Meta:
        labels = {
            "agenda": _("Agenda"),
            "title": pgettext_lazy("the name of a thing", "Title"),
        }
        model = Meeting
        fields = ["title", "starts_at", "agenda", "link"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["starts_at"].help_text = format_lazy(
            _("In your time zone ({zone})."), zone=zone
        )
        self.helper = _helper(_("Save meeting"))

    def clean_starts_at(self):
        return kept_minute(self.instance.starts_at, self.cleaned_data["starts_at"])


class MeetingNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Type plain text (blank lines make paragraphs) or simple HTML: "
            "paragraphs, bold, italics, lists, headings, links. Anything else, "
            "scripts included, is removed when you save."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save notes"))


class AttendanceForm(forms.Form):
    """One checkbox per member on the roster; only roster ids are valid."""

    present = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Present"),
    )

    def __init__(self, *args, roster: list[GroupMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        field = self.fields["present"]
        field.choices = [(m.pk, str(m.user)) for m in roster]
        field.error_messages["invalid_choice"] = ATTENDANCE_NOT_MEMBER.format(
            name="Member %(value)s"
        )


class CheckInForm(forms.ModelForm):
    # Ids checked against the group's leaders and staff in Python (a posted
    # value never reaches the database as a query).
    attendees = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Who took part"),
    )

    class Meta:
        model = LeaderCheckIn
        fields = ["held_on", "attendees", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"held_on": _("Held on"), "notes": _("Notes")}
        help_texts = {
            "notes": _("What worked, pain points, ideas, best practices to keep.")
        }

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["attendees"].choices = [
            (pk, str(person)) for pk, person in self.people.items()
        ]
        if self.instance.pk:
            self.initial["attendees"] = [p.pk for p in self.instance.attendees.all()]
        self.helper = _helper(_("Save check-in"))

    def clean_attendees(self):
        return [self.people[pk] for pk in self.cleaned_data.get("attendees", [])]


class GroupEmailForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Each member gets it with a link to the group page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send to the group"))
