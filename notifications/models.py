"""The outbox: every e-mail the portal sends is first a row here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about. ``ESSENTIAL`` kinds ignore preferences."""

    EMAIL_CONFIRMATION = "email_confirmation", _("E-mail confirmation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    SUBMISSION_CONFIRMATION = "submission_confirmation", _("Submission confirmation")
    DECISION = "decision", _("Decision")
    AWARD_INVITATION = "award_invitation", _("Mentee invitation")
    ROSTER = "roster", _("Cohort roster for mentors")
    WAITLIST_OFFER = "waitlist_offer", _("Waitlist offer")
    DEADLINE_REMINDER = "deadline_reminder", _("Application deadline reminder")
    WORKPLAN_REMINDER = "workplan_reminder", _("Work plan due reminder")
    WORKPLAN_REVIEW = "workplan_review", _("Work plan review")
    EVENT_REMINDER = "event_reminder", _("Event reminder")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    AWARD_MILESTONE = "award_milestone", _("Award and contract milestone")
    PERSONNEL_CHANGE = "personnel_change", _("Personnel change")
    GROUP_EMAIL = "group_email", _("Affinity group e-mail")
    GROUP_MEMBERSHIP = "group_membership", _("Affinity group membership")
    REVIEW_ASSIGNMENT = "review_assignment", _("Review assignment")
    REVIEW_REMINDER = "review_reminder", _("Review due reminder")
    PROGRAM_MESSAGE = "program_message", _("Messages from the program office")
    GENERAL = "general", _("General")


ESSENTIAL_KINDS = frozenset(
    {
        Kind.EMAIL_CONFIRMATION,
        Kind.PASSWORD_RESET,
        Kind.SUBMISSION_CONFIRMATION,
        Kind.DECISION,
        Kind.AWARD_INVITATION,
        Kind.WAITLIST_OFFER,
        Kind.SURVEY_INVITATION,
        Kind.PERSONNEL_CHANGE,
        # What another part of the portal sends as "general" cannot be judged
        # optional from here, so it is always sent.
        Kind.GENERAL,
    }
)


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed by preference")

    # A message is written pending (or suppressed, by the person's preference),
    # handed to the broker (queued), claimed by one worker (sending), then sent,
    # or back to pending for a retry, or failed for good; staff may resend a
    # failed one. A lost hand-off or a dead worker's claim goes back to pending.
    TRANSITIONS = {
        Status.PENDING: {Status.QUEUED, Status.SENDING},
        Status.QUEUED: {Status.PENDING, Status.SENDING},
        Status.SENDING: {Status.SENT, Status.PENDING, Status.FAILED},
        Status.FAILED: {Status.PENDING},
        Status.SENT: set(),
        Status.SUPPRESSED: set(),
    }

    kind = models.CharField(
        max_length=40, choices=Kind.choices, db_index=True, verbose_name=_("kind")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(verbose_name=_("to email"))
    subject = models.CharField(max_length=255, verbose_name=_("subject"))
    body_text = models.TextField(verbose_name=_("body text"))
    body_html = models.TextField(blank=True, verbose_name=_("body html"))
    idempotency_key = models.CharField(
        max_length=255,
        unique=True,
        help_text=_("(kind, recipient, subject of the message): no duplicate."),
        verbose_name=_("idempotency key"),
    )
    # The Message-ID header of every attempt: a repeat is recognisable as one.
    message_id_header = models.CharField(
        _("Message-ID"), max_length=255, blank=True, db_index=True
    )
    # A link that grants access is made when the message is sent, from this
    # reference, and is never stored (notifications/links.py).
    link_kind = models.CharField(max_length=40, blank=True, verbose_name=_("link kind"))
    link_object_id = models.PositiveBigIntegerField(
        null=True, blank=True, verbose_name=_("link object id")
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next attempt at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued at"))
    sending_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("sending started at")
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["to_email", "created_at"]),
            models.Index(fields=["link_kind", "link_object_id"]),
        ]
        permissions = [
            (
                "view_message_body",
                "Can read the text of outbox messages",
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email}: {self.subject}"


class ReminderRule(models.Model):
    """When reminders of a kind go out, per round; offsets are days before."""

    round = models.ForeignKey(
        "applications.Round",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_rules",
        verbose_name=_("round"),
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, verbose_name=_("kind"))
    offsets_days = models.JSONField(default=list, verbose_name=_("offsets days"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"], name="reminder_rule_unique"
            )
        ]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self):
        return f"{self.get_kind_display()} at {self.offsets_days} days"


class Preference(models.Model):
    """A user's choice to stop a non-essential kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=40, choices=Kind.choices, verbose_name=_("kind"))
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_pref_unique"
            )
        ]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
