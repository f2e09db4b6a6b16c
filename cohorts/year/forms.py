"""Forms of the mentorship year. They validate; the services decide and save."""

import datetime as dt
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import (
    ActionPeriod,
    Activity,
    Attendance,
    CheckInNote,
    CohortMember,
    Event,
    Measure,
    PersonnelChange,
)
from . import rules, services

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _helper(label: str | None, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.attrs = {"data-submit-once": ""}
    if label:
        helper.add_input(Submit("submit", label))
    return helper


# --- work plan ---------------------------------------------------------------


class GoalForm(forms.Form):
    title = forms.CharField(
        max_length=255,
        label=_("Goal"),
        help_text=_("What the organization sets out to achieve this year."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(None, form_tag=False)


REQUIRED = _("This field is required.")
ERR_TICK_MEMBER = _(
    "{name} is on the organization's team: tick them under “Who took part” "
    "instead, so that the call's attendance shows it."
)


class RowForm(forms.Form):
    """A row of a formset kept by its id (see ``dashmentor.rows``).

    Its fields are optional one by one so that a row emptied of them (the
    ``row_fields``) is removed rather than refused; a row with some of them
    filled needs all of ``needed``.
    """

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    row_fields: tuple[str, ...] = ()
    needed: tuple[str, ...] = ()

    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) not in (None, "") for name in self.row_fields) or any(
            name in self.errors for name in self.row_fields
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and self.is_filled():
            for name in self.needed:
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, REQUIRED)
        return cleaned


def row_items(formset) -> list[dict]:
    """The formset's rows for a service: each filled row with its values and
    id, and each existing row ticked or emptied with ``delete`` set."""
    items = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data:
            continue
        item = dict(data)
        item["delete"] = bool(item.pop("DELETE", False)) or not form.is_filled()
        if item["delete"] and not item.get("id"):
            continue
        items.append(item)
    return items


class ActivityForm(RowForm):
    title = forms.CharField(max_length=255, label=_("Activity"), required=False)
    target_date = forms.DateField(widget=DATE, label=_("Target date"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=Activity.Status.choices, initial="planned"
    )
    row_fields = ("title", "target_date")
    needed = ("title", "target_date")

    def __init__(self, *args, contract_start=None, contract_end=None, **kwargs):
        self.contract_start, self.contract_end = contract_start, contract_end
        super().__init__(*args, **kwargs)

    def clean_target_date(self):
        day = self.cleaned_data["target_date"]
        if day and self.contract_start and self.contract_end:
            problem = rules.activity_date_error(
                day, self.contract_start, self.contract_end
            )
            if problem:
                raise forms.ValidationError(problem)
        return day


class BaseActivityFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(not item["delete"] for item in row_items(self)):
            raise forms.ValidationError(_("A goal needs at least one activity."))

    def activities(self) -> list[dict]:
        return row_items(self)


ActivityFormSet = forms.formset_factory(
    ActivityForm, formset=BaseActivityFormSet, extra=3, can_delete=True
)


def goal_forms(data, *, initial, activities, award):
    """A goal's form and its activities' rows, bound to ``data`` when posted;
    activities' dates must fall inside the award's contract."""
    dates = {"contract_start": award.contract_start, "contract_end": award.contract_end}
    formset = ActivityFormSet(data, initial=activities, form_kwargs=dates, prefix="act")
    return GoalForm(data, initial=initial), formset


class ActivityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve the plan")),
            ("changes", _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Required when you ask for changes; the mentee receives it by e-mail."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send my review"))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "changes"
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", services.ERR_COMMENT_REQUIRED)
        return cleaned


# --- success goal ------------------------------------------------------------


class SuccessGoalForm(forms.Form):
    statement = forms.CharField(
        label=_("Our success goal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What capacity, knowledge or work the organization will build by "
            "the end of the mentorship."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(None, form_tag=False)


class QuantityInput(forms.NumberInput):
    """A number input that shows a stored 6.00 as 6 (and 0.50 as 0.5)."""

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            text = format(value.normalize(), "f")
            return "0" if text == "-0" else text
        return super().format_value(value)


class MeasureForm(RowForm):
    name = forms.CharField(max_length=255, label=_("Measure"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"),
        max_digits=12,
        decimal_places=2,
        initial=0,
        required=False,
        widget=QuantityInput,
    )
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=QuantityInput,
    )
    row_fields = ("name", "unit", "target")
    needed = ("name", "target")


MeasureFormSet = forms.formset_factory(MeasureForm, extra=1, can_delete=True)


def success_goal_forms(data, *, goal, measures):
    """The success goal's statement form and its measures' rows, bound to
    ``data`` when posted."""
    initial = [
        {
            "id": m.pk,
            "name": m.name,
            "unit": m.unit,
            "baseline": m.baseline,
            "target": m.target,
        }
        for m in measures
    ]
    form = SuccessGoalForm(
        data, initial={"statement": goal.statement} if goal and data is None else None
    )
    return form, MeasureFormSet(data, initial=initial, prefix="measure")


def measure_items(formset) -> list[dict]:
    return row_items(formset)


class ProgressForm(forms.Form):
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.none(),
        error_messages={"invalid_choice": services.ERR_MEASURE_OTHER_ORG},
    )
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(
            success_goal__award=award
        )
        self.helper = _helper(_("Add progress"))


# --- events ------------------------------------------------------------------


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title = forms.CharField(
        label=pgettext_lazy("the name of a thing", "Title"), max_length=255
    )
    award = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Mentee organization"),
        help_text=_("For a check-in call only."),
    )
    starts_at = forms.DateTimeField(
        widget=DATETIME, input_formats=DATETIME_FORMATS, label=_("Starts")
    )
    minutes = forms.IntegerField(
        min_value=15, max_value=600, initial=60, label=_("Length (minutes)")
    )
    location = forms.CharField(max_length=255, required=False, label=_("Place"))
    link = forms.URLField(required=False, label=_("Video link"), assume_scheme="https")
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, mentorship, zone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        from applications.models import Award

        self.fields["award"].queryset = mentorship.awards.filter(
            status__in=Award.ACTIVE
        ).select_related("application__organization")
        self.fields["award"].label_from_instance = lambda a: a.organization.name
        self.fields["starts_at"].help_text = format_lazy(
            _("In your time zone, {zone}."), zone=zone_name
        )
        self.helper = _helper(_("Schedule the event"))


class SeriesForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("the name of a thing", "Title"),
        max_length=200,
        initial=_("Cohort webinar"),
        help_text=_("Each webinar is numbered after it: “Cohort webinar 1”, …"),
    )
    first = forms.DateField(widget=DATE, label=_("First webinar on"))
    cadence = forms.ChoiceField(label=_("Cadence"), choices=rules.Cadence.CHOICES)
    at = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=dt.time(14, 0),
        label=_("Time"),
    )
    minutes = forms.IntegerField(
        min_value=15, max_value=600, initial=60, label=_("Length (minutes)")
    )
    link = forms.URLField(required=False, label=_("Video link"), assume_scheme="https")
    location = forms.CharField(max_length=255, required=False, label=_("Place"))
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, zone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text = format_lazy(
            _("In the round's time zone, {zone}."), zone=zone_name
        )
        self.helper = _helper(None, form_tag=False)


class AttendanceForm(forms.Form):
    """One status per expected member; every posted ``member_<id>`` is kept so
    that the service can refuse someone who is not in the cohort."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                label=member.name,
            )

    def statuses(self) -> dict[int, str]:
        result = {}
        for key, value in self.data.items():
            if key.startswith("member_") and value:
                try:
                    result[int(key.removeprefix("member_"))] = value
                except ValueError:
                    continue
        return result


# --- logs, notes, personnel ------------------------------------------------


class ActionLogForm(forms.Form):
    period = forms.ModelChoiceField(
        label=_("Period"), queryset=ActionPeriod.objects.none()
    )
    did = forms.CharField(
        label=_("What we did"), widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label=_("What we will do next"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.helper = _helper(_("Add to the log"))


class LogCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Mentor's comment"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CheckInNoteForm(forms.ModelForm):
    """The mentor's record of a call: who took part is ticked from the team,
    which records them present at the scheduled call (see
    ``services.checkin_note_create``); anyone else is named in words."""

    # Ids checked against the team in Python (no query for a posted value).
    members = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Who took part"),
        help_text=_(
            "Ticking someone records them present at the scheduled call, "
            "if you choose one."
        ),
    )
    field_order = [
        "held_on",
        "event",
        "members",
        "attendees",
        "notes",
        "follow_ups",
        "shared_with_mentee",
    ]

    class Meta:
        model = CheckInNote
        fields = [
            "held_on",
            "event",
            "attendees",
            "notes",
            "follow_ups",
            "shared_with_mentee",
        ]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "follow_ups": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "shared_with_mentee": _("Shared with mentee"),
            "follow_ups": _("Follow ups"),
            "notes": _("Notes"),
            "held_on": _("Call held on"),
            "event": _("Scheduled call"),
            "attendees": _("Others on the call"),
        }

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        self.award = award
        self.fields["event"].queryset = Event.objects.filter(
            award=award, kind=Event.Kind.CHECK_IN, starts_at__lte=timezone.now()
        ).order_by("-starts_at")
        self.fields["event"].required = False
        self.team = list(
            CohortMember.objects.filter(award=award, active=True).order_by(
                "role", "name"
            )
        )
        self.fields["members"].choices = [(m.pk, m.name) for m in self.team]
        self.helper = _helper(_("Save the notes"))

    def clean_members(self):
        by_pk = {m.pk: m for m in self.team}
        return [by_pk[pk] for pk in self.cleaned_data.get("members", [])]

    def clean_attendees(self):
        text = self.cleaned_data.get("attendees", "")
        named, _ = rules.members_named(text, self.team)
        if named:
            raise forms.ValidationError(
                ERR_TICK_MEMBER.format(name=named[0].name), code="member"
            )
        return text


class PersonnelChangeForm(forms.ModelForm):
    class Meta:
        model = PersonnelChange
        fields = ["kind", "person_name", "person_email", "effective_on", "note"]
        widgets = {"effective_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "note": _("Note"),
            "effective_on": _("Effective on"),
            "kind": _("What changes"),
            "person_name": _("Person's name"),
            "person_email": _("Person's e-mail"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Report the change"))
