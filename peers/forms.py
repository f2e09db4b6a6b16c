"""Forms of the peer network; each validates, and the view calls one service."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affinity.models import Group
from dashmentor.choices import Sector, USState

from . import rules
from .models import CollaborationProfile, Topic


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class ProfileForm(forms.Form):
    """What the organization says of itself to its peers."""

    visibility = forms.ChoiceField(
        label=_("Who may see this profile"),
        choices=rules.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Contact details are never shown: peers ask for an "
            "introduction, and see your e-mail only if you accept."
        ),
    )
    works_on = forms.CharField(
        label=_("What the collaboration works on"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    challenges = forms.CharField(
        label=_("Current challenges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            _(
                "One a line, at most {most}, each under {chars} characters. "
                "Peers like you read these."
            ),
            most=rules.CHALLENGES_MAX,
            chars=rules.CHALLENGE_MAX_CHARS,
        ),
    )
    offers = forms.CharField(
        label=_("What you can offer peers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_sectors = forms.MultipleChoiceField(
        label=_("Partner sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    data_systems = forms.MultipleChoiceField(
        label=_("Data systems in use"),
        choices=rules.DataSystem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    data_systems_planned = forms.MultipleChoiceField(
        label=_("Data systems planned"),
        choices=rules.DataSystem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    populations = forms.MultipleChoiceField(
        label=_("Populations served"),
        choices=rules.Population.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    state = forms.ChoiceField(
        label=_("State or territory"),
        choices=[("", "—")] + list(USState.choices),
        required=False,
    )

    def __init__(self, *args, profile: CollaborationProfile, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "visibility": profile.visibility,
                "works_on": profile.works_on,
                "challenges": "\n".join(c.text for c in profile.challenges.all()),
                "offers": profile.offers,
                "topics": list(profile.topics.all()),
                "partner_sectors": profile.partner_sectors,
                "data_systems": profile.data_systems,
                "data_systems_planned": profile.data_systems_planned,
                "populations": profile.populations,
                "state": profile.state,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the profile"))

    def clean_challenges(self):
        challenges = rules.challenges_parse(self.cleaned_data["challenges"])
        if len(challenges) > rules.CHALLENGES_MAX:
            raise forms.ValidationError(
                gettext("List at most %(limit)s challenges, one per line.")
                % {"limit": rules.CHALLENGES_MAX}
            )
        if any(len(c) > rules.CHALLENGE_MAX_CHARS for c in challenges):
            raise forms.ValidationError(
                gettext("Keep each challenge under %(limit)s characters.")
                % {"limit": rules.CHALLENGE_MAX_CHARS}
            )
        return challenges

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["topics"] = list(data["topics"])
        return data


class DirectoryForm(forms.Form):
    """The directory's search and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    topic = forms.TypedChoiceField(
        label=_("Topic"), coerce=int, required=False, empty_value=None
    )
    sector = forms.ChoiceField(
        label=_("Partner sector"),
        choices=[("", _("Any sector"))] + list(Sector.choices),
        required=False,
    )
    data_system = forms.ChoiceField(
        label=_("Data system"),
        choices=[("", _("Any data system"))] + list(rules.DataSystem.choices),
        required=False,
    )
    state = forms.ChoiceField(
        label=_("State or territory"),
        choices=[("", _("Any state"))] + list(USState.choices),
        required=False,
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=[("", _("Any region"))]
        + [(r.value, capfirst(r.label)) for r in rules.Region],
        required=False,
    )
    year = forms.TypedChoiceField(
        label=_("Program year"), coerce=int, required=False, empty_value=None
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort"), coerce=int, required=False, empty_value=None
    )
    group = forms.TypedChoiceField(
        label=_("Affinity group"), coerce=int, required=False, empty_value=None
    )
    alumni = forms.BooleanField(label=_("Alumni only"), required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = choices["cohorts"]
        self.fields["topic"].choices = [("", _("Any topic")), *choices["topics"]]
        self.fields["year"].choices = [("", _("Any year"))] + [
            (year, str(year)) for year in choices["years"]
        ]
        self.fields["cohort"].choices = [("", _("Any cohort"))] + [
            (
                m.pk,
                f"{m.round.contract_start.year} · {m.mentor_organization.name}: "
                f"{m.topic}",
            )
            for m in self.cohorts.values()
        ]
        self.fields["group"].choices = [("", _("Any group")), *choices["groups"]]


class IntroductionForm(forms.Form):
    """Ask to be introduced: for which of one's organizations, and a short note."""

    from_profile = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=CollaborationProfile.objects.none()
    )
    note = forms.CharField(
        label=_("A short note"),
        max_length=rules.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you would like to learn from them. Your e-mail is shared "
            "only if they accept."
        ),
    )

    def __init__(self, *args, own_profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_profile"].queryset = CollaborationProfile.objects.filter(
            pk__in=[p.pk for p in own_profiles]
        ).select_related("organization")
        self.fields["from_profile"].label_from_instance = lambda p: str(p.organization)
        if len(own_profiles) == 1:
            self.fields["from_profile"].initial = own_profiles[0].pk
            self.fields["from_profile"].widget = forms.HiddenInput()
        self.helper = _helper(_("Ask for the introduction"))


class BrokerForm(forms.Form):
    """A mentor or staff member introduces two mentee organizations."""

    first = forms.ModelChoiceField(
        label=_("Introduce"), queryset=CollaborationProfile.objects.none()
    )
    second = forms.ModelChoiceField(
        label=_("to"), queryset=CollaborationProfile.objects.none()
    )
    note = forms.CharField(
        label=_("Why they should meet"),
        max_length=rules.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = candidates
            self.fields[name].label_from_instance = lambda p: str(p.organization)
        self.helper = _helper(_("Introduce them"))

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            raise forms.ValidationError(_("Choose two different organizations."))
        return data


class GroupMoveForm(forms.Form):
    to_group = forms.ModelChoiceField(
        label=_("Would fit better in"), queryset=Group.objects.none()
    )
    note = forms.CharField(
        label=_("Why (the member reads this)"),
        required=False,
        max_length=rules.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"].queryset = Group.objects.filter(
            cycle_id=member.group.cycle_id
        ).exclude(pk=member.group_id)
        self.fields["to_group"].label_from_instance = lambda g: g.topic
        self.helper = _helper(_("Suggest the move"))
