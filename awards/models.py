"""Awards to close-out: letters, payments in tranches, final reports, the
resource library, files, and the funder's report kept "as of" its computation.

Statuses are ``TextChoices`` with a transition table; the services in
``services.py`` are the only writers and record who made each move. Money is
``Decimal`` throughout; the database itself refuses a payment that would take
an award past its amount (``AwardAccount``) and a second payment of a tranche
(``Payment.tranche`` is one-to-one).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Award, Round
from dashmentor.choices import Sector
from dashmentor.models import Organization

ZERO = Decimal("0.00")


def document_path(instance, filename: str) -> str:
    """A random name under the month it was stored: nothing of the original.

    The person's file name is kept in ``Document.name`` for the download; the
    stored name can neither be guessed nor collide, and says nothing.
    """
    suffix = instance.extension or "bin"
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{suffix}"


class Document(models.Model):
    """A file the portal keeps: uploaded by a person, or generated (a letter).

    Its type was read from its content (``rules.sniff``), not its name; it is
    read only through the views that check who may read what holds it.
    """

    class Purpose(models.TextChoices):
        LETTER = "letter", _("Award letter (generated)")
        SIGNED_LETTER = "signed_letter", _("Signed award letter")
        REPORT_ATTACHMENT = "report_attachment", _("Final report attachment")
        RESOURCE = "resource", _("Resource file")

    purpose = models.CharField(
        max_length=20, choices=Purpose.choices, verbose_name=_("purpose")
    )
    file = models.FileField(
        upload_to=document_path, max_length=255, verbose_name=_("file")
    )
    name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10, verbose_name=_("extension"))
    content_type = models.CharField(max_length=120, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("sha256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.name


# --- the round's terms ---


class RoundTerms(models.Model):
    """What a round's awards are made of: the letter's template, the final
    report's due date. Its payment schedule is its ``PaymentTerm`` rows, its
    final report's questions its ``ReportQuestion`` rows."""

    round = models.OneToOneField(
        Round,
        on_delete=models.CASCADE,
        related_name="terms",
        primary_key=True,
        verbose_name=_("round"),
    )
    letter_subject = models.CharField(max_length=200, verbose_name=_("letter subject"))
    letter_body = models.TextField(
        help_text=_(
            "The letter's text. These words are replaced: {organization}, "
            "{amount}, {contract_start}, {contract_end}, {mentorship}, {mentor}, "
            "{round}, {report_due}. A blank line starts a new paragraph."
        ),
        verbose_name=_("letter body"),
    )
    expectations = models.TextField(
        help_text=_("What the mentee commits to, one expectation a line."),
        verbose_name=_("expectations"),
    )
    getting_started = models.TextField(
        _("Getting Started links"),
        blank=True,
        help_text=_(
            "One link a line: a title, a vertical bar, the address "
            "(All In profile | https://allin.healthdoers.org/)."
        ),
    )
    signatory_name = models.CharField(max_length=200, verbose_name=_("signatory name"))
    signatory_title = models.CharField(
        max_length=200, verbose_name=_("signatory title")
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("final report due (days after the contract ends)"),
        default=31,
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("round terms")
        verbose_name_plural = _("round terms")

    def __str__(self):
        return f"Terms of {self.round}"


class PaymentTerm(models.Model):
    """One tranche of a round's payment schedule and the condition that makes
    it due: every requirement ticked must be met."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="payment_terms",
        verbose_name=_("round"),
    )
    order = models.PositiveSmallIntegerField(default=1, verbose_name=_("order"))
    label = models.CharField(max_length=120, verbose_name=_("label"))
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, verbose_name=_("percent")
    )
    requires_letter = models.BooleanField(
        _("the award letter is countersigned"), default=False
    )
    requires_workplan = models.BooleanField(
        _("the work plan is approved"), default=False
    )
    requires_report = models.BooleanField(
        _("the final report is accepted"), default=False
    )

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "order"], name="payment_term_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="payment_term_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(requires_letter=True)
                | Q(requires_workplan=True)
                | Q(requires_report=True),
                name="payment_term_has_condition",
            ),
        ]
        verbose_name = _("payment term")
        verbose_name_plural = _("payment terms")

    def __str__(self):
        return f"{self.label} ({self.percent:g}%)"


class ReportQuestion(models.Model):
    """A narrative question of a round's final report."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="report_questions",
        verbose_name=_("round"),
    )
    key = models.SlugField(
        max_length=60,
        help_text=_("Names the answers: stays when the prompt changes."),
        verbose_name=_("key"),
    )
    order = models.PositiveSmallIntegerField(default=1, verbose_name=_("order"))
    prompt = models.TextField(verbose_name=_("prompt"))
    help_text = models.TextField(blank=True, verbose_name=_("help text"))
    word_limit = models.PositiveIntegerField(default=400, verbose_name=_("word limit"))
    required = models.BooleanField(default=True, verbose_name=_("required"))

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "key"], name="report_question_unique_key"
            )
        ]
        verbose_name = _("report question")
        verbose_name_plural = _("report questions")

    def __str__(self):
        return self.prompt[:80]


# --- letters ---


class AwardLetter(models.Model):
    """An award letter as issued: its text and terms frozen, its PDF kept."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Waiting for the organization")
        ACCEPTED = "accepted", _("Accepted by the organization")
        COUNTERSIGNED = "countersigned", _("Countersigned")
        SUPERSEDED = "superseded", _("Replaced by a newer letter")

    TRANSITIONS = {
        Status.ISSUED: {Status.ACCEPTED, Status.SUPERSEDED},
        Status.ACCEPTED: {Status.COUNTERSIGNED, Status.SUPERSEDED},
        Status.COUNTERSIGNED: set(),
        Status.SUPERSEDED: set(),
    }

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="letters", verbose_name=_("award")
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    status = models.CharField(
        max_length=14,
        choices=Status.choices,
        default=Status.ISSUED,
        db_index=True,
        verbose_name=_("status"),
    )
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    snapshot = models.JSONField(
        help_text=_("Everything the letter says, as it was issued."),
        verbose_name=_("snapshot"),
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(default=timezone.now, verbose_name=_("issued at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("accepted at")
    )
    signed_copy = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed copy"),
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    countersigned_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("countersigned at")
    )

    class Meta:
        ordering = ["award", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "number"], name="award_letter_unique_number"
            ),
            # One letter in force per award: a second "issue" cannot add one.
            models.UniqueConstraint(
                fields=["award"],
                condition=~Q(status="superseded"),
                name="award_letter_one_current",
            ),
        ]
        verbose_name = _("award letter")
        verbose_name_plural = _("award letters")

    def __str__(self):
        return f"Letter {self.number} to {self.award.application.organization}"

    def get_absolute_url(self):
        return reverse("awards:award", args=[self.award_id])


# --- payments ---


class AwardAccount(models.Model):
    """An award's money: what it may be paid, and what was scheduled and paid.

    The check constraints are the database's own guard: a payment adds to
    ``paid`` in the same transaction, so no payment, from any process, can take
    the sum past the award.
    """

    award = models.OneToOneField(
        Award,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account",
        verbose_name=_("award"),
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, verbose_name=_("amount")
    )
    scheduled = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, verbose_name=_("scheduled")
    )
    paid = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, verbose_name=_("paid")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="award_account_paid_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(scheduled__gte=0) & Q(scheduled__lte=F("amount")),
                name="award_account_scheduled_within_amount",
            ),
        ]
        verbose_name = _("award account")
        verbose_name_plural = _("award accounts")

    def __str__(self):
        return f"Account of award {self.award_id}: {self.paid} of {self.amount} paid"


class Tranche(models.Model):
    """One payment of one award, with the condition that makes it due."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for its condition")
        DUE = "due", _("Due")
        PAID = "paid", _("Paid")
        STOPPED = "stopped", _("Stopped (award withdrawn)")

    TRANSITIONS = {
        Status.PENDING: {Status.DUE, Status.STOPPED},
        Status.DUE: {Status.PAID, Status.STOPPED},
        Status.PAID: set(),
        Status.STOPPED: set(),
    }

    award = models.ForeignKey(
        Award,
        on_delete=models.CASCADE,
        related_name="tranches",
        verbose_name=_("award"),
    )
    number = models.PositiveSmallIntegerField(verbose_name=_("number"))
    label = models.CharField(max_length=120, verbose_name=_("label"))
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, verbose_name=_("percent")
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, verbose_name=_("amount")
    )
    requires_letter = models.BooleanField(
        default=False, verbose_name=_("requires letter")
    )
    requires_workplan = models.BooleanField(
        default=False, verbose_name=_("requires workplan")
    )
    requires_report = models.BooleanField(
        default=False, verbose_name=_("requires report")
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    due_since = models.DateTimeField(null=True, blank=True, verbose_name=_("due since"))
    stopped_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("stopped at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "number"], name="tranche_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="tranche_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "award"])]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")

    def __str__(self):
        return f"{self.label}: {self.amount}"


class Payment(models.Model):
    """A tranche paid: when, under which reference, how much, recorded by whom."""

    tranche = models.OneToOneField(
        Tranche,
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("tranche"),
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, verbose_name=_("amount")
    )
    paid_on = models.DateField(verbose_name=_("paid on"))
    reference = models.CharField(
        max_length=100,
        help_text=_("The accounting system's reference."),
        verbose_name=_("reference"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("recorded at")
    )

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_amount_positive"
            )
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.amount} paid on {self.paid_on} ({self.reference})"


# --- final reports ---


class FinalReport(models.Model):
    """A mentee organization's final report, filed once its year ends."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }
    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

    award = models.OneToOneField(
        Award,
        on_delete=models.CASCADE,
        related_name="final_report",
        verbose_name=_("award"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    due_on = models.DateField(verbose_name=_("due on"))
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The draft: answers, final measures, goals met, lessons, products."
        ),
        verbose_name=_("data"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self):
        return f"Final report of {self.award.application.organization}"

    def get_absolute_url(self):
        return reverse("awards:report", args=[self.award_id])


class FinalReportVersion(models.Model):
    """A submitted copy of a final report, with its mentor's comment and the
    program office's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES_REQUESTED = "changes", _("Changes requested")

    report = models.ForeignKey(
        FinalReport,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("report"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    snapshot = models.JSONField(verbose_name=_("snapshot"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("submitted at")
    )
    mentor_comment = models.TextField(blank=True, verbose_name=_("mentor comment"))
    mentor_commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("mentor commented by"),
    )
    mentor_commented_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("mentor commented at")
    )
    decision = models.CharField(
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        verbose_name=_("decision"),
    )
    staff_note = models.TextField(blank=True, verbose_name=_("staff note"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("decided at")
    )

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="final_report_version_unique"
            )
        ]
        verbose_name = _("final report version")
        verbose_name_plural = _("final report versions")

    def __str__(self):
        return f"Version {self.number}"


class ReportAttachment(models.Model):
    """A file attached to a final report (a product, a data table, a photo)."""

    report = models.ForeignKey(
        FinalReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("report"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    document = models.OneToOneField(
        Document,
        on_delete=models.PROTECT,
        related_name="report_attachment",
        verbose_name=_("document"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))

    class Meta:
        ordering = ["report", "added_at", "id"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self):
        return self.title


# --- the resource library ---


class Resource(models.Model):
    """A product or resource made in the program, published for the field."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.PUBLISHED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.PUBLISHED: {Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.PUBLISHED},
    }
    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)

    class License(models.TextChoices):
        CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
        CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
        CC_BY_NC = "cc-by-nc-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
        CC0 = "cc0-1.0", _("Public domain dedication (CC0 1.0)")
        PERMISSION = "permission", _("All rights reserved: reuse with permission")

    class Kind(models.TextChoices):
        TOOLKIT = "toolkit", _("Toolkit or guide")
        TEMPLATE = "template", _("Template or agreement")
        DATA = "data", _("Data tool or dashboard")
        CASE_STUDY = "case_study", _("Case study or lessons learned")
        PRESENTATION = "presentation", _("Presentation or webinar")
        OTHER = "other", _("Other")

    title = models.CharField(max_length=200, verbose_name=_("title"))
    slug = models.SlugField(max_length=90, unique=True, verbose_name=_("slug"))
    summary = models.TextField(verbose_name=_("summary"))
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.TOOLKIT,
        verbose_name=_("kind"),
    )
    link = models.URLField(blank=True, max_length=500, verbose_name=_("link"))
    document = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resource",
        verbose_name=_("document"),
    )
    topics = models.JSONField(default=list, blank=True, verbose_name=_("topics"))
    sectors = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Sector codes from dashmentor.choices."),
        verbose_name=_("sectors"),
    )
    sectors_index = models.CharField(
        max_length=400,
        blank=True,
        help_text=_("Sectors as ',code,code,' for filtering."),
        verbose_name=_("sectors index"),
    )
    topics_index = models.CharField(
        max_length=1000,
        blank=True,
        help_text=_("Topics as '|topic|topic|'."),
        verbose_name=_("topics index"),
    )
    license = models.CharField(
        max_length=20, choices=License.choices, verbose_name=_("license")
    )
    authors = models.CharField(
        _("authors"),
        max_length=300,
        blank=True,
        help_text=_("People, as they are credited."),
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="resources",
        verbose_name=_("authors' organizations"),
    )
    award = models.ForeignKey(
        Award,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        help_text=_("The mentee organization whose final report it comes from."),
        verbose_name=_("award"),
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("mentorship"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    review_note = models.TextField(blank=True, verbose_name=_("review note"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reviewed at")
    )
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("published at")
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "published_at"])]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:detail", args=[self.slug])

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [labels.get(code, code) for code in self.sectors]


# --- the funder's report ---


class FunderReportCache(models.Model):
    """A round's funder report, computed once and kept with its "as of" time."""

    round = models.OneToOneField(
        Round,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="funder_report_cache",
        verbose_name=_("round"),
    )
    computed_at = models.DateTimeField(verbose_name=_("computed at"))
    data = models.JSONField(default=dict, verbose_name=_("data"))

    class Meta:
        verbose_name = _("funder report cache")
        verbose_name_plural = _("funder report caches")

    def __str__(self):
        return f"Funder report of {self.round_id} as of {self.computed_at}"
