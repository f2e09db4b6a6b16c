"""The program office's admin for rounds, applications and their review.

Writes that carry rules (eligibility overrides, decisions, rubric weights) go
through the review services so they are audited exactly as on the staff pages.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from dashmentor.admin import SavesChangesOnly, StatusGateForm
from dashmentor.choices import Sector, USState

from . import rules
from . import services as applicant_services
from .forms import RoundAdminForm
from .models import (
    Application,
    Award,
    Contact,
    Criterion,
    Decision,
    EligibilityResult,
    Partner,
    Question,
    ReviewAssignment,
    Round,
)
from .outreach.admin import round_moment
from .review import admin as review_admin  # noqa: F401 - registers the models
from .review import selectors, services
from .review.filters import SUBMITTED_NAME


class QuestionInline(TranslationStackedInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = [
        "order",
        "key",
        "name",
        "weight",
        "scale_min",
        "scale_max",
        "required",
        "description",
    ]


@admin.register(Round)
class RoundAdmin(SavesChangesOnly, TranslationAdmin):
    # The opening and the deadline in the round's own zone (applications.forms).
    form = RoundAdminForm
    list_display = [
        "name",
        "opens_local",
        "closes_local",
        "time_zone",
        "awards_count",
        "blind_review",
        "review_links",
    ]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline, CriterionInline]
    search_fields = ["name"]

    @admin.display(description=_("Review"))
    def review_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("applications:staff-round-review", args=[obj.slug]),
            gettext("Review desk"),
            reverse("applications:staff-ranked", args=[obj.slug]),
            gettext("Ranked"),
        )

    readonly_fields = ["totals_stale_since", "totals_computed_at"]

    @admin.display(description=_("Opens"), ordering="opens_at")
    def opens_local(self, obj):
        return round_moment(obj.opens_at, obj.time_zone)

    @admin.display(description=_("Closes"), ordering="closes_at")
    def closes_local(self, obj):
        return round_moment(obj.closes_at, obj.time_zone)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rubric_changed = any(
            fs.has_changed() for fs in formsets if fs.model is Criterion
        )
        if change and (rubric_changed or "disagreement_threshold" in form.changed_data):
            # New weights change every weighted total and so every rank.
            services.round_rescore_queue(round=form.instance, by=request.user)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "round",
        "order",
        "weight",
        "scale_min",
        "scale_max",
        "required",
    ]
    list_editable = ["order", "weight", "required"]
    list_filter = ["round"]
    list_select_related = ["round"]
    search_fields = ["name", "key"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            services.round_rescore_queue(round=obj.round, by=request.user)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    raw_id_fields = ["organization"]


class EligibilityOverrideFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            error = rules.override_error(
                data.get("override_outcome") or "",
                data.get("override_justification") or "",
            )
            if error:
                form.add_error("override_justification", error)


class EligibilityInline(admin.TabularInline):
    """Screening results; an override is saved through the audited service."""

    model = EligibilityResult
    formset = EligibilityOverrideFormSet
    extra = 0
    can_delete = False
    fields = [
        "criterion",
        "outcome",
        "reason",
        "override_outcome",
        "override_justification",
        "overridden_by",
        "overridden_at",
    ]
    readonly_fields = [
        "criterion",
        "outcome",
        "reason",
        "overridden_by",
        "overridden_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reason"))
    def reason(self, obj):
        """Why, in the reader's language (the row keeps it as codes)."""
        return obj.reason


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    can_delete = False
    fields = ["reviewer", "status", "assigned_by", "assigned_at", "weighted_total"]
    readonly_fields = fields
    fk_name = "application"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer", "review")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Weighted total"))
    def weighted_total(self, obj):
        review = getattr(obj, "review", None) if hasattr(obj, "review") else None
        return review.weighted_total if review else "—"


class EstimatedCountPaginator(Paginator):
    """Count an unfiltered large table from PostgreSQL's statistics.

    ``COUNT(*)`` reads every row of the table on every view; the planner's
    estimate (``pg_class.reltuples``, kept by autovacuum and ``ANALYZE``) costs
    nothing and is near enough for the changelist's total and page links.
    Filtered lists, small tables and other databases are counted exactly.
    """

    # Below this many rows an exact count takes about a millisecond.
    exact_below = 10_000

    @cached_property
    def count(self):
        estimate = self._estimate()
        if estimate is not None and estimate >= self.exact_below:
            return estimate
        return super().count

    def _estimate(self) -> int | None:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [qs.model._meta.db_table],
            )
            row = cursor.fetchone()
        # -1 until the table is first analyzed.
        return int(row[0]) if row and row[0] >= 0 else None


class MentorshipListFilter(admin.RelatedFieldListFilter):
    """The first-preference filter, its mentorships named in one query."""

    def field_choices(self, field, request, model_admin):
        from cohorts.models import Mentorship

        mentorships = Mentorship.objects.select_related("mentor_organization").only(
            "topic", "mentor_organization__name"
        )
        return [(m.pk, str(m)) for m in mentorships]


class SectorFilter(admin.SimpleListFilter):
    title = _("partner sector")
    parameter_name = "sector"

    def lookups(self, request, model_admin):
        return Sector.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(sectors_index__contains=f",{self.value()},")
        return queryset


class DecisionFilter(admin.SimpleListFilter):
    title = _("decision")
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("none", _("Not decided")), *Decision.Outcome.choices]

    def queryset(self, request, queryset):
        if self.value() == "none":
            # NOT EXISTS: as a LEFT JOIN ... IS NULL the planner expects one
            # row and loops over all 20,000.
            return queryset.exclude(
                Exists(Decision.objects.filter(application=OuterRef("pk")))
            )
        if self.value():
            return queryset.filter(decision__outcome=self.value())
        return queryset


_lower = lazy(lambda text: str(text).lower(), str)


def _decide_action(outcome):
    def action(modeladmin, request, queryset):
        """Decide only undecided applications: a decision someone already made
        is never replaced from a list without seeing it first."""
        seen = {
            pk: 0
            for pk in queryset.filter(decision__isnull=True).values_list(
                "pk", flat=True
            )
        }
        skipped = queryset.exclude(pk__in=seen).count()
        result = services.decision_record_bulk(
            seen=seen, outcome=outcome, by=request.user
        )
        decided = len(result.decided)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)s application decided “%(outcome)s”; nothing is sent "
                "until release.",
                "%(count)s applications decided “%(outcome)s”; nothing is sent "
                "until release.",
                decided,
            )
            % {"count": decided, "outcome": Decision.Outcome(outcome).label},
        )
        if skipped or result.conflicts:
            left = skipped + len(result.conflicts)
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)s already had a decision and was left unchanged; "
                    "open it to change it.",
                    "%(count)s already had a decision and were left unchanged; "
                    "open each to change it.",
                    left,
                )
                % {"count": left},
                level=messages.WARNING,
            )
        for application, reason in result.refused:
            modeladmin.message_user(
                request,
                gettext("%(application)s: %(reason)s")
                % {"application": application, "reason": reason},
                level=messages.ERROR,
            )

    action.__name__ = f"decide_{outcome}"
    action.short_description = format_lazy(
        _("Decide: {outcome} (undecided only)"),
        outcome=_lower(Decision.Outcome(outcome).label),
    )
    return action


STATE_LABELS = dict(USState.choices)
ELIGIBILITY_LABELS = dict(Application.Eligibility.choices)
STATUS_LABELS = dict(Application.Status.choices)


@admin.register(Application)
class ApplicationAdmin(SavesChangesOnly, admin.ModelAdmin):
    form = StatusGateForm
    list_display = [
        "organization_as_submitted",
        "round",
        "state_name",
        "sectors",
        "first_preference_name",
        "eligibility_label",
        "status_label",
        "reviews",
        "score_mean",
        "score_normalized",
        "score_spread",
        "disagreement",
        "decision_outcome",
    ]
    list_filter = [
        "round",
        "status",
        "eligibility",
        "disagreement",
        DecisionFilter,
        SectorFilter,
        "organization__org_type",
        ("first_preference", MentorshipListFilter),
        "state",
    ]
    search_fields = [
        "org_name",
        "organization__name",
        "collaboration_name",
        "org_city",
        "organization__city",
    ]
    list_select_related = [
        "organization",
        "round",
        "first_preference__mentor_organization",
        "decision",
    ]
    # Newest first, on the primary key: the page reads its 50 rows from the
    # index instead of sorting 20,000 (scores rank within a round, which the
    # staff review list sorts on its own indexes). Unfiltered, the total is
    # PostgreSQL's estimate, not a count of every row.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-pk"]
    inlines = [ContactInline, PartnerInline, EligibilityInline, AssignmentInline]
    raw_id_fields = ["organization", "created_by", "first_preference"]
    # What the application was submitted with is fixed at submission: shown,
    # never edited here (the organization's own page edits the profile).
    readonly_fields = [
        *[f for f in Application.SNAPSHOT_FIELDS.values() if f != "state"],
        "org_snapshot_at",
        "submitted_at",
        "first_submitted_at",
        "reviews_assigned",
        "reviews_done",
        "score_mean",
        "score_spread",
        "score_normalized",
        "disagreement",
        "eligibility",
        "decision_summary",
        "history",
    ]
    actions = [
        _decide_action(Decision.Outcome.ACCEPT),
        _decide_action(Decision.Outcome.WAITLIST),
        _decide_action(Decision.Outcome.DECLINE),
        "release_decisions",
    ]

    def action_checkbox(self, obj):
        """The row's checkbox, as Django's own, written out: rendering a form
        widget through the template engine costs more than the rest of a row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            gettext("Select this object for an action - %(obj)s") % {"obj": obj},
        )

    # Labels of the choice columns from dicts built once: the admin's own
    # display flattens the field's choices (60 states) for every cell.
    @admin.display(description=_("organization"), ordering=SUBMITTED_NAME)
    def organization_as_submitted(self, obj):
        return obj.applicant.name

    @admin.display(description=_("state"), ordering="state")
    def state_name(self, obj):
        return STATE_LABELS.get(obj.state, obj.state) or "—"

    @admin.display(description=_("eligibility"), ordering="eligibility")
    def eligibility_label(self, obj):
        return ELIGIBILITY_LABELS.get(obj.eligibility, obj.eligibility)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return STATUS_LABELS.get(obj.status, obj.status)

    @admin.display(description=_("sectors"))
    def sectors(self, obj):
        return ", ".join(selectors.sectors_of(obj)) or "—"

    @admin.display(description=_("first preference"), ordering="first_preference")
    def first_preference_name(self, obj):
        return obj.first_preference.short_name if obj.first_preference else "—"

    @admin.display(description=_("reviews"), ordering="reviews_done")
    def reviews(self, obj):
        return gettext("%(done)s of %(assigned)s") % {
            "done": obj.reviews_done,
            "assigned": obj.reviews_assigned,
        }

    @admin.display(description=_("decision"), ordering="decision__outcome")
    def decision_outcome(self, obj):
        try:
            d = obj.decision
        except Application.decision.RelatedObjectDoesNotExist:
            return "—"
        if d.released_at:
            return gettext("%(outcome)s (released)") % {
                "outcome": d.get_outcome_display()
            }
        return gettext("%(outcome)s (internal)") % {"outcome": d.get_outcome_display()}

    @admin.display(description=_("decision"))
    def decision_summary(self, obj):
        url = reverse("applications:staff-application-review", args=[obj.pk])
        return format_html(
            '{} <a href="{}">{}</a>',
            self.decision_outcome(obj) if obj.pk else "",
            url,
            gettext("Review file and decision"),
        )

    @admin.display(description=_("history (eligibility overrides, scores, decisions)"))
    def history(self, obj):
        if not obj.pk:
            return "—"
        return render_to_string(
            "applications/staff_audit_trail.html",
            {"trail": selectors.audit_lines(obj)},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not EligibilityResult:
            return super().save_formset(request, form, formset, change)
        # The formset validated the justification; the service writes the
        # override, re-derives eligibility and records the audit row.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for f in formset.forms:
            if not f.has_changed() or f.instance.pk is None:
                continue
            applicant_services.eligibility_override(
                result=f.instance,
                outcome=f.cleaned_data.get("override_outcome") or "",
                justification=f.cleaned_data.get("override_justification") or "",
                by=request.user,
            )
            formset.changed_objects.append((f.instance, f.changed_data))

    @admin.action(description=_("Release decisions of the selected (e-mails once)"))
    def release_decisions(self, request, queryset):
        decisions = Decision.objects.filter(application__in=queryset)
        count = services.decision_release(decisions=decisions, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)s decision released and e-mailed.",
                "%(count)s decisions released and e-mailed.",
                count,
            )
            % {"count": count},
        )


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    form = StatusGateForm
    raw_id_fields = ["application"]
