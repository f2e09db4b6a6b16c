"""Admin pages of the mentorship year: plans, goals, events, logs and changes."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dashmentor.admin import SavesChangesOnly, StatusGateForm

from ..models import (
    ActionLog,
    ActionPeriod,
    Activity,
    Attendance,
    CheckInNote,
    Event,
    Goal,
    Measure,
    PersonnelChange,
    ProgressEntry,
    SuccessGoal,
    WorkPlan,
    WorkPlanVersion,
)
from . import services


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    show_change_link = True


class VersionInline(admin.TabularInline):
    model = WorkPlanVersion
    extra = 0
    fields = ["number", "submitted_at", "submitted_by", "decision", "decided_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(WorkPlan)
class WorkPlanAdmin(SavesChangesOnly, admin.ModelAdmin):
    form = StatusGateForm
    list_display = ["__str__", "status", "due_on", "updated_at"]
    list_filter = ["status", "award__mentorship__round", "award__mentorship"]
    search_fields = ["award__application__organization__name"]
    list_select_related = ["award__application__organization"]
    raw_id_fields = ["award"]
    inlines = [GoalInline, VersionInline]


class ActivityInline(admin.TabularInline):
    form = StatusGateForm
    model = Activity
    extra = 0


@admin.register(Goal)
class GoalAdmin(SavesChangesOnly, admin.ModelAdmin):
    list_display = ["title", "workplan", "order"]
    search_fields = ["title", "workplan__award__application__organization__name"]
    raw_id_fields = ["workplan"]
    inlines = [ActivityInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0


@admin.register(SuccessGoal)
class SuccessGoalAdmin(SavesChangesOnly, admin.ModelAdmin):
    list_display = ["__str__", "award", "updated_at"]
    search_fields = ["statement", "award__application__organization__name"]
    raw_id_fields = ["award"]
    inlines = [MeasureInline]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ["measure", "date", "value", "recorded_by"]
    raw_id_fields = ["measure", "recorded_by"]


class AttendanceInline(admin.TabularInline):
    form = StatusGateForm
    model = Attendance
    extra = 0
    raw_id_fields = ["member", "recorded_by"]


@admin.register(Event)
class EventAdmin(SavesChangesOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "mentorship", "starts_at", "award"]
    list_filter = ["kind", "mentorship__round", "mentorship"]
    search_fields = ["title", "agenda"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["award", "created_by"]
    inlines = [AttendanceInline]


@admin.register(ActionPeriod)
class ActionPeriodAdmin(admin.ModelAdmin):
    list_display = ["title", "mentorship", "starts_on", "ends_on"]
    list_filter = ["mentorship__round", "mentorship"]


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    list_display = ["award", "period", "created_at", "author"]
    list_filter = ["period__mentorship"]
    raw_id_fields = ["award", "period", "author", "commented_by"]


@admin.register(CheckInNote)
class CheckInNoteAdmin(admin.ModelAdmin):
    list_display = ["award", "held_on", "author", "shared_with_mentee"]
    list_filter = ["shared_with_mentee", "award__mentorship"]
    raw_id_fields = ["award", "event", "author"]


@admin.register(PersonnelChange)
class PersonnelChangeAdmin(admin.ModelAdmin):
    list_display = [
        "person_name",
        "kind",
        "award",
        "effective_on",
        "status",
        "reported_at",
    ]
    list_filter = ["status", "kind", "award__mentorship__round"]
    search_fields = ["person_name", "person_email"]
    raw_id_fields = ["award", "reported_by", "applied_by"]
    readonly_fields = ["status", "applied_by", "applied_at"]
    actions = ["apply_changes"]

    @admin.action(description=_("Apply the selected changes to the contacts"))
    def apply_changes(self, request, queryset):
        applied = 0
        for change in queryset:
            try:
                services.personnel_change_apply(change=change, by=request.user)
                applied += 1
            except ValidationError as exc:
                self.message_user(
                    request,
                    gettext("%(change)s: %(problem)s")
                    % {"change": change, "problem": " ".join(exc.messages)},
                    messages.WARNING,
                )
        if applied:
            self.message_user(
                request,
                ngettext(
                    "%(count)s change applied.", "%(count)s changes applied.", applied
                )
                % {"count": applied},
            )
