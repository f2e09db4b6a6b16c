"""The outbox for staff: every message, its fate, and a resend for failures."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from dashmentor.roles import Role, has_role
from dashmentor.templatetags.dates import format_when

from . import rules, services
from .models import Kind, Message, Preference, ReminderRule

STATUS_BADGES = {
    Message.Status.SENT: ("#1a7f37", _("✓ Sent")),
    Message.Status.FAILED: ("#b42318", _("✗ Failed")),
    Message.Status.SUPPRESSED: ("#57606a", _("Turned off by the person")),
    Message.Status.SENDING: ("#9a6700", _("… Sending")),
    Message.Status.QUEUED: ("#9a6700", _("… Queued")),
    Message.Status.PENDING: ("#9a6700", _("… Waiting")),
}


# The title of the fieldset that holds what a message says.
CONTENT = _("Content")


class PersonFilter(admin.SimpleListFilter):
    """One person's message history, by address or account."""

    title = _("person")
    parameter_name = "person"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(
            Q(to_email__iexact=value) | Q(recipient__email__iexact=value)
        )


class ErrorFilter(admin.SimpleListFilter):
    title = _("last attempt")
    parameter_name = "error"

    def lookups(self, request, model_admin):
        return [("yes", _("Had an error")), ("no", _("No error"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_error="")
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


class ProgramStaffAccess:
    """Program staff (``is_staff``) run the outbox without per-model grants.

    They see each message's recipient, subject and fate; what a message says
    is shown only with ``notifications.view_message_body`` (``MessageAdmin``).
    """

    staff_may_edit = False

    def _staff(self, request) -> bool:
        return has_role(request.user, Role.STAFF)

    def has_module_permission(self, request):
        return self._staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.staff_may_edit and self._staff(request)

    def has_change_permission(self, request, obj=None):
        return self.staff_may_edit and self._staff(request)

    def has_delete_permission(self, request, obj=None):
        return self.staff_may_edit and self._staff(request)


def history_url(email: str) -> str:
    return (
        reverse("admin:notifications_message_changelist")
        + "?"
        + urlencode({"person": email})
    )


BODY_PERMISSION = "notifications.view_message_body"
BODY_FIELDS = {"body_text", "body_html"}
BODY_HIDDEN = _(
    'Reading the text of messages needs the permission "Can read the text of '
    'outbox messages" (ask the program office lead).'
)


@admin.register(Message)
class MessageAdmin(ProgramStaffAccess, admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipient_link",
        "subject",
        "status_badge",
        "attempts",
        "sent_at",
        "error_short",
    ]
    list_filter = [PersonFilter, "status", "kind", ErrorFilter, "created_at"]
    search_fields = [
        "to_email",
        "subject",
        "idempotency_key",
        "recipient__email",
        "recipient__full_name",
        "message_id_header",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    list_per_page = 50
    # Viewable, never edited: what was sent is a record. Staff may resend.
    actions = ["resend_failed"]
    readonly_fields = [
        "kind",
        "recipient",
        "to_email",
        "history_link",
        "subject",
        "status_badge",
        "attempts",
        "last_error",
        "idempotency_key",
        "message_id_header",
        "created_at",
        "queued_at",
        "sending_started_at",
        "next_attempt_at",
        "sent_at",
        "body_text",
        "body_html",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "subject", "recipient", "to_email", "history_link"]},
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    "status_badge",
                    "attempts",
                    "last_error",
                    "created_at",
                    "queued_at",
                    "sending_started_at",
                    "next_attempt_at",
                    "sent_at",
                    "idempotency_key",
                    "message_id_header",
                ]
            },
        ),
        (CONTENT, {"fields": ["body_text", "body_html"]}),
    ]

    # Reading what was sent is a permission of its own, not program staff's by
    # default: bodies are personal, and before links were made at sending they
    # held working sign-in links. Without it, staff see each message's fate.
    def can_read_bodies(self, request) -> bool:
        return request.user.has_perm(BODY_PERMISSION)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.can_read_bodies(request):
            return fieldsets
        hidden = (CONTENT, {"fields": ["body_hidden"]})
        return [
            hidden if name == CONTENT else (name, options)
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.can_read_bodies(request):
            return fields
        return [f for f in fields if f not in BODY_FIELDS] + ["body_hidden"]

    @admin.display(description=_("text"))
    def body_hidden(self, obj):
        return BODY_HIDDEN

    @admin.display(description=_("recipient"), ordering="to_email")
    def recipient_link(self, obj):
        name = obj.recipient.full_name if obj.recipient else ""
        return format_html(
            '<a href="{}" title="{}">{}</a>{}',
            history_url(obj.to_email),
            gettext("Every message to this person"),
            obj.to_email,
            format_html("<br><small>{}</small>", name) if name else "",
        )

    @admin.display(description=_("history"))
    def history_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            history_url(obj.to_email),
            gettext("Every message to %(address)s") % {"address": obj.to_email},
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        colour, label = STATUS_BADGES.get(obj.status, ("#57606a", obj.status))
        if obj.status == Message.Status.PENDING and obj.next_attempt_at:
            when = timezone.localtime(obj.next_attempt_at)
            label = gettext("… Retry at %(when)s") % {
                "when": format_when(when, "month_day_time_tz")
            }
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 6px;'
            'border-radius:4px;white-space:nowrap">{}</span>',
            colour,
            label,
        )

    @admin.display(description=_("last error"))
    def error_short(self, obj):
        return (
            (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error
        )

    @admin.action(description=_("Resend the selected failed messages"))
    def resend_failed(self, request, queryset):
        resent = skipped = 0
        for message in queryset:
            try:
                services.message_resend(message=message, by=request.user)
            except ValueError:
                skipped += 1
                continue
            resent += 1
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)s message queued to be sent again.",
                    "%(count)s messages queued to be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)s message skipped: %(reason)s",
                    "%(count)s messages skipped: %(reason)s",
                    skipped,
                )
                % {"count": skipped, "reason": services.RESEND_ONLY_FAILED},
                messages.WARNING,
            )


REMINDER_KINDS = [
    (kind.value, kind.label)
    for kind in (
        Kind.DEADLINE_REMINDER,
        Kind.WORKPLAN_REMINDER,
        Kind.EVENT_REMINDER,
        Kind.AWARD_MILESTONE,
    )
]


class ReminderRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=REMINDER_KINDS)
    offsets_days = forms.CharField(
        label=_("days before"),
        help_text=_("When the reminders go out, in days before the date, e.g. 7, 1."),
    )

    class Meta:
        model = ReminderRule
        fields = ["round", "kind", "offsets_days", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].help_text = _(
            "Leave empty for the default of every round."
        )
        if self.instance.pk:
            self.initial["offsets_days"] = ", ".join(
                str(d) for d in self.instance.offsets_days
            )

    def clean_offsets_days(self):
        try:
            return rules.normalize_offsets(self.cleaned_data["offsets_days"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


@admin.register(ReminderRule)
class ReminderRuleAdmin(ProgramStaffAccess, admin.ModelAdmin):
    staff_may_edit = True
    form = ReminderRuleForm
    list_display = ["kind", "round", "offsets_display", "active"]
    list_filter = ["kind", "active", "round"]

    @admin.display(description=_("days before"))
    def offsets_display(self, obj):
        return ", ".join(str(d) for d in obj.offsets_days) or "—"


@admin.register(Preference)
class PreferenceAdmin(ProgramStaffAccess, admin.ModelAdmin):
    list_display = ["user", "kind", "enabled"]
    list_filter = ["kind", "enabled"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
