"""Forms of the applicant side. They validate and say what is wrong next to the
field; the views hand the cleaned data to a service.

A draft may be saved half-filled: fields the call requires are reported as
missing on the checklist, not refused here. What is refused here is what is
wrong: a malformed e-mail, phone or EIN, an answer over its word limit, a
partner listed twice, a mentorship ranked twice.
"""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dashmentor.choices import Sector, USState
from dashmentor.models import Organization, User
from dashmentor.zones import ZonedDateTimeField, kept, zone_fields, zone_or_none

from . import rules
from .models import Application, EligibilityResult, Round
from .services import DUPLICATE_PARTNER

EIN_INVALID = _("Enter the EIN as nine digits, like 12-3456789.")
PHONE_INVALID = _("Enter a phone number with its area code, like 614-555-0100.")
COUNTRY_REQUIRED = _("Name the country where your organization is based.")
PARTNER_NEEDS_SECTOR = _("Tick at least one sector for this partner.")
PARTNER_NEEDS_NAME = _("Give the partner organization's name.")
DUPLICATE_PREFERENCE = _(
    "You already ranked this mentorship {rank}. Pick a different one, or leave "
    "this choice empty."
)
DUPLICATE_CONTACT = _("{email} is already listed; list each person once.")
TEAM_NEEDS_NAME = _("Give this team member's name.")
TEAM_NEEDS_EMAIL = _("Give this team member's e-mail address.")
CONFIRM_REQUIRED = _("Tick the box to confirm before you submit.")

# The label of each ranked choice, and the rank named in a duplicate's error.
CHOICE_LABELS = [
    _("First choice"),
    _("Second choice"),
    _("Third choice"),
    _("Fourth choice"),
    _("Fifth choice"),
    _("Sixth choice"),
    _("Seventh choice"),
    _("Eighth choice"),
    _("Ninth choice"),
    _("Tenth choice"),
]
RANKED_AS = [
    _("as your first choice"),
    _("as your second choice"),
    _("as your third choice"),
    _("as your fourth choice"),
    _("as your fifth choice"),
    _("as your sixth choice"),
    _("as your seventh choice"),
    _("as your eighth choice"),
    _("as your ninth choice"),
    _("as your tenth choice"),
]

_PHONE_RE = re.compile(r"^[0-9+().\-\s/x]+$", re.IGNORECASE)


def over_word_limit(count: int, limit: int) -> str:
    """The error of an answer of ``count`` words over its ``limit``."""
    over = count - limit
    return ngettext(
        "This answer has %(count)s words; the limit is %(limit)s. "
        "Shorten it by %(over)s word.",
        "This answer has %(count)s words; the limit is %(limit)s. "
        "Shorten it by %(over)s words.",
        over,
    ) % {"count": count, "limit": limit, "over": over}


def check_word_limit(text: str, limit: int) -> str:
    count = rules.count_words(text)
    if count > limit:
        raise forms.ValidationError(over_word_limit(count, limit))
    return text


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return value
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_RE.match(value) or digits < 7 or digits > 15:
        raise forms.ValidationError(PHONE_INVALID)
    return value


def _no_form_tag(form) -> FormHelper:
    helper = FormHelper(form)
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class SignupForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "title", "time_zone"]
        labels = {"full_name": "Your name", "time_zone": "Your time zone"}
        help_texts = {
            "email": "We will send a link to this address to confirm it.",
            "time_zone": "Times are shown to you in this zone; deadlines also "
            "name the round's own zone.",
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"data-submit-once": ""}
        self.helper.add_input(Submit("submit", _("Create my account")))

    def clean_email(self):
        # Whether an account has this address is never said here: the sign-up
        # answers the same for both, and its owner hears by e-mail
        # (services.applicant_signup).
        return self.cleaned_data["email"].lower()

    def validate_unique(self):
        self.instance.validate_unique(
            exclude={*self._get_validation_exclusions(), "email"}
        )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        if p1:
            user = User(
                email=cleaned.get("email", ""), full_name=cleaned.get("full_name", "")
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class OrganizationForm(forms.ModelForm):
    """The applicant organization's profile."""

    website = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Like https://example.org"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "url"}),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "org_type",
            "sector",
            "ein",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "country",
            "website",
        ]
        labels = {
            "name": "Legal name",
            "org_type": "Organization type",
            "sector": "Your organization's own sector",
            "ein": "EIN (Employer Identification Number)",
            "state": "State or territory",
        }
        help_texts = {
            "org_type": "The call is open to public entities and 501(c)(3) nonprofits.",
            "sector": "The sector your organization works in. Your partners must "
            "cover two or more other sectors.",
            "ein": "Nine digits, like 12-3456789. A 501(c)(3) nonprofit needs it "
            "to be eligible.",
            "state": "Choose “Outside the United States” if that is where you are "
            "based.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("org_type", "sector", "state"):
            self.fields[name].required = True
        self.fields["org_type"].widget = forms.RadioSelect(
            choices=Organization.OrgType.choices
        )
        self.fields["org_type"].choices = Organization.OrgType.choices
        self.fields["state"].choices = [("", "Choose…"), *USState.choices]
        self.fields["sector"].choices = [("", "Choose…"), *Sector.choices]
        self.fields["ein"].validators = []
        self.fields["ein"].max_length = None
        self.fields["ein"].widget.attrs.pop("maxlength", None)
        self.fields["ein"].widget.attrs["inputmode"] = "numeric"
        self.helper = _no_form_tag(self)

    def clean_ein(self):
        value = (self.cleaned_data.get("ein") or "").strip()
        if not value:
            return ""
        normalized = rules.normalize_ein(value)
        if normalized is None:
            raise forms.ValidationError(EIN_INVALID)
        return normalized

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        country = (cleaned.get("country") or "").strip()
        if state == USState.OUTSIDE:
            if not country or country.lower() in {"united states", "usa", "us"}:
                self.add_error("country", COUNTRY_REQUIRED)
        elif state and not country:
            cleaned["country"] = "United States"
        return cleaned


# --- contacts and team ---------------------------------------------------------


class RemovableRowsFormSet(forms.BaseFormSet):
    """Rows kept by their id (see ``dashmentor.rows``).

    Every existing row is posted with its id, changed or not, so that saving
    the page keeps it; a row is removed only when its delete box is ticked or
    its fields (``row_fields``) are emptied.
    """

    remove_label = "Remove this row"
    row_fields: tuple[str, ...] = ()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label

    def is_filled(self, data: dict) -> bool:
        return any(data.get(name) for name in self.row_fields)

    def kept_forms(self) -> list:
        """The forms of rows to keep or add, in the page's order."""
        return [
            f
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and self.is_filled(f.cleaned_data)
        ]

    def removed_ids(self) -> list[int]:
        """The ids of existing rows ticked for removal or emptied."""
        return [
            f.cleaned_data["id"]
            for f in self.forms
            if f.cleaned_data
            and f.cleaned_data.get("id")
            and (f.cleaned_data.get("DELETE") or not self.is_filled(f.cleaned_data))
        ]


class TeamBaseFormSet(RemovableRowsFormSet):
    remove_label = "Remove this team member"
    row_fields = ("name", "title", "email")


class ContactForm(forms.Form):
    """The primary or secondary contact; blanks are allowed in a draft."""

    name = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(max_length=40, required=False)
    from_lead_organization = forms.BooleanField(
        label=_("Works for our organization (the lead organization)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        self.helper = _no_form_tag(self)

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"))

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f) for f in ("name", "title", "email", "phone"))


class TeamMemberForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    name = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    from_lead_organization = forms.BooleanField(
        label=_("Staff of our organization"), required=False, initial=True
    )

    def clean(self):
        cleaned = super().clean()
        filled = any(cleaned.get(f) for f in ("name", "title", "email"))
        if not cleaned.get("DELETE") and filled:
            if not cleaned.get("name"):
                self.add_error("name", TEAM_NEEDS_NAME)
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", TEAM_NEEDS_EMAIL)
        return cleaned


TeamFormSet = forms.formset_factory(
    TeamMemberForm,
    formset=TeamBaseFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class ContactsSection:
    """The primary and secondary contacts and the team, validated together."""

    def __init__(self, application, data=None):
        contacts = list(application.contacts.all())
        by_kind = {c.kind: c for c in contacts if c.kind in ("primary", "secondary")}
        team = [c for c in contacts if c.kind == "team"]

        def initial(contact):
            if contact is None:
                return {"from_lead_organization": True}
            return {
                "name": contact.name,
                "title": contact.title,
                "email": contact.email,
                "phone": contact.phone,
                "from_lead_organization": contact.from_lead_organization,
            }

        self.primary = ContactForm(
            data, prefix="primary", initial=initial(by_kind.get("primary"))
        )
        self.secondary = ContactForm(
            data, prefix="secondary", initial=initial(by_kind.get("secondary"))
        )
        self.team = TeamFormSet(
            data,
            prefix="team",
            initial=[
                {
                    "id": c.pk,
                    "name": c.name,
                    "title": c.title,
                    "email": c.email,
                    "from_lead_organization": c.from_lead_organization,
                }
                for c in team
            ],
        )

    def is_valid(self) -> bool:
        valid = all(
            [self.primary.is_valid(), self.secondary.is_valid(), self.team.is_valid()]
        )
        if not valid:
            return False
        seen = set()
        forms_in_order = [self.primary, self.secondary, *self.team.kept_forms()]
        for form in forms_in_order:
            email = (form.cleaned_data.get("email") or "").lower()
            if not email:
                continue
            if email in seen:
                form.add_error("email", DUPLICATE_CONTACT.format(email=email))
                valid = False
            seen.add(email)
        return valid

    def service_kwargs(self) -> dict:
        def row(form, with_phone=True):
            data = {
                "name": form.cleaned_data.get("name", ""),
                "title": form.cleaned_data.get("title", ""),
                "email": form.cleaned_data.get("email", ""),
                "from_lead_organization": bool(
                    form.cleaned_data.get("from_lead_organization")
                ),
            }
            if with_phone:
                data["phone"] = form.cleaned_data.get("phone", "")
            else:
                data["id"] = form.cleaned_data.get("id")
            return data

        return {
            "primary": None if self.primary.is_blank() else row(self.primary),
            "secondary": None if self.secondary.is_blank() else row(self.secondary),
            "team": [row(f, with_phone=False) for f in self.team.kept_forms()],
            "team_remove": self.team.removed_ids(),
        }

    @property
    def errors(self) -> bool:
        return bool(
            self.primary.errors
            or self.secondary.errors
            or any(self.team.errors)
            or self.team.non_form_errors()
        )


# --- collaboration and partners ----------------------------------------------------


class CollaborationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "collaboration_name",
            "collaboration_status",
            "collaboration_description",
        ]
        labels = {
            "collaboration_name": "Name of the collaboration",
            "collaboration_status": "Your organization and the collaboration",
            "collaboration_description": "About the collaboration (optional)",
        }
        help_texts = {
            "collaboration_name": "The community or regional collaboration you "
            "lead or take part in, or the one you will convene.",
        }
        widgets = {
            "collaboration_status": forms.RadioSelect,
            "collaboration_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collaboration_status"].choices = Application.Collaboration.choices
        self.helper = _no_form_tag(self)


class PartnerForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    name = forms.CharField(
        label=_("Partner organization"), max_length=255, required=False
    )
    sectors = forms.MultipleChoiceField(
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "sector-choices"}),
        help_text=_("Tick every sector the partner works in."),
    )
    role = forms.CharField(
        label=_("Role in the collaboration (optional)"),
        required=False,
        widget=forms.TextInput,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE"):
            if (cleaned.get("sectors") or cleaned.get("role")) and not cleaned.get(
                "name"
            ):
                self.add_error("name", PARTNER_NEEDS_NAME)
            if cleaned.get("name") and not cleaned.get("sectors"):
                self.add_error("sectors", PARTNER_NEEDS_SECTOR)
        return cleaned


class BasePartnerFormSet(RemovableRowsFormSet):
    remove_label = "Remove this partner"
    row_fields = ("name", "sectors", "role")

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.kept_forms():
            name = form.cleaned_data.get("name", "")
            key = " ".join(name.lower().split())
            if not key:
                continue
            if key in seen:
                form.add_error("name", DUPLICATE_PARTNER.format(name=name))
            seen.add(key)
        if any(self.errors):
            raise forms.ValidationError(
                _("A partner is listed twice; see the message next to it.")
            )

    def partners(self) -> list[dict]:
        return [
            {
                "id": f.cleaned_data.get("id"),
                "name": f.cleaned_data["name"].strip(),
                "sectors": f.cleaned_data["sectors"],
                "role": f.cleaned_data.get("role", ""),
            }
            for f in self.kept_forms()
        ]


PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class CollaborationSection:
    def __init__(self, application, data=None):
        self.form = CollaborationForm(data, instance=application, prefix="collab")
        partners = list(application.partners.all())
        self.partners = PartnerFormSet(
            data,
            prefix="partners",
            initial=[
                {"id": p.pk, "name": p.name, "sectors": p.sectors, "role": p.role}
                for p in partners
            ],
        )
        if partners:
            self.partners.extra = 1

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.partners.is_valid()])

    def service_kwargs(self) -> dict:
        return {
            "name": self.form.cleaned_data["collaboration_name"],
            "status": self.form.cleaned_data["collaboration_status"],
            "description": self.form.cleaned_data["collaboration_description"],
            "partners": self.partners.partners(),
            "partners_remove": self.partners.removed_ids(),
        }


# --- single-field sections ---------------------------------------------------------


class GoalForm(forms.Form):
    learning_goal = forms.CharField(
        label=_("Your learning goal for the mentorship"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 6, "data-word-limit": str(rules.GOAL_WORD_LIMIT)}
        ),
        help_text=format_lazy(
            _(
                "What does your collaboration want to learn or be able to do by "
                "the end of the ten months? Be specific: a clearly defined goal "
                "is the first eligibility criterion. Up to {limit} words."
            ),
            limit=rules.GOAL_WORD_LIMIT,
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag(self)

    def clean_learning_goal(self):
        return check_word_limit(
            self.cleaned_data.get("learning_goal", "").strip(), rules.GOAL_WORD_LIMIT
        )

    def service_kwargs(self) -> dict:
        return {"data": {"learning_goal": self.cleaned_data["learning_goal"]}}


class AllInForm(forms.Form):
    all_in_profile = forms.ChoiceField(
        label=_("Your organization's All In profile"),
        choices=Application.AllIn.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "You do not need an All In profile to apply, but accepted "
            "mentees join the All In online community (allin.healthdoers.org) as a "
            "condition of acceptance."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag(self)

    def service_kwargs(self) -> dict:
        return {"data": {"all_in_profile": self.cleaned_data["all_in_profile"]}}


class QuestionsForm(forms.Form):
    """One textarea per question of the round, each with its word limit."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=f"{number}. {question.prompt}",
                required=False,
                initial=answers.get(question.pk, ""),
                help_text=" ".join(
                    str(part)
                    for part in [
                        question.help_text,
                        (
                            _("Up to %(limit)s words.")
                            if question.required
                            else _("Up to %(limit)s words (optional).")
                        )
                        % {"limit": question.word_limit},
                    ]
                    if part
                ),
                widget=forms.Textarea(
                    attrs={"rows": 6, "data-word-limit": str(question.word_limit)}
                ),
            )
        self.helper = _no_form_tag(self)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q_{question.pk}"
            text = (cleaned.get(name) or "").strip()
            try:
                cleaned[name] = check_word_limit(text, question.word_limit)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def service_kwargs(self) -> dict:
        return {
            "answers": {
                q.pk: self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions
            }
        }


class PreferencesForm(forms.Form):
    """The round's mentorships ranked: first choice, second choice, ..."""

    def __init__(self, *args, mentorships, ranked_ids, **kwargs):
        super().__init__(*args, **kwargs)
        mentorships = list(mentorships)
        self.count = len(mentorships)
        choices = [("", _("— no choice —"))] + [
            (m.pk, f"{m.mentor_organization.name}: {m.topic}") for m in mentorships
        ]
        for i in range(self.count):
            label = (
                CHOICE_LABELS[i]
                if i < len(CHOICE_LABELS)
                else format_lazy(_("Choice {number}"), number=i + 1)
            )
            self.fields[f"choice_{i + 1}"] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=ranked_ids[i] if i < len(ranked_ids) else None,
            )
        self.helper = _no_form_tag(self)

    def clean(self):
        cleaned = super().clean()
        seen = {}
        for i in range(self.count):
            name = f"choice_{i + 1}"
            mentorship_id = cleaned.get(name)
            if mentorship_id is None:
                continue
            if mentorship_id in seen:
                self.add_error(
                    name,
                    DUPLICATE_PREFERENCE.format(rank=RANKED_AS[seen[mentorship_id]]),
                )
            else:
                seen[mentorship_id] = i
        return cleaned

    def service_kwargs(self) -> dict:
        ids = [
            self.cleaned_data[f"choice_{i + 1}"]
            for i in range(self.count)
            if self.cleaned_data.get(f"choice_{i + 1}") is not None
        ]
        return {"mentorship_ids": ids}


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the information in this application is accurate "
            "and that I may submit it for my organization."
        ),
        error_messages={"required": CONFIRM_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag(self)


class EligibilityOverrideForm(forms.Form):
    """One screening result's override, on the eligibility page and the review
    file alike. The service decides (``rules.override_error``): an outcome needs
    a justification; no outcome clears the override."""

    outcome = forms.ChoiceField(
        label=_("Outcome to record"),
        required=False,
        choices=[("", _("No override (use the screening)"))]
        + list(EligibilityResult.Outcome.choices),
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the screening result is overridden. Kept with your name."),
    )

    @classmethod
    def for_result(cls, result: EligibilityResult) -> "EligibilityOverrideForm":
        """The form showing ``result``'s override (none: the screening counts)."""
        return cls(
            prefix=f"c{result.criterion}",
            initial={
                "outcome": result.override_outcome,
                "justification": result.override_justification,
            },
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag(self)


# --- staff: a round's own dates, in the round's zone ---


class RoundAdminForm(forms.ModelForm):
    """The admin's round form: the opening and the deadline are typed and shown
    in the round's time zone (the one posted with them, if it changes), not in
    the zone of the staff member's profile."""

    opens_at = ZonedDateTimeField(label="Opens at")
    closes_at = ZonedDateTimeField(
        label="Closes at",
        help_text="The exact closing time; no submission is accepted from this "
        "second on.",
    )

    class Meta:
        model = Round
        # The admin shows every field, as it would with its own form.
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = self.data.get(self.add_prefix("time_zone")) if self.is_bound else None
        zone = (
            posted
            if zone_or_none(posted)
            else self.instance.time_zone or settings.PORTAL_DEFAULT_TIME_ZONE
        )
        zone_fields(self, zone)

    def clean_opens_at(self):
        return kept(self, "opens_at")

    def clean_closes_at(self):
        return kept(self, "closes_at")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", ROUND_CLOSES_BEFORE_OPENING)
        return data


ROUND_CLOSES_BEFORE_OPENING = "The round must close after it opens."
