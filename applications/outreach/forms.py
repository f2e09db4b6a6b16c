"""Forms of the questions, webinars and timeline. They validate; the views hand
the cleaned data to a service and show its refusal next to the form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms

from dashmentor.bilingual import (
    BilingualFormMixin,
    bilingual_fields,
    bilingual_options,
)
from dashmentor.zones import ZonedDateTimeField, kept, zone_fields

from .models import FaqEntry, Milestone, Topic, Webinar

QUESTION_TOO_LONG = "Keep the question under {limit} characters."
QUESTION_MAX = 2000
HONEYPOT = "website"
AT_TIME_WITH_TEXT = "An approximate date has no time: clear the time, or the text."


class HoneypotMixin:
    """A field people never see or fill; a form that arrives with it filled was
    sent by a program, and is answered as if accepted while nothing is stored."""

    def add_honeypot(self):
        self.fields[HONEYPOT] = forms.CharField(
            label="Leave this empty",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())


def _honeypot_layout(*names):
    hidden = Div(Field(HONEYPOT), css_class="hp-field", aria_hidden="true")
    return Layout(*names, hidden)


class AskForm(HoneypotMixin, forms.Form):
    text = forms.CharField(
        label="Your question",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": QUESTION_TOO_LONG.format(limit=QUESTION_MAX)},
        help_text="The answer is published here without your name or address.",
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text="Optional; only the program office sees it.",
    )
    email = forms.EmailField(
        label="Your e-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send the answer here. If you are not signed in, we first "
        "send a link to confirm it.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_honeypot()
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["name"].initial = user.full_name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = _honeypot_layout("text", "name", "email")


class RegisterForm(HoneypotMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your e-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to confirm it, then the join link and a "
        "calendar file.",
    )
    organization = forms.CharField(
        label="Your organization",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_honeypot()
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["name"].initial = user.full_name
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = _honeypot_layout("name", "email", "organization")


# --- staff ---


class AnswerForm(forms.Form):
    """Answer a waiting question: publish it (in wording that names no asker),
    answer the asker alone, or answer with a published question."""

    MODE_PUBLISH = "publish"
    MODE_PRIVATE = "private"
    MODE_EXISTING = "existing"

    mode = forms.ChoiceField(
        label="How to answer",
        choices=[
            (MODE_PUBLISH, "Answer and publish the question"),
            (MODE_PRIVATE, "Answer the asker only"),
            (MODE_EXISTING, "It is answered by a published question"),
        ],
        initial=MODE_PUBLISH,
        widget=forms.RadioSelect,
    )
    public_question = forms.CharField(
        label="The question as published",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Edit it so that it names nobody: the public page never shows "
        "who asked.",
    )
    topic = forms.ChoiceField(choices=Topic.choices, required=False)
    answer = forms.CharField(
        label="The answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sent to the asker by e-mail, and published with the question.",
    )
    entry = forms.ModelChoiceField(
        label="Published question",
        queryset=FaqEntry.objects.none(),
        required=False,
        help_text="The asker is sent its answer.",
    )
    also = forms.ModelMultipleChoiceField(
        label="The same question, asked by others",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked questions are answered (and their askers sent the "
        "answer) as duplicates of this one.",
    )

    def __init__(self, *args, question, others, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_question"].initial = question.text
        self.fields["entry"].queryset = entries
        self.fields["also"].queryset = others
        self.fields["also"].label_from_instance = lambda q: q.text[:200]

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.MODE_EXISTING and not data.get("entry"):
            self.add_error("entry", "Choose the published question that answers it.")
        if (
            mode in (self.MODE_PUBLISH, self.MODE_PRIVATE)
            and not (data.get("answer") or "").strip()
        ):
            self.add_error("answer", "Write the answer.")
        wording = (data.get("public_question") or "").strip()
        if mode == self.MODE_PUBLISH and not wording:
            self.add_error("public_question", "Write the question as published.")
        return data


class FaqEntryForm(BilingualFormMixin, forms.ModelForm):
    published = forms.BooleanField(
        label="Published on the round's questions page", required=False, initial=True
    )

    class Meta:
        model = FaqEntry
        fields = bilingual_fields(FaqEntry, ["topic", "question", "answer"])
        widgets = bilingual_options(
            FaqEntry,
            {
                "question": forms.Textarea(attrs={"rows": 3}),
                "answer": forms.Textarea(attrs={"rows": 6}),
            },
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["published"].initial = self.instance.is_published
        self.helper = FormHelper()
        self.helper.attrs = {"data-submit-once": ""}
        self.helper.add_input(Submit("save", "Save"))


class MilestoneForm(BilingualFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = bilingual_fields(
            Milestone, ["kind", "title", "on", "at_time", "when_text"]
        )
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "at_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        zone = round.time_zone.replace("_", " ")
        self.fields[
            "at_time"
        ].help_text = f"In the round's time zone, {zone}; empty for the whole day."
        self.fields["on"].help_text = f"The day in the round's time zone, {zone}."
        self.helper = FormHelper()
        self.helper.attrs = {"data-submit-once": ""}
        self.helper.add_input(Submit("save", "Save the milestone"))

    def clean_at_time(self):
        value = self.cleaned_data.get("at_time")
        stored = self.instance.at_time
        if stored and value and stored.replace(second=0, microsecond=0) == value:
            return stored
        return value

    def clean(self):
        data = super().clean()
        when_text = (data.get("when_text_en") or "") + (data.get("when_text_es") or "")
        if data.get("at_time") and when_text.strip():
            self.add_error("at_time", AT_TIME_WITH_TEXT)
        return data


class WebinarForm(BilingualFormMixin, forms.ModelForm):
    starts_at = ZonedDateTimeField(label="Starts at")

    class Meta:
        model = Webinar
        fields = bilingual_fields(
            Webinar,
            [
                "title",
                "description",
                "starts_at",
                "duration_minutes",
                "join_url",
                "capacity",
                "recording_url",
                "slides_url",
            ],
        )
        widgets = bilingual_options(
            Webinar, {"description": forms.Textarea(attrs={"rows": 3})}
        )
        labels = {"duration_minutes": "Length (minutes)"}
        help_texts = {
            "recording_url": "After the session: the round's page then offers "
            "“Watch the recording”.",
        }

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        zone_fields(self, round.time_zone)
        self.fields["duration_minutes"].min_value = 5
        self.helper = FormHelper()
        self.helper.attrs = {"data-submit-once": ""}
        self.helper.add_input(Submit("save", "Save the session"))

    def clean_starts_at(self):
        return kept(self, "starts_at")

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if not 5 <= value <= 600:
            raise forms.ValidationError("Give a length between 5 and 600 minutes.")
        return value
