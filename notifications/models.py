"""The outbox: every e-mail the portal sends is first a row here."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """What a message is about. ``ESSENTIAL`` kinds ignore preferences."""

    EMAIL_CONFIRMATION = "email_confirmation", "E-mail confirmation"
    PASSWORD_RESET = "password_reset", "Password reset"
    SUBMISSION_CONFIRMATION = "submission_confirmation", "Submission confirmation"
    DECISION = "decision", "Decision"
    AWARD_INVITATION = "award_invitation", "Mentee invitation"
    ROSTER = "roster", "Cohort roster for mentors"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    DEADLINE_REMINDER = "deadline_reminder", "Application deadline reminder"
    WORKPLAN_REMINDER = "workplan_reminder", "Work plan due reminder"
    WORKPLAN_REVIEW = "workplan_review", "Work plan review"
    EVENT_REMINDER = "event_reminder", "Event reminder"
    SURVEY_INVITATION = "survey_invitation", "Survey invitation"
    SURVEY_REMINDER = "survey_reminder", "Survey reminder"
    AWARD_MILESTONE = "award_milestone", "Award and contract milestone"
    PERSONNEL_CHANGE = "personnel_change", "Personnel change"
    GROUP_EMAIL = "group_email", "Affinity group e-mail"
    GROUP_MEMBERSHIP = "group_membership", "Affinity group membership"
    REVIEW_ASSIGNMENT = "review_assignment", "Review assignment"
    GENERAL = "general", "General"


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
        PENDING = "pending", "Pending"
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed by preference"

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

    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    idempotency_key = models.CharField(
        max_length=255,
        unique=True,
        help_text="(kind, recipient, subject of the message): no duplicate.",
    )
    # The Message-ID header of every attempt: a repeat is recognisable as one.
    message_id_header = models.CharField(
        "Message-ID", max_length=255, blank=True, db_index=True
    )
    # A link that grants access is made when the message is sent, from this
    # reference, and is never stored (notifications/links.py).
    link_kind = models.CharField(max_length=40, blank=True)
    link_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

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
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    offsets_days = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"], name="reminder_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.offsets_days} days"


class Preference(models.Model):
    """A user's choice to stop a non-essential kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_pref_unique"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
