"""Forms of the placement, award and invitation pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Award, Decision

from ..models import Mentorship, PlacementConstraint

UNPLACED = ""


class MentorshipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name} — {obj.topic} (capacity {obj.capacity})"


def _helper(label: str, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.attrs = {"data-submit-once": ""}
    helper.add_input(Submit("submit", label))
    return helper


class EntryMoveForm(forms.Form):
    """Move an applicant of a preview: pick a mentorship, or leave it unplaced."""

    mentorship = MentorshipChoiceField(
        queryset=Mentorship.objects.none(),
        required=False,
        empty_label=_("Unplaced (no award)"),
        label=_("Move to"),
    )

    def __init__(self, *args, round, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentorship"].queryset = Mentorship.objects.filter(
            round=round
        ).select_related("mentor_organization")
        self.initial.setdefault("mentorship", current)
        self.helper = _helper(_("Move"))


class AwardMoveForm(forms.Form):
    mentorship = MentorshipChoiceField(
        queryset=Mentorship.objects.none(), label=_("Move to cohort")
    )
    note = forms.CharField(
        required=False, label=_("Why (kept in the audit log)"), max_length=500
    )

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentorship"].queryset = (
            Mentorship.objects.filter(round_id=award.mentorship.round_id)
            .exclude(pk=award.mentorship_id)
            .select_related("mentor_organization")
        )
        self.helper = _helper(_("Move award"), form_tag=False)


class AwardTransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        required=False, label=_("Note (kept in the audit log)"), max_length=500
    )

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Award.TRANSITIONS.get(award.status, set())
        self.fields["status"].choices = [
            (value, label) for value, label in Award.Status.choices if value in allowed
        ]
        self.helper = _helper(_("Change status"), form_tag=False)


class ConstraintForm(forms.Form):
    """Pin an accepted applicant to a mentorship, or rule the pair out."""

    application = forms.ModelChoiceField(
        queryset=Application.objects.none(), label=_("Applicant")
    )
    mentorship = MentorshipChoiceField(
        queryset=Mentorship.objects.none(), label=_("Mentorship")
    )
    kind = forms.ChoiceField(
        choices=PlacementConstraint.Kind.choices,
        widget=forms.RadioSelect,
        label=_("Rule"),
        initial=PlacementConstraint.Kind.FORBID,
    )
    note = forms.CharField(
        required=False,
        label=_("Reason"),
        help_text=_(
            "For example: an organizational conflict with the mentor organization."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = (
            Application.objects.filter(
                round=round,
                decision__outcome__in=[
                    Decision.Outcome.ACCEPT,
                    Decision.Outcome.WAITLIST,
                ],
            )
            .select_related("organization")
            .order_by("organization__name")
        )
        self.fields["application"].label_from_instance = lambda a: a.organization.name
        self.fields["mentorship"].queryset = Mentorship.objects.filter(
            round=round
        ).select_related("mentor_organization")
        self.helper = _helper(_("Add rule"))


class InvitationPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Set my password and open my cohort"))
