from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from dashmentor.admin import SavesChangesOnly
from dashmentor.bilingual import bilingual_fields

from ..models import (
    CohortMember,
    Mentorship,
    PlacementConstraint,
    PlacementEntry,
    PlacementRun,
)


@admin.register(Mentorship)
class MentorshipAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["topic", "mentor_organization", "round", "capacity"]
    list_filter = ["round"]
    search_fields = ["topic", "mentor_organization__name"]
    filter_horizontal = ["mentors"]
    prepopulated_fields = {"slug": ["topic"]}


admin.site.register(CohortMember, raw_id_fields=["award", "user"])


class PlacementEntryInline(admin.TabularInline):
    model = PlacementEntry
    fields = ["application", "mentorship", "choice", "score", "explanation"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlacementRun)
class PlacementRunAdmin(SavesChangesOnly, admin.ModelAdmin):
    """Runs are read here; they are computed and committed on the staff pages."""

    list_display = ["pk", "round", "status", "created_by", "created_at", "committed_at"]
    list_filter = ["round", "status"]
    readonly_fields = [
        "round",
        "status",
        "objective_text",
        "created_by",
        "created_at",
        "committed_by",
        "committed_at",
    ]
    # The summary is shown once, in the reader's language, not as the columns
    # it is kept in.
    exclude = ["objective", *bilingual_fields(PlacementRun, ["objective_text"])]
    inlines = [PlacementEntryInline]

    def has_add_permission(self, request):
        return False


@admin.register(PlacementConstraint)
class PlacementConstraintAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "mentorship", "created_by", "created_at"]
    list_filter = ["kind", "mentorship__round"]
    raw_id_fields = ["application", "mentorship"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
