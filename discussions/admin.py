from django.contrib import admin

from .models import Challenge, Post, Reply, Space, SpaceSetting, Thread


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "created_at")
    list_filter = ("kind",)
    list_select_related = ("mentorship", "group")
    raw_id_fields = ("mentorship", "group")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "space", "post_count", "last_post_at", "locked_at")
    list_select_related = ("space__mentorship", "space__group")
    search_fields = ("title",)
    raw_id_fields = ("space", "author", "locked_by", "meeting", "event")
    readonly_fields = ("form_token",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("pk", "thread", "author", "created_at", "hidden_at")
    list_select_related = ("thread", "author")
    raw_id_fields = ("thread", "author", "hidden_by", "mentions")
    readonly_fields = ("body_html", "body_text", "form_token")


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "status", "reply_count", "created_at")
    list_filter = ("status", "audience")
    search_fields = ("title",)
    raw_id_fields = (
        "author",
        "organization",
        "space",
        "closed_by",
        "meeting",
        "event",
        "hidden_by",
    )
    readonly_fields = ("status", "search_document", "form_token")


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ("pk", "challenge", "author", "helpful_at", "hidden_at")
    list_select_related = ("challenge", "author")
    raw_id_fields = ("challenge", "author", "hidden_by")
    readonly_fields = ("body_html", "body_text", "form_token")


@admin.register(SpaceSetting)
class SpaceSettingAdmin(admin.ModelAdmin):
    list_display = ("user", "space", "frequency")
    raw_id_fields = ("user", "space")
