from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashmentor.languages import override_for
from dashmentor.models import TIME_ZONE_CHOICES

from . import links
from .models import ESSENTIAL_KINDS, Kind
from .services import OPTIONAL_KINDS, message_enqueue

# What each kind a user may turn off is, in the words of the settings page.
OPTIONAL_KIND_HELP = {
    Kind.DEADLINE_REMINDER: _("Application deadline reminders for your drafts"),
    Kind.WORKPLAN_REMINDER: _("Work plan due reminders"),
    Kind.WORKPLAN_REVIEW: _("Work plan review notices"),
    Kind.EVENT_REMINDER: _("Event and meeting reminders, a day before"),
    Kind.SURVEY_REMINDER: _("Survey reminders (the invitation itself is always sent)"),
    Kind.AWARD_MILESTONE: _("Award offer and contract milestones"),
    Kind.GROUP_EMAIL: _("E-mails to your affinity groups"),
    Kind.GROUP_MEMBERSHIP: _("Affinity group membership notices"),
    Kind.REVIEW_ASSIGNMENT: _("New review assignments"),
    Kind.ROSTER: _("Cohort rosters for mentors"),
}


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        # Each language is named in itself, so that anyone finds their own.
        choices=[("", _("The language of my browser")), *settings.LANGUAGES],
        required=False,
        help_text=_("The portal's pages and the e-mails we send you."),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=TIME_ZONE_CHOICES,
        help_text=_("Every time on the portal and in e-mails is shown in this zone."),
    )
    receive = forms.MultipleChoiceField(
        label=_("E-mail me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (kind, OPTIONAL_KIND_HELP.get(kind, Kind(kind).label))
            for kind in OPTIONAL_KINDS
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"data-submit-once": ""}
        self.helper.layout = Layout(
            Fieldset(_("Language and time zone"), "language", "time_zone"),
            Fieldset(_("Optional e-mail"), "receive"),
            Submit("save", _("Save settings")),
        )

    @property
    def disabled_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["receive"])
        return [kind for kind in OPTIONAL_KINDS if kind not in chosen]


def essential_labels() -> list[str]:
    """The kinds always sent, named in the active language, in its order."""
    return sorted(str(Kind(kind).label) for kind in ESSENTIAL_KINDS)


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose e-mail goes through the outbox.

    The outbox keeps the account, not the link: the link is made when the
    e-mail is sent (``notifications/links.py``), so no stored copy, key or
    admin page holds a working one. Asking twice within a minute writes one
    message.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        with override_for(user):
            subject = loader.render_to_string(subject_template_name, context)
        subject = "".join(subject.splitlines())
        message_enqueue(
            kind=Kind.PASSWORD_RESET,
            to_email=to_email,
            subject=subject,
            template="notifications_password_reset",
            context={"email": context["email"]},
            key=f"reset:{user.pk}:{int(timezone.now().timestamp()) // 60}",
            recipient=user,
            link_kind=links.PASSWORD_RESET,
            link_object_id=user.pk,
        )
