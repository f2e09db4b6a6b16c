from __future__ import annotations

import uuid

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import MailingTemplate


class MailingForm(forms.Form):
    """A message to one or more audiences; the audiences' choices are given."""

    audiences = forms.MultipleChoiceField(
        label=_("To"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Everyone in any audience chosen gets one e-mail, even when "
            "two audiences name them."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=rules.SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=rules.BODY_MAX,
        help_text=format_lazy(
            _("Merge fields put each person's own value in their copy: {fields}."),
            fields=rules.field_list(),
        ),
    )
    preview_as = forms.CharField(required=False, widget=forms.HiddenInput)
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    template = forms.ModelChoiceField(
        queryset=MailingTemplate.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, audience_choices=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("form_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["audiences"].choices = audience_choices
        self.choice_groups = audience_choices


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MailingTemplate
        fields = ["name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        labels = {"name": _("Name"), "subject": _("Subject"), "body": _("Body")}
        help_texts = {
            "body": format_lazy(_("Merge fields: {fields}."), fields=rules.field_list())
        }


class ReviewScheduleForm(forms.Form):
    reviews_due_on = forms.DateField(
        label=_("Reviews due on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reminder_days = forms.CharField(
        label=_("Remind reviewers (days before)"),
        required=False,
        max_length=40,
        help_text=_("Whole days, separated by commas, e.g. 7, 2."),
    )

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"]
        days = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= 60:
                raise forms.ValidationError(
                    _("Give whole numbers of days between 1 and 60, e.g. 7, 2.")
                )
            days.append(int(part))
        return days
