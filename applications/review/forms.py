"""Forms of the review desk. They validate input; the services decide."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from dashmentor.models import User

from ..models import Conflict, Criterion, Decision, Round
from . import rules
from .services import ScoreInput, score_field


class ReviewForm(forms.Form):
    """One score and an optional comment per criterion, and an overall comment.

    The scale check and the required-score check are the service's, so the
    reviewer reads the same message whichever way a bad value arrives.
    """

    overall_comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For staff only: your overall view of the application."),
    )

    def __init__(self, *args, criteria: list[Criterion], review=None, **kwargs):
        self.criteria = criteria
        initial = kwargs.setdefault("initial", {})
        scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
        if review is not None:
            initial.setdefault("overall_comment", review.overall_comment)
        super().__init__(*args, **kwargs)
        for c in criteria:
            choices = [(v, str(v)) for v in range(c.scale_min, c.scale_max + 1)]
            self.fields[score_field(c.pk)] = forms.IntegerField(
                label=c.name,
                required=False,
                widget=forms.RadioSelect(choices=choices),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=f"Comment on “{c.name}”",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"shareable_{c.pk}"] = forms.BooleanField(
                label=_("May be shared with the applicant (unsigned)"),
                required=False,
            )
            old = scores.get(c.pk)
            if old is not None:
                self.initial.setdefault(score_field(c.pk), old.value)
                self.initial.setdefault(f"comment_{c.pk}", old.comment)
                self.initial.setdefault(f"shareable_{c.pk}", old.shareable)

    def rows(self):
        """(criterion, score field, comment field, shareable field) per row."""
        for c in self.criteria:
            yield (
                c,
                self[score_field(c.pk)],
                self[f"comment_{c.pk}"],
                self[f"shareable_{c.pk}"],
            )

    def score_inputs(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {
            c.pk: ScoreInput(
                value=data.get(score_field(c.pk)),
                comment=data.get(f"comment_{c.pk}") or "",
                shareable=bool(data.get(f"shareable_{c.pk}")),
            )
            for c in self.criteria
        }


class ConflictDeclareForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of conflict"), choices=Conflict.Kind.choices, initial="other"
    )
    note = forms.CharField(
        label=_("What is the conflict?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Staff read this; the applicant never does."),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why; staff see it on the application's history."),
    )
    share_feedback = forms.BooleanField(
        label=_("Send the reviewers' shareable comments with a waitlist or decline"),
        required=False,
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def for_decision(cls, decision: Decision | None) -> DecisionForm:
        """The form showing ``decision`` (or none yet), with the version seen."""
        return cls(
            initial={
                "seen_version": decision.version if decision else 0,
                "outcome": decision.outcome if decision else None,
                "note": decision.note if decision else "",
                "share_feedback": decision.share_feedback if decision else False,
            }
        )


class BulkDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Decision.Outcome.choices)
    note = forms.CharField(label=_("Note (internal)"), required=False)
    share_feedback = forms.BooleanField(
        label=_("Share reviewers' comments"), required=False
    )
    pick = forms.MultipleChoiceField(required=True, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each pick is "<application id>:<decision version seen>".
        self.fields["pick"].choices = [
            (v, v) for v in (self.data.getlist("pick") if self.data else [])
        ]
        self.fields["pick"].error_messages["required"] = (
            "Tick the applications to decide first."
        )

    def clean_pick(self) -> dict[int, int]:
        seen = {}
        for value in self.cleaned_data["pick"]:
            app_id, _, version = value.partition(":")
            if not (app_id.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("The selection is not valid."))
            seen[int(app_id)] = int(version)
        return seen


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(is_reviewer=True, is_active=True),
        label=_("Assign a reviewer"),
    )


class RoundReviewSettingsForm(forms.ModelForm):
    blind_fields = forms.MultipleChoiceField(
        label=_("Identifying fields"),
        choices=list(rules.BLIND_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Hidden from external reviewers when the review is blind."),
    )

    class Meta:
        model = Round
        fields = [
            "reviews_per_application",
            "reviewer_cap",
            "disagreement_threshold",
            "blind_review",
            "blind_fields",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


CriterionFormSet = forms.inlineformset_factory(
    Round,
    Criterion,
    fields=[
        "order",
        "key",
        "name",
        "description",
        "weight",
        "scale_min",
        "scale_max",
        "required",
    ],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=False,
)
