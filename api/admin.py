"""The admin's view of tokens (never their secret: only a hash exists) and of
the webhook outbox, with the same redelivery as the webhooks page."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiToken, WebhookDelivery, WebhookEndpoint, WebhookEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scopes", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "key_hash", "scopes", "created_at"]
    fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token is made by its owner, on the tokens page

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", done)
            % {"count": done},
        )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["url", "events", "created_by", "created_at", "updated_at"]
    fields = [
        "url",
        "description",
        "events",
        "active",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # registered on the webhooks page, which shows the secret

    def save_model(self, request, obj, form, change):
        # Through the service: audited, and the subscribers every process
        # keeps are marked changed.
        services.endpoint_update(
            endpoint=obj,
            url=obj.url,
            events=obj.events,
            description=obj.description,
            active=obj.active,
            by=request.user,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "delivery_id",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["delivery_id", "endpoint__url"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = [
        "delivery_id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_error",
        "last_status_code",
        "next_attempt_at",
        "created_at",
        "queued_at",
        "sending_started_at",
        "delivered_at",
    ]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed deliveries again"))
    def redeliver(self, request, queryset):
        done = 0
        for delivery in queryset:
            try:
                services.delivery_redeliver(delivery=delivery, by=request.user)
            except ValidationError:
                continue
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s delivery queued again.",
                "%(count)s deliveries queued again.",
                done,
            )
            % {"count": done},
            messages.INFO,
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["type", "target_type", "target_id", "occurred_at"]
    list_filter = ["type"]
    readonly_fields = [
        "type",
        "audit_event",
        "target_type",
        "target_id",
        "change",
        "occurred_at",
        "payload",
    ]

    def has_add_permission(self, request):
        return False
