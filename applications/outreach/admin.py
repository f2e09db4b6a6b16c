"""The admin of questions, webinars and milestones. Times are in each round's
zone, as on the staff pages; answering and publishing go through the staff
pages (``views``), which send the asker's e-mail."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from dashmentor.admin import SavesChangesOnly, StatusGateForm
from dashmentor.templatetags.dates import format_when
from dashmentor.zones import ZonedDateTimeField, kept, zone_fields, zone_or_none

from .models import AskedQuestion, FaqEntry, Milestone, Webinar, WebinarRegistration


def round_moment(moment, zone_name: str) -> str:
    """A moment as the round's pages show it: in the round's zone, named."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment, zone_or_none(zone_name))
    return format_when(local, "short_datetime_tz")


class WebinarAdminForm(forms.ModelForm):
    starts_at = ZonedDateTimeField(label=_("Starts at"))

    class Meta:
        model = Webinar
        # The admin shows every field, as it would with its own form.
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = None
        if self.is_bound:
            from applications.models import Round

            posted = self.data.get(self.add_prefix("round"))
            if posted and str(posted).isdigit():
                zone = (
                    Round.objects.filter(pk=posted)
                    .values_list("time_zone", flat=True)
                    .first()
                )
        if zone is None and self.instance.round_id:
            zone = self.instance.round.time_zone
        zone_fields(self, zone or settings.PORTAL_DEFAULT_TIME_ZONE)

    def clean_starts_at(self):
        return kept(self, "starts_at")


class RegistrationInline(admin.TabularInline):
    """Registrations whose address was confirmed: until then they are nobody's."""

    model = WebinarRegistration
    form = StatusGateForm
    extra = 0
    fields = ["name", "email", "organization", "status", "confirmed_at"]
    readonly_fields = ["confirmed_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(status=WebinarRegistration.Status.UNCONFIRMED)
        )


@admin.register(Webinar)
class WebinarAdmin(SavesChangesOnly, TranslationAdmin):
    form = WebinarAdminForm
    list_display = ["title", "round", "starts_local", "capacity"]
    list_filter = ["round"]
    list_select_related = ["round"]
    search_fields = ["title"]
    inlines = [RegistrationInline]

    @admin.display(description=_("Starts"), ordering="starts_at")
    def starts_local(self, obj):
        return round_moment(obj.starts_at, obj.round.time_zone)


@admin.register(Milestone)
class MilestoneAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["milestone_label", "round", "on", "at_time", "when_text"]
    list_filter = ["round", "kind"]
    list_select_related = ["round"]

    @admin.display(description=_("label"))
    def milestone_label(self, obj):
        return obj.label


@admin.register(FaqEntry)
class FaqEntryAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["question", "round", "topic", "published_at"]
    list_filter = ["round", "topic"]
    list_select_related = ["round"]
    search_fields = ["question", "answer"]


@admin.register(AskedQuestion)
class AskedQuestionAdmin(admin.ModelAdmin):
    """What was asked, by whom, and its fate; answered from the staff queue."""

    list_display = ["text", "round", "email", "status", "created_at", "confirmed_at"]
    list_filter = ["round", "status"]
    list_select_related = ["round"]
    search_fields = ["text", "email", "name"]
    readonly_fields = [
        "round",
        "text",
        "name",
        "email",
        "user",
        "status",
        "created_at",
        "confirmed_at",
        "answer",
        "entry",
        "answered_at",
        "answered_by",
    ]

    def get_queryset(self, request):
        # A question whose address is not confirmed has not reached staff.
        return (
            super()
            .get_queryset(request)
            .exclude(status=AskedQuestion.Status.UNCONFIRMED)
        )

    def has_add_permission(self, request):
        return False
