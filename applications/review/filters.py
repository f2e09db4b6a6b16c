"""The staff review list's filters, over the denormalized application columns
so that 20,000 rows filter on indexes, never by scanning reviews."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from cohorts.models import Mentorship
from dashmentor.choices import Sector, USState
from dashmentor.models import Organization

from ..models import Application, Decision, Round

NO_DECISION = "none"

# The name as the application was submitted (``Application.applicant``), the
# profile's for one submitted before the copy was taken.
SUBMITTED_NAME = Coalesce(NullIf(F("org_name"), Value("")), F("organization__name"))

# Sort keys the list accepts: key -> (label, order_by expressions).
SORTS = {
    "normalized": ("Normalized score", [F("score_normalized").desc(nulls_last=True)]),
    "mean": ("Mean score", [F("score_mean").desc(nulls_last=True)]),
    "spread": ("Spread", [F("score_spread").desc(nulls_last=True)]),
    "reviews": ("Reviews done", [F("reviews_done").desc()]),
    "organization": ("Organization", [SUBMITTED_NAME.asc()]),
    "state": ("State", [F("state").asc()]),
    "submitted": ("Submitted", [F("submitted_at").asc(nulls_last=True)]),
}
DEFAULT_SORT = "normalized"


def sort_queryset(qs, sort: str):
    """Order by a whitelisted key; ``-key`` reverses it. Unknown keys fall back
    to the default, never to raw user input."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = DEFAULT_SORT, False
    exprs = SORTS[key][1]
    if descending:
        exprs = [e.copy() for e in exprs]
        for e in exprs:
            e.reverse_ordering()
    applied = ("-" if descending else "") + key
    return qs.order_by(*exprs, SUBMITTED_NAME.asc(), "pk"), applied


class ApplicationFilter(django_filters.FilterSet):
    """Filters of the staff review list; the round is set by the view."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": "Organization, collaboration, city"}
        ),
    )
    eligibility = django_filters.ChoiceFilter(choices=Application.Eligibility.choices)
    status = django_filters.ChoiceFilter(
        choices=[c for c in Application.Status.choices if c[0] != "draft"]
    )
    # Choices are the round's mentorships, read once (see __init__).
    preference = django_filters.ChoiceFilter(
        label=_("First preference"), field_name="first_preference", choices=[]
    )
    sector = django_filters.ChoiceFilter(
        label=_("Partner sector"), choices=Sector.choices, method="filter_sector"
    )
    state = django_filters.ChoiceFilter(choices=USState.choices)
    org_type = django_filters.ChoiceFilter(
        label=_("Organization type"),
        field_name="organization__org_type",
        choices=Organization.OrgType.choices,
    )
    decision = django_filters.ChoiceFilter(
        label=_("Decision"),
        choices=[(NO_DECISION, _("Not decided")), *Decision.Outcome.choices],
        method="filter_decision",
    )
    disagreement = django_filters.BooleanFilter(
        label=_("Reviewers disagree"),
        widget=forms.Select(
            choices=[
                ("", _("Any")),
                ("true", _("Flagged only")),
                ("false", _("Not flagged")),
            ]
        ),
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args, round: Round | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        mentorships = Mentorship.objects.select_related("mentor_organization")
        if round is not None:
            mentorships = mentorships.filter(round=round)
        self.filters["preference"].extra["choices"] = [
            (str(m.pk), str(m)) for m in mentorships
        ]
        for f in self.form.fields.values():
            css = "form-select form-select-sm"
            if isinstance(f.widget, forms.TextInput):
                css = "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(org_name__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(collaboration_name__icontains=value)
            | Q(org_city__icontains=value)
            | Q(organization__city__icontains=value)
        )

    def filter_sector(self, qs, name, value):
        return qs.filter(sectors_index__contains=f",{value},") if value else qs

    def filter_decision(self, qs, name, value):
        if value == NO_DECISION:
            # NOT EXISTS rather than LEFT JOIN ... IS NULL, which PostgreSQL
            # estimates at one row and plans as loops over every row.
            return qs.exclude(
                Exists(Decision.objects.filter(application=OuterRef("pk")))
            )
        return qs.filter(decision__outcome=value) if value else qs
