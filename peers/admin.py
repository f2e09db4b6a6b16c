"""The peer network in the admin: staff keep the topic vocabulary here."""

from django.contrib import admin

from .models import Block, CollaborationProfile, Introduction, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(CollaborationProfile)
class CollaborationProfileAdmin(admin.ModelAdmin):
    list_display = ("organization", "visibility", "state", "region", "updated_at")
    list_filter = ("visibility", "region")
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
    readonly_fields = (
        "organization",
        "prefill_consent",
        "prefill_answered_by",
        "prefill_answered_at",
        "similar_computed_at",
    )
    exclude = ("topics",)

    def has_add_permission(self, request):
        # Profiles are made by the portal, one per organization.
        return False


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "introduced_by", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = (
        "from_profile__organization",
        "to_profile__organization",
        "introduced_by",
    )
    search_fields = (
        "from_profile__organization__name",
        "to_profile__organization__name",
    )
    readonly_fields = [f.name for f in Introduction._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("__str__", "created_at")
    list_select_related = ("blocker__organization", "blocked__organization")
    readonly_fields = ("blocker", "blocked", "created_by", "created_at")

    def has_add_permission(self, request):
        return False
