"""Admin for surveys: settings, structure and invitations, never single responses.

Responses and answers are not registered here at all: staff read answers only
as aggregates on the report page, which hides small groups. Questions are
read-only once a survey has responses; the "copy" action makes a new version.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from dashmentor.admin import SavesChangesOnly

from . import selectors, services
from .models import Choice, Invitation, Question, Release, Section, Survey

ANSWERED_WAITING = _("Yes: answers waiting to be released with others")
ANSWERED_IN_RELEASE = _("Yes: answers in release {number} ({day})")


class LockedInlineMixin:
    def _locked(self, obj):
        return obj is not None and selectors.survey_is_locked(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


class SectionInline(LockedInlineMixin, TranslationTabularInline):
    model = Section
    extra = 0
    fields = ["order", "title", "description"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["title", "kind", "audience", "status", "anonymous", "opens_at"]
    list_filter = ["kind", "status", "anonymous"]
    search_fields = ["title"]
    inlines = [SectionInline]
    readonly_fields = ["status", "opened_at", "copied_from", "created_by", "created_at"]
    actions = ["copy_surveys", "close_surveys"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and selectors.survey_is_locked(obj):
            # Fixed once answers exist, as the survey's pages refuse to change
            # them: a smaller group size would weaken every later release.
            fields += ["anonymous", "min_group_size"]
        return fields

    @admin.action(description=_("Copy into new draft surveys"))
    def copy_surveys(self, request, queryset):
        for survey in queryset:
            services.survey_copy(survey=survey, by=request.user)
        copied = queryset.count()
        messages.success(
            request,
            ngettext("Copied %(count)s survey.", "Copied %(count)s surveys.", copied)
            % {"count": copied},
        )

    @admin.action(description=_("Close the selected open surveys"))
    def close_surveys(self, request, queryset):
        for survey in queryset.filter(status=Survey.Status.OPEN):
            try:
                services.survey_close(survey=survey, by=request.user)
            except ValidationError as exc:
                messages.error(
                    request,
                    gettext("%(survey)s: %(problem)s")
                    % {"survey": survey, "problem": " ".join(exc.messages)},
                )


class QuestionInline(TranslationStackedInline):
    model = Question
    extra = 0
    fields = [
        "order",
        "kind",
        "prompt",
        "help_text",
        "required",
        "key",
        "min_value",
        "max_value",
        "likert_labels",
    ]
    show_change_link = True

    def _locked(self, obj):
        return obj is not None and selectors.survey_is_locked(obj.survey)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(Section)
class SectionAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["title", "survey", "order"]
    list_select_related = ["survey"]
    inlines = [QuestionInline]


class ChoiceInline(TranslationTabularInline):
    model = Choice
    extra = 0

    def _locked(self, obj):
        return obj is not None and selectors.survey_is_locked(obj.section.survey)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(Question)
class QuestionAdmin(SavesChangesOnly, TranslationAdmin):
    list_display = ["prompt", "kind", "section", "required"]
    list_select_related = ["section__survey"]
    inlines = [ChoiceInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Who was invited and who completed: the completion record, no answers.

    For an anonymous survey completion is shown no finer than the release that
    carried the person's answers (every release holds at least the survey's
    minimum group size), never the day: the day could single out the one
    person who answered between two looks at the report.
    """

    list_display = ["email", "survey", "mentorship", "created_on", "answered"]
    list_filter = ["survey"]
    list_select_related = ["survey", "mentorship__mentor_organization"]
    search_fields = ["email"]
    fields = [
        "survey",
        "email",
        "user",
        "organization",
        "mentorship",
        "created_on",
        "answered",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        released_at = Release.objects.filter(
            survey=OuterRef("survey_id"), number=OuterRef("released_in")
        ).values("released_at")[:1]
        return super().get_queryset(request).annotate(release_at=Subquery(released_at))

    @admin.display(description=_("Answered"))
    def answered(self, obj):
        if obj.completed_on is None:
            return gettext("No")
        if not obj.survey.anonymous:
            return date_format(obj.completed_on)
        if obj.released_in is None:
            return ANSWERED_WAITING
        return ANSWERED_IN_RELEASE.format(
            number=obj.released_in,
            day=date_format(timezone.localdate(obj.release_at))
            if obj.release_at
            else "",
        )

    def lookup_allowed(self, lookup, value, request=None):
        # The day of completion is never a filter, even typed into the URL.
        if lookup.split("__")[0] == "completed_on":
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False
