from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Membership, Organization, User
from .roles import roles_changed
from .status import status_allowed, status_refusal


class StatusGateForm(forms.ModelForm):
    """An admin form that changes a row's status only along its model's table.

    The admin edits the row itself, so it asks the same gate as the services
    (``dashmentor/status.py``) and shows its refusal on the status field; a
    new row may start in any status. Every admin page and inline that shows an
    editable ``status`` uses it (``tests/test_status_gate.py``).
    """

    def clean(self):
        cleaned = super().clean()
        after = cleaned.get("status")
        before = self.initial.get("status")
        if (
            self.instance.pk
            and "status" in self.changed_data
            and after
            and not status_allowed(self._meta.model, before, after)
        ):
            self.add_error("status", status_refusal(self._meta.model, before, after))
        return cleaned


class SavesChangesOnly:
    """An admin page saved back unchanged writes nothing.

    Its inlines are model formsets, which save only the rows that changed;
    the page's own record is saved only when a field of it changed, so that
    its ``updated_at``, the caches it marks stale and times the form shows
    to the second (a stored time keeps its microseconds) are left as they
    are. Mixed into every admin page that shows rows.
    """

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(SavesChangesOnly, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_reviewer", "is_active"]
    list_filter = ["is_staff", "is_reviewer", "is_external_reviewer", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "title", "phone", "time_zone", "language")},
        ),
        (
            _("Roles"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_reviewer",
                    "is_external_reviewer",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "email_confirmed_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Organization)
class OrganizationAdmin(SavesChangesOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "org_type", "sector", "state"]
    list_filter = ["kind", "org_type", "sector", "state"]
    search_fields = ["name", "ein"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "kind" in form.changed_data:
            # Its members' roles read the kind (a mentor organization's mentors).
            roles_changed(obj.memberships.values_list("user_id", flat=True))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "note", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
