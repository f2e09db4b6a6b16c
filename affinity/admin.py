from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from dashmentor.admin import SavesChangesOnly, StatusGateForm

from .models import (
    Cycle,
    Drawing,
    Group,
    GroupEmail,
    GroupMember,
    LeaderCheckIn,
    Meeting,
)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]


class GroupMemberInline(admin.TabularInline):
    form = StatusGateForm
    model = GroupMember
    fk_name = "group"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "status", "requested_at", "decided_at", "left_at"]
    readonly_fields = ["requested_at", "decided_at", "left_at"]


@admin.register(Group)
class GroupAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["topic", "cycle", "cadence", "capacity"]
    list_filter = ["cycle"]
    search_fields = ["topic"]
    prepopulated_fields = {"slug": ["topic"]}
    filter_horizontal = ["leaders", "support_staff"]
    raw_id_fields = ["pre_survey", "final_survey"]
    inlines = [GroupMemberInline]
    fieldsets = [
        (None, {"fields": ["cycle", "topic", "slug", "description", "cadence"]}),
        (
            _("Learning goals and expectations"),
            {
                "fields": [
                    "learning_goals",
                    "expectations_before",
                    "expectations_during",
                    "expectations_after",
                ]
            },
        ),
        (_("People"), {"fields": ["leaders", "support_staff", "capacity"]}),
        (_("Surveys"), {"fields": ["pre_survey", "final_survey"]}),
    ]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "starts_at"]
    list_filter = ["group__cycle", "group"]
    readonly_fields = ["notes_html", "notes_updated_by", "notes_updated_at"]


@admin.register(LeaderCheckIn)
class LeaderCheckInAdmin(admin.ModelAdmin):
    list_display = ["group", "kind", "held_on"]
    list_filter = ["kind", "group__cycle"]


@admin.register(GroupEmail)
class GroupEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "group", "sent_by", "created_at", "recipients"]
    readonly_fields = [f.name for f in GroupEmail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    """Drawings are made on the group's drawing page, once, and never edited."""

    list_display = ["group", "drawn_at", "drawn_by"]
    readonly_fields = [f.name for f in Drawing._meta.fields] + ["note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
