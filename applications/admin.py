from django.contrib import admin

from .models import (
    Application,
    Award,
    Conflict,
    Contact,
    Criterion,
    Decision,
    EligibilityResult,
    Question,
    Review,
    ReviewAssignment,
    Round,
)


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "time_zone", "awards_count"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline, CriterionInline]
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class EligibilityInline(admin.TabularInline):
    model = EligibilityResult
    extra = 0
    readonly_fields = ["criterion", "outcome", "reason", "computed_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "round",
        "status",
        "eligibility",
        "reviews_done",
        "score_mean",
        "score_normalized",
    ]
    list_filter = ["round", "status", "eligibility", "state"]
    search_fields = ["organization__name", "collaboration_name"]
    list_select_related = ["organization", "round"]
    show_full_result_count = False
    inlines = [ContactInline, EligibilityInline]
    raw_id_fields = ["organization", "created_by", "first_preference"]


admin.site.register(Conflict)
admin.site.register(ReviewAssignment, raw_id_fields=["application", "reviewer"])
admin.site.register(Review)
admin.site.register(Decision, raw_id_fields=["application"])
admin.site.register(Award, raw_id_fields=["application"])
