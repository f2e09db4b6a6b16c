from django.contrib import admin

from .models import CohortMember, Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["topic", "mentor_organization", "round", "capacity"]
    list_filter = ["round"]
    search_fields = ["topic", "mentor_organization__name"]
    filter_horizontal = ["mentors"]
    prepopulated_fields = {"slug": ["topic"]}


admin.site.register(CohortMember, raw_id_fields=["award", "user"])
