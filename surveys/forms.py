"""Forms of the survey builder. Answer forms are rendered from the questions and
validated by ``rules.validate_answers`` (see ``views.answer``)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dashmentor.bilingual import (
    LANGUAGE_NAMES,
    SPANISH_OPTIONAL,
    BilingualFormMixin,
    bilingual_fields,
    bilingual_options,
)
from dashmentor.rows import kept_minute

from . import rules
from .models import Question, Survey
from .services import SURVEY_FIELDS

CLOSE_BEFORE_OPEN = _("The survey must close after it opens.")
AUDIENCE_ROUND = _("Choose the round whose mentees are invited.")
AUDIENCE_COHORT = _("Choose the cohort (mentorship) whose mentees are invited.")
AUDIENCE_GROUP = _("Choose the affinity group whose members are invited.")
AUDIENCE_LIST = _("List at least one e-mail address, one a line.")
BAD_EMAIL = _("“{value}” is not an e-mail address.")
BAD_REMINDERS = _("Give whole numbers of days from 1 to 60, separated by commas.")
GROUP_TOO_SMALL = _("Use at least 3, or small groups could be picked out.")
DATE_RANGE = _("Enter a date between the years 2000 and 2100.")


def _dt_widget():
    return forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )


class SurveyForm(BilingualFormMixin, forms.ModelForm):
    reminder_days_text = forms.CharField(
        label=_("Reminders (days before the close)"),
        required=False,
        help_text=_("For example “3, 1”. Only people who have not answered get them."),
    )

    class Meta:
        model = Survey
        # The service's list, less reminder_days, which the form parses itself.
        # Title and introduction in English and in Spanish.
        fields = bilingual_fields(
            Survey, [f for f in SURVEY_FIELDS if f != "reminder_days"]
        )
        widgets = bilingual_options(
            Survey,
            {
                "opens_at": _dt_widget(),
                "closes_at": _dt_widget(),
                "description": forms.Textarea(attrs={"rows": 3}),
                "audience_emails": forms.Textarea(attrs={"rows": 3}),
            },
        )
        labels = {
            "min_group_size": _("Min group size"),
            "required": _("Required"),
            "anonymous": _("Anonymous"),
            "closes_at": _("Closes at"),
            "opens_at": _("Opens at"),
            "audience_emails": _("Audience emails"),
            "audience": _("Audience"),
            "description": _("Description"),
            "kind": _("Kind"),
            "title": pgettext_lazy("the name of a thing", "Title"),
            "audience_mentorship": _("Cohort (for a one-cohort audience)"),
            "audience_group": _("Affinity group (for a group audience)"),
            "round": _("Round (for an all-mentees audience)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = format_lazy(
                _("In your time zone, {zone}."), zone=zone
            )
        self.fields["audience_mentorship"].queryset = self.fields[
            "audience_mentorship"
        ].queryset.select_related("mentor_organization", "round")
        if self.instance.pk:
            self.initial["reminder_days_text"] = ", ".join(
                str(d) for d in self.instance.reminder_days or []
            )
        else:
            self.initial.setdefault("reminder_days_text", "3, 1")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save survey")))

    def clean_reminder_days_text(self):
        text = self.cleaned_data.get("reminder_days_text", "")
        days = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 60:
                raise forms.ValidationError(BAD_REMINDERS)
            days.append(int(part))
        return sorted(set(days), reverse=True)

    def _plausible(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not 2000 <= value.year <= 2100:
            raise forms.ValidationError(DATE_RANGE)
        return kept_minute(getattr(self.instance, name, None), value)

    def clean_opens_at(self):
        return self._plausible("opens_at")

    def clean_closes_at(self):
        return self._plausible("closes_at")

    def clean_min_group_size(self):
        value = self.cleaned_data["min_group_size"]
        if value < 3:
            raise forms.ValidationError(GROUP_TOO_SMALL)
        return value

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", CLOSE_BEFORE_OPEN)
        audience = data.get("audience")
        needs = {
            Survey.Audience.ROUND: ("round", AUDIENCE_ROUND),
            Survey.Audience.COHORT: ("audience_mentorship", AUDIENCE_COHORT),
            Survey.Audience.AFFINITY_GROUP: ("audience_group", AUDIENCE_GROUP),
            Survey.Audience.LIST: ("audience_emails", AUDIENCE_LIST),
        }
        if audience in needs:
            name, message = needs[audience]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        if audience == Survey.Audience.LIST and data.get("audience_emails"):
            validator = forms.EmailField()
            for line in data["audience_emails"].replace(",", "\n").splitlines():
                if line.strip():
                    try:
                        validator.clean(line.strip())
                    except forms.ValidationError:
                        self.add_error(
                            "audience_emails", BAD_EMAIL.format(value=line.strip())
                        )
                        break
        if audience == Survey.Audience.COHORT and data.get("audience_mentorship"):
            data["round"] = data.get("round") or data["audience_mentorship"].round
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["reminder_days"] = self.cleaned_data["reminder_days_text"]
        return fields


def _spanish(label):
    return format_lazy("{} ({})", label, LANGUAGE_NAMES["es"])


def _english(label):
    return format_lazy("{} ({})", label, LANGUAGE_NAMES["en"])


class SectionForm(forms.Form):
    title = forms.CharField(
        label=_english(pgettext_lazy("the name of a thing", "Title")), max_length=255
    )
    title_es = forms.CharField(
        label=_spanish(pgettext_lazy("the name of a thing", "Title")),
        max_length=255,
        required=False,
        help_text=SPANISH_OPTIONAL,
    )
    description = forms.CharField(
        label=_english(_("Description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_es = forms.CharField(
        label=_spanish(_("Description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=SPANISH_OPTIONAL,
    )

    @classmethod
    def initial_for(cls, section) -> dict:
        return {
            "title": section.title_en,
            "title_es": section.title_es or "",
            "description": section.description_en or "",
            "description_es": section.description_es or "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save section")))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    prompt = forms.CharField(
        label=_english(_("Prompt")), widget=forms.Textarea(attrs={"rows": 2})
    )
    prompt_es = forms.CharField(
        label=_spanish(_("Prompt")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=SPANISH_OPTIONAL,
    )
    help_text = forms.CharField(
        label=_english(_("Help text")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_text_es = forms.CharField(
        label=_spanish(_("Help text")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=SPANISH_OPTIONAL,
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    choices_text = forms.CharField(
        label=_("Options (single and multiple choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option a line, in the order shown."),
    )
    choices_es_text = forms.CharField(
        label=_("Options in Spanish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The same options in the same order, one a line; empty: the "
            "English is shown. Answers count under the same option in both "
            "languages."
        ),
    )
    likert_labels_text = forms.CharField(
        label=_("Scale labels (Likert)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Five lines, for 1 to 5. Empty: strongly disagree … strongly agree."
        ),
    )
    likert_labels_es_text = forms.CharField(
        label=_("Scale labels in Spanish (Likert)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Five lines, for 1 to 5. Empty: “Totalmente en desacuerdo” … "
            "“Totalmente de acuerdo”."
        ),
    )
    min_value = forms.DecimalField(
        label=_("Smallest allowed (number)"),
        required=False,
        max_digits=12,
        decimal_places=2,
    )
    max_value = forms.DecimalField(
        label=_("Largest allowed (number)"),
        required=False,
        max_digits=12,
        decimal_places=2,
    )
    key = forms.SlugField(
        label=_("Key"),
        required=False,
        max_length=60,
        help_text=_(
            "Matches the same question across versions (e.g. before and "
            "after). Made from the prompt when empty."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save question")))

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        return {
            "kind": question.kind,
            "prompt": question.prompt_en,
            "prompt_es": question.prompt_es or "",
            "help_text": question.help_text_en or "",
            "help_text_es": question.help_text_es or "",
            "required": question.required,
            "choices_text": "\n".join(c.label_en for c in question.choices.all()),
            "choices_es_text": "\n".join(
                c.label_es or "" for c in question.choices.all()
            ).strip(),
            "likert_labels_text": "\n".join(question.likert_labels_en or [])
            if question.kind == rules.LIKERT
            else "",
            "likert_labels_es_text": "\n".join(question.likert_labels_es or [])
            if question.kind == rules.LIKERT
            else "",
            "min_value": question.min_value,
            "max_value": question.max_value,
            "key": question.key,
        }
