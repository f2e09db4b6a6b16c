"""Admin pages of close-out.

Money and signatures move only through the services (the portal's pages):
letters, tranches, payments, accounts and final reports are shown read-only
here, with their history. Staff may correct a resource's description and
credits, and read each round's terms.
"""

from django.contrib import admin

from dashmentor.admin import SavesChangesOnly

from .models import (
    AwardAccount,
    AwardLetter,
    Document,
    FinalReport,
    FinalReportVersion,
    Payment,
    PaymentTerm,
    ReportQuestion,
    Resource,
    RoundTerms,
    Tranche,
)


class ReadOnly:
    """Shown, never changed, added or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoundTerms)
class RoundTermsAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["round", "letter_subject", "report_due_days", "updated_at"]


@admin.register(PaymentTerm)
class PaymentTermAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["round", "order", "label", "percent"]
    list_filter = ["round"]


@admin.register(ReportQuestion)
class ReportQuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["round", "order", "key", "prompt"]
    list_filter = ["round"]


@admin.register(AwardLetter)
class AwardLetterAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "__str__",
        "number",
        "status",
        "issued_at",
        "accepted_at",
        "countersigned_at",
    ]
    list_filter = ["status", "award__application__round"]
    search_fields = ["award__application__organization__name"]
    list_select_related = ["award__application__organization"]


class PaymentInline(ReadOnly, admin.StackedInline):
    model = Payment
    extra = 0


@admin.register(Tranche)
class TrancheAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["award", "number", "label", "amount", "status", "due_since"]
    list_filter = ["status", "award__application__round"]
    search_fields = ["award__application__organization__name", "label"]
    list_select_related = ["award__application__organization"]


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["tranche", "amount", "paid_on", "reference", "recorded_by"]
    search_fields = ["reference", "tranche__award__application__organization__name"]
    list_select_related = ["tranche__award__application__organization", "recorded_by"]


@admin.register(AwardAccount)
class AwardAccountAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["award", "amount", "scheduled", "paid"]
    list_select_related = ["award__application__organization"]


@admin.register(FinalReport)
class FinalReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "status", "due_on", "updated_at"]
    list_filter = ["status", "award__application__round"]
    search_fields = ["award__application__organization__name"]
    list_select_related = ["award__application__organization"]


@admin.register(FinalReportVersion)
class FinalReportVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["report", "number", "submitted_at", "decision", "decided_at"]
    list_filter = ["decision"]


@admin.register(Document)
class DocumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "purpose", "content_type", "size", "created_at"]
    list_filter = ["purpose"]
    search_fields = ["name", "sha256"]
    exclude = ["file"]


@admin.register(Resource)
class ResourceAdmin(SavesChangesOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "published_at"]
    list_filter = ["status", "kind", "license"]
    search_fields = ["title", "summary", "authors"]
    fields = ["title", "summary", "kind", "link", "license", "authors", "organizations"]
    autocomplete_fields = ["organizations"]

    def has_add_permission(self, request, obj=None):
        return False
