from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import timezone

from dashmentor.models import TIME_ZONE_CHOICES

from . import links
from .models import ESSENTIAL_KINDS, Kind
from .services import OPTIONAL_KINDS, message_enqueue

# What each kind a user may turn off is, in the words of the settings page.
OPTIONAL_KIND_HELP = {
    Kind.DEADLINE_REMINDER: "Application deadline reminders for your drafts",
    Kind.WORKPLAN_REMINDER: "Work plan due reminders",
    Kind.WORKPLAN_REVIEW: "Work plan review notices",
    Kind.EVENT_REMINDER: "Event and meeting reminders, a day before",
    Kind.SURVEY_REMINDER: "Survey reminders (the invitation itself is always sent)",
    Kind.AWARD_MILESTONE: "Award offer and contract milestones",
    Kind.GROUP_EMAIL: "E-mails to your affinity groups",
    Kind.GROUP_MEMBERSHIP: "Affinity group membership notices",
    Kind.REVIEW_ASSIGNMENT: "New review assignments",
    Kind.ROSTER: "Cohort rosters for mentors",
    Kind.REVIEW_REMINDER: "Reminders before your reviews are due",
    Kind.PROGRAM_MESSAGE: "News and messages from the program office",
}


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=TIME_ZONE_CHOICES,
        help_text="Every time on the portal and in e-mails is shown in this zone.",
    )
    receive = forms.MultipleChoiceField(
        label="E-mail me about",
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
            Fieldset("Time zone", "time_zone"),
            Fieldset("Optional e-mail", "receive"),
            Submit("save", "Save settings"),
        )

    @property
    def disabled_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["receive"])
        return [kind for kind in OPTIONAL_KINDS if kind not in chosen]


ESSENTIAL_LABELS = sorted(Kind(kind).label for kind in ESSENTIAL_KINDS)


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
        subject = loader.render_to_string(subject_template_name, context)
        subject = "".join(subject.splitlines())
        user = context["user"]
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
