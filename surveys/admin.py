from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "status", "anonymous", "opens_at"]
    list_filter = ["kind", "status", "anonymous"]
