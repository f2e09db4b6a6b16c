"""Admin pages of the review desk: conflicts, assignments, reviews, decisions.

Reviews and decisions are read here; they are written on the staff pages, or by
the application list's actions (``applications/admin.py``), through the review
services so they are audited exactly as on the staff pages.
"""

from django.contrib import admin

from dashmentor.admin import SavesChangesOnly, StatusGateForm

from ..models import Conflict, Decision, Review, ReviewAssignment, Score


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = [
        "reviewer",
        "kind",
        "organization",
        "application",
        "declared_by",
        "created_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["reviewer", "organization", "application__organization"]
    search_fields = ["reviewer__full_name", "reviewer__email", "organization__name"]
    raw_id_fields = ["reviewer", "organization", "application", "declared_by"]

    def save_model(self, request, obj, form, change):
        if not obj.declared_by_id:
            obj.declared_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    form = StatusGateForm
    list_display = ["application", "reviewer", "status", "assigned_at"]
    list_filter = ["status", "application__round"]
    list_select_related = [
        "application__organization",
        "application__round",
        "reviewer",
    ]
    search_fields = ["reviewer__full_name", "application__organization__name"]
    raw_id_fields = ["application", "reviewer", "assigned_by"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    readonly_fields = ["criterion", "value", "comment", "shareable"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(SavesChangesOnly, admin.ModelAdmin):
    """Reviews are read here; reviewers change them on their desk (audited)."""

    list_display = ["assignment", "weighted_total", "submitted_at"]
    list_select_related = [
        "assignment__application__organization",
        "assignment__application__round",
        "assignment__reviewer",
    ]
    readonly_fields = [
        "assignment",
        "overall_comment",
        "weighted_total",
        "submitted_at",
    ]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Decisions are read here; they are made on the staff pages or by the
    application list's actions, which check for a concurrent decision."""

    list_display = ["application", "outcome", "decided_by", "decided_at", "released_at"]
    list_filter = ["outcome", ("released_at", admin.EmptyFieldListFilter)]
    list_select_related = [
        "application__organization",
        "application__round",
        "decided_by",
    ]
    readonly_fields = [
        "application",
        "outcome",
        "note",
        "share_feedback",
        "decided_by",
        "decided_at",
        "released_at",
        "version",
    ]

    def has_add_permission(self, request):
        return False
