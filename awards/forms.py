"""Forms of close-out. They validate; the services decide and save."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.bilingual import (
    BilingualFormMixin,
    bilingual_fields,
    bilingual_options,
)
from dashmentor.choices import Sector

from . import rules
from .models import Resource, RoundTerms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label: str | None, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.attrs = {"data-submit-once": ""}
    if label:
        helper.add_input(Submit("submit", label))
    return helper


class MoneyField(forms.DecimalField):
    """Dollars and cents: "2,500", "$2500.00"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("$", "")
        return super().to_python(value)


class TermsForm(BilingualFormMixin, forms.ModelForm):
    """The round's letter template, its texts in English and in Spanish."""

    class Meta:
        model = RoundTerms
        fields = bilingual_fields(
            RoundTerms,
            [
                "letter_subject",
                "letter_body",
                "expectations",
                "getting_started",
                "signatory_name",
                "signatory_title",
                "report_due_days",
            ],
        )
        widgets = bilingual_options(
            RoundTerms,
            {
                "letter_body": forms.Textarea(attrs={"rows": 14}),
                "expectations": forms.Textarea(attrs={"rows": 8}),
                "getting_started": forms.Textarea(attrs={"rows": 5}),
            },
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_due_days"].max_value = 365
        self.fields["report_due_days"].widget.attrs["max"] = 365
        self.helper = _helper(_("Save the letter template"))


class PaymentTermForm(forms.Form):
    label = forms.CharField(max_length=120)
    percent = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )
    requires_letter = forms.BooleanField(
        label=_("Award letter countersigned"), required=False
    )
    requires_workplan = forms.BooleanField(
        label=_("Work plan approved"), required=False
    )
    requires_report = forms.BooleanField(
        label=_("Final report accepted"), required=False
    )


class BaseRowsFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


PaymentTermFormSet = forms.formset_factory(
    PaymentTermForm,
    formset=BaseRowsFormSet,
    extra=1,
    max_num=6,
    validate_max=True,
    can_delete=True,
)


class ReportQuestionForm(forms.Form):
    key = forms.SlugField(required=False, widget=forms.HiddenInput, max_length=60)
    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    help_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )
    word_limit = forms.IntegerField(min_value=20, max_value=3000, initial=400)
    required = forms.BooleanField(required=False, initial=True)


ReportQuestionFormSet = forms.formset_factory(
    ReportQuestionForm,
    formset=BaseRowsFormSet,
    extra=1,
    max_num=15,
    validate_max=True,
    can_delete=True,
)


class PaymentForm(forms.Form):
    amount = MoneyField(help_text=_("In dollars; at most what the tranche is due."))
    paid_on = forms.DateField(widget=DATE, label=_("Paid on"))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        help_text=_("The accounting system's reference of the payment."),
    )

    def __init__(self, *args, tranche=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tranche is not None and not self.is_bound:
            self.initial.setdefault("amount", tranche.amount)
            self.initial.setdefault("paid_on", timezone.localdate())
        self.helper = _helper(_("Record the payment"))


class FileForm(forms.Form):
    file = forms.FileField(
        help_text="PDF, Word, Excel, PowerPoint, an image or CSV; 10 MB at most."
    )


class SignedLetterForm(forms.Form):
    file = forms.FileField(
        label=_("Signed letter"),
        help_text=_("A PDF or a photo (PNG, JPEG) of the signed letter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Upload the signed letter"))


class AttachmentForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    file = forms.FileField(
        help_text="PDF, Word, Excel, PowerPoint, an image or CSV; 10 MB at most."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Attach the file"))


class FinalReportForm(forms.Form):
    """The final report's draft: the round's questions, the goals, the measures."""

    lessons = forms.CharField(
        label=_("Lessons learned"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        help_text=_("What would you tell a collaboration starting where you started?"),
    )
    products = forms.CharField(
        label=_("Products and resources made"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
        help_text=_(
            "Toolkits, agreements, dashboards, presentations: one a line. "
            "Share them in the resource library below."
        ),
    )

    def __init__(self, *args, structure, data_initial: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        fields = {
            **_answer_fields(structure, data_initial.get("answers", {})),
            **_goal_fields(structure, data_initial.get("goals", {})),
            **_measure_fields(structure, data_initial.get("measures", {})),
        }
        # The questions first, then goals and measures, then lessons.
        lessons, products = self.fields.pop("lessons"), self.fields.pop("products")
        self.fields.update(fields)
        self.fields["lessons"] = lessons
        self.fields["products"] = products
        self.fields["lessons"].initial = data_initial.get("lessons", "")
        self.fields["products"].initial = data_initial.get("products", "")
        self.helper = _helper(None, form_tag=False)

    def to_data(self) -> dict:
        c = self.cleaned_data
        return {
            "answers": {
                q.key: c.get(f"answer_{q.key}", "") for q in self.structure.questions
            },
            "goals": {
                str(g.pk): {
                    "met": c.get(f"goal_{g.pk}_met", ""),
                    "why": c.get(f"goal_{g.pk}_why", ""),
                }
                for g in self.structure.goal_rows
                if c.get(f"goal_{g.pk}_met") or c.get(f"goal_{g.pk}_why")
            },
            "measures": {
                m.key: {
                    "final": ""
                    if c.get(f"measure_{m.key}_final") is None
                    else str(c.get(f"measure_{m.key}_final")),
                    "note": c.get(f"measure_{m.key}_note", ""),
                }
                for m in self.structure.measure_rows
            },
            "lessons": c.get("lessons", ""),
            "products": c.get("products", ""),
        }


def _answer_fields(structure, answers: dict) -> dict[str, forms.Field]:
    """A text box for each of the round's report questions."""
    fields = {}
    for q in structure.questions:
        fields[f"answer_{q.key}"] = forms.CharField(
            label=q.prompt,
            help_text=(q.help_text + " " if q.help_text else "")
            + gettext("At most %(n)s words.") % {"n": q.word_limit},
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            max_length=30000,
            initial=answers.get(q.key, ""),
        )
    return fields


def _goal_fields(structure, goals: dict) -> dict[str, forms.Field]:
    """Whether each success goal was met, and why."""
    fields = {}
    for goal in structure.goal_rows:
        key = str(goal.pk)
        fields[f"goal_{key}_met"] = forms.ChoiceField(
            label=gettext("Was the goal “%(title)s” met?") % {"title": goal.title},
            choices=[("", gettext("Not said yet")), *rules.GOAL_MET_CHOICES],
            required=False,
            initial=(goals.get(key) or {}).get("met", ""),
        )
        fields[f"goal_{key}_why"] = forms.CharField(
            label=gettext("Why, for “%(title)s”") % {"title": goal.title},
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=5000,
            initial=(goals.get(key) or {}).get("why", ""),
        )
    return fields


def _measure_fields(structure, measures: dict) -> dict[str, forms.Field]:
    """Each measure's final value, filled with the last one recorded, and a note."""
    fields = {}
    for m in structure.measure_rows:
        saved = (measures.get(m.key) or {}).get("final")
        unit = f" ({m.unit})" if m.unit else ""
        fields[f"measure_{m.key}_final"] = forms.DecimalField(
            label=gettext("Final value of “%(name)s”") % {"name": m.name} + unit,
            help_text=(
                gettext(
                    "Baseline %(baseline)s, target %(target)s; last recorded "
                    "%(latest)s, filled in for you."
                )
                % {
                    "baseline": f"{m.baseline:g}",
                    "target": f"{m.target:g}",
                    "latest": f"{m.latest:g}",
                }
                if m.latest is not None
                else gettext("Baseline %(baseline)s, target %(target)s.")
                % {"baseline": f"{m.baseline:g}", "target": f"{m.target:g}"}
            ),
            max_digits=12,
            decimal_places=2,
            required=False,
            initial=saved if saved not in (None, "") else m.latest,
        )
        fields[f"measure_{m.key}_note"] = forms.CharField(
            label=gettext("Note on “%(name)s”") % {"name": m.name},
            required=False,
            max_length=2000,
            initial=(measures.get(m.key) or {}).get("note", ""),
        )
    return fields


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment for the program office"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the comment"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the report")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the organization"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=_("Required when asking for changes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the decision"))


class ResourceForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("What it is, who it helps, how it was made."),
    )
    kind = forms.ChoiceField(choices=Resource.Kind.choices)
    link = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where it lives on the web, if it does."),
    )
    file = forms.FileField(
        required=False,
        help_text=_(
            "Or its file: PDF, Word, Excel, PowerPoint, an image or CSV; 10 MB at most."
        ),
    )
    topics = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    license = forms.ChoiceField(choices=Resource.License.choices)
    authors = forms.CharField(
        max_length=300, required=False, help_text="People, as they are credited."
    )

    def __init__(self, *args, topics=(), has_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        self.fields["topics"].choices = [(t, t) for t in topics]
        self.helper = _helper(None, form_tag=False)

    def clean_link(self):
        link = self.cleaned_data.get("link", "")
        if link and not rules.is_web_address(link):
            raise forms.ValidationError(_("Give an address that starts with https://."))
        return link


class ResourceReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish it")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the author"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(required=False)
    sector = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic"))] + [(t, t) for t in topics]
        self.fields["sector"].choices = [("", _("Any sector")), *Sector.choices]
        self.fields["kind"].choices = [("", _("Any kind")), *Resource.Kind.choices]
