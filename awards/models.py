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

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    file = models.FileField(upload_to=document_path, max_length=255)
    name = models.CharField("file name", max_length=255)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


# --- the round's terms ---


class RoundTerms(models.Model):
    """What a round's awards are made of: the letter's template, the final
    report's due date. Its payment schedule is its ``PaymentTerm`` rows, its
    final report's questions its ``ReportQuestion`` rows."""

    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, related_name="terms", primary_key=True
    )
    letter_subject = models.CharField(max_length=200)
    letter_body = models.TextField(
        help_text=_(
            "The letter's text. These words are replaced: {organization}, "
            "{amount}, {contract_start}, {contract_end}, {mentorship}, {mentor}, "
            "{round}, {report_due}. A blank line starts a new paragraph."
        )
    )
    expectations = models.TextField(
        help_text="What the mentee commits to, one expectation a line."
    )
    getting_started = models.TextField(
        "Getting Started links",
        blank=True,
        help_text=_(
            "One link a line: a title, a vertical bar, the address "
            "(All In profile | https://allin.healthdoers.org/)."
        ),
    )
    signatory_name = models.CharField(max_length=200)
    signatory_title = models.CharField(max_length=200)
    report_due_days = models.PositiveSmallIntegerField(
        "final report due (days after the contract ends)",
        default=31,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("round terms")
        verbose_name_plural = _("round terms")

    def __str__(self):
        return f"Terms of {self.round}"


class PaymentTerm(models.Model):
    """One tranche of a round's payment schedule and the condition that makes
    it due: every requirement ticked must be met."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="payment_terms"
    )
    order = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(max_length=120)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    requires_letter = models.BooleanField(
        "the award letter is countersigned", default=False
    )
    requires_workplan = models.BooleanField("the work plan is approved", default=False)
    requires_report = models.BooleanField("the final report is accepted", default=False)

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

    def __str__(self):
        return f"{self.label} ({self.percent:g}%)"


class ReportQuestion(models.Model):
    """A narrative question of a round's final report."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="report_questions"
    )
    key = models.SlugField(
        max_length=60, help_text="Names the answers: stays when the prompt changes."
    )
    order = models.PositiveSmallIntegerField(default=1)
    prompt = models.TextField()
    help_text = models.TextField(blank=True)
    word_limit = models.PositiveIntegerField(default=400)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "key"], name="report_question_unique_key"
            )
        ]

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

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="letters")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=14, choices=Status.choices, default=Status.ISSUED, db_index=True
    )
    subject = models.CharField(max_length=200)
    snapshot = models.JSONField(
        help_text="Everything the letter says, as it was issued."
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    signed_copy = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

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
        Award, on_delete=models.CASCADE, primary_key=True, related_name="account"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    scheduled = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    paid = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)

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

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    requires_letter = models.BooleanField(default=False)
    requires_workplan = models.BooleanField(default=False)
    requires_report = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    due_since = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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

    def __str__(self):
        return f"{self.label}: {self.amount}"


class Payment(models.Model):
    """A tranche paid: when, under which reference, how much, recorded by whom."""

    tranche = models.OneToOneField(
        Tranche, on_delete=models.PROTECT, related_name="payment"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(
        max_length=100, help_text="The accounting system's reference."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_amount_positive"
            )
        ]

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
        Award, on_delete=models.CASCADE, related_name="final_report"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    due_on = models.DateField()
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The draft: answers, final measures, goals met, lessons, products."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

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
        FinalReport, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    mentor_comment = models.TextField(blank=True)
    mentor_commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mentor_commented_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    staff_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="final_report_version_unique"
            )
        ]

    def __str__(self):
        return f"Version {self.number}"


class ReportAttachment(models.Model):
    """A file attached to a final report (a product, a data table, a photo)."""

    report = models.ForeignKey(
        FinalReport, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(max_length=200)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="report_attachment"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "added_at", "id"]

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

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=90, unique=True)
    summary = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOOLKIT)
    link = models.URLField(blank=True, max_length=500)
    document = models.OneToOneField(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resource",
    )
    topics = models.JSONField(default=list, blank=True)
    sectors = models.JSONField(
        default=list, blank=True, help_text="Sector codes from dashmentor.choices."
    )
    sectors_index = models.CharField(
        max_length=400, blank=True, help_text="Sectors as ',code,code,' for filtering."
    )
    topics_index = models.CharField(
        max_length=1000, blank=True, help_text="Topics as '|topic|topic|'."
    )
    license = models.CharField(max_length=20, choices=License.choices)
    authors = models.CharField(
        "authors", max_length=300, blank=True, help_text="People, as they are credited."
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
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "published_at"])]

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
    )
    computed_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    def __str__(self):
        return f"Funder report of {self.round_id} as of {self.computed_at}"
