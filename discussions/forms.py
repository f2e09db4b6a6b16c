import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from peers.models import Topic
from peers.rules import DataSystem

from . import rules
from .models import Frequency


def _token_initial(kwargs) -> None:
    kwargs.setdefault("initial", {})
    kwargs["initial"].setdefault("form_token", uuid.uuid4().hex)


class TokenForm(forms.Form):
    """A form posted once: its token, made when it was shown, is unique on the
    row it writes, so a double click or a second tab writes one."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, **kwargs):
        _token_initial(kwargs)
        super().__init__(*args, **kwargs)


BODY_WIDGET = forms.Textarea(attrs={"rows": 5})
BODY_HELP = _(
    "Plain text, or simple HTML (paragraphs, bold, lists, links); anything "
    "else is removed."
)


class ChallengeForm(TokenForm):
    title = forms.CharField(label=_("Title"), max_length=rules.TITLE_MAX_CHARS)
    context = forms.CharField(
        label=_("Context"),
        widget=BODY_WIDGET,
        help_text=_("Where you are and what is in the way."),
    )
    tried = forms.CharField(
        label=_("What you have tried"), widget=BODY_WIDGET, required=False
    )
    would_help = forms.CharField(
        label=_("What would help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    data_systems = forms.MultipleChoiceField(
        label=_("Data systems"),
        choices=DataSystem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Who may read it"))

    def __init__(self, *args, audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(v, label) for v, label, _r in audiences]
        self.order_fields(
            [
                "title",
                "context",
                "tried",
                "would_help",
                "topics",
                "data_systems",
                "audience",
            ]
        )

    def clean(self):
        data = super().clean()
        for name in ("context", "tried", "would_help"):
            value = data.get(name) or ""
            if len(value) > rules.BODY_MAX_CHARS:
                self.add_error(name, rules.text_error(value))
        return data


class PostForm(TokenForm):
    body = forms.CharField(
        label=_("Your post"), widget=BODY_WIDGET, help_text=BODY_HELP, required=False
    )
    mentions = forms.TypedMultipleChoiceField(
        label=_("Mention members"),
        coerce=int,
        required=False,
        help_text=_("They get an e-mail with your post."),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentions"].choices = [
            (m.pk, m.get_full_name() or m.email) for m in members
        ]

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        error = rules.text_error(body)
        if error:
            raise forms.ValidationError(error)
        return body


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=rules.TITLE_MAX_CHARS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["title", "body", "mentions"])


class ReplyForm(TokenForm):
    body = forms.CharField(
        label=_("Your reply, from your own experience"),
        widget=BODY_WIDGET,
        help_text=BODY_HELP,
        required=False,
    )

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        error = rules.text_error(body)
        if error:
            raise forms.ValidationError(error)
        return body


class CloseForm(forms.Form):
    decision = forms.CharField(
        label=_("What did it decide?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=rules.BODY_MAX_CHARS,
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide it? (its author reads this)"),
        max_length=rules.REASON_MAX_CHARS,
    )


class BringForm(forms.Form):
    meeting = forms.ChoiceField(label=_("Bring it to"), required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", _("No meeting"))] + list(meetings)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)


FREQUENCY_CHOICES = Frequency.choices


class EmailSettingsForm(forms.Form):
    challenges_weekly = forms.BooleanField(
        label=_("Send me the weekly “challenges you could help with”"),
        required=False,
    )

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spaces = list(spaces)
        for item in self.spaces:
            self.fields[f"space_{item['key']}"] = forms.ChoiceField(
                label=item["name"],
                choices=FREQUENCY_CHOICES,
                initial=item["frequency"],
                widget=forms.RadioSelect,
            )

    def space_fields(self):
        return [self[f"space_{item['key']}"] for item in self.spaces]
