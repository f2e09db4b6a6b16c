"""API tokens, webhook endpoints, and the webhook outbox (events and deliveries).

A token is stored as a hash only: the secret is shown once, when it is made.
A webhook delivery is a row first, written in the transaction of the change it
reports (see ``services.webhook_events_record``); a Celery task only wakes a
worker, and a beat sweep hands out what a lost task left (as the e-mail outbox
does, ``notifications/services.py``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do. Every token reads; writes are granted one by one."""

    READ = "read", _("Read what your roles can see")
    WRITE_ATTENDANCE = "write:attendance", _("Record attendance at cohort events")
    WRITE_DECISIONS = "write:decisions", _("Record decisions on applications")
    WRITE_PROGRESS = "write:progress", _("Log progress on success-goal measures")


WRITE_SCOPES = [scope for scope in Scope if scope != Scope.READ]


class ApiToken(models.Model):
    """A personal token: acts with exactly its owner's roles, never more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        max_length=100, help_text=_("What the token is for."), verbose_name=_("name")
    )
    # The first characters of the token, to tell tokens apart in lists.
    prefix = models.CharField(max_length=16, verbose_name=_("prefix"))
    # SHA-256 of the whole token (it has 256 random bits: no slow hash needed).
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    scopes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Write scopes; every token reads."),
        verbose_name=_("scopes"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("expires at")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("revoked at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            # One usable token per name and owner: a form sent twice makes one.
            models.UniqueConstraint(
                "user",
                Lower("name"),
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_once",
            )
        ]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def has_scope(self, scope: str) -> bool:
        return scope == Scope.READ or scope in self.scopes


class EventType(models.TextChoices):
    """What a webhook endpoint can subscribe to."""

    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    DECISION_RELEASED = "decision.released", _("Decision released")
    AWARD_STATUS_CHANGED = "award.status_changed", _("Award status changed")
    SURVEY_CLOSED = "survey.closed", _("Survey closed")
    ATTENDANCE_RECORDED = "attendance.recorded", _("Attendance recorded")
    PING = "ping", _("Ping (a test delivery)")


class WebhookEndpoint(models.Model):
    """A receiver staff registered, with the events it wants.

    Its signing secret is not stored: it is derived from ``SECRET_KEY`` and
    ``secret_salt`` (``services.endpoint_secret``), so a copy of the database
    cannot forge deliveries. Rotating the secret draws a new salt.
    """

    url = models.URLField(_("URL"), max_length=500, unique=True)
    description = models.CharField(
        max_length=200, blank=True, verbose_name=_("description")
    )
    events = models.JSONField(default=list, verbose_name=_("events"))
    active = models.BooleanField(default=True, verbose_name=_("active"))
    secret_salt = models.CharField(
        max_length=64, editable=False, verbose_name=_("secret salt")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["url", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.description or self.url


class WebhookEvent(models.Model):
    """A change that webhooks report, recorded once, with its frozen payload."""

    type = models.CharField(
        max_length=40, choices=EventType.choices, db_index=True, verbose_name=_("type")
    )
    # The audit row of the change: one event per change, whatever runs twice.
    audit_event = models.OneToOneField(
        "dashmentor.AuditEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webhook_event",
        verbose_name=_("audit event"),
    )
    target_type = models.CharField(max_length=40, verbose_name=_("target type"))
    target_id = models.BigIntegerField(verbose_name=_("target id"))
    change = models.JSONField(default=dict, blank=True, verbose_name=_("change"))
    occurred_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("occurred at")
    )
    # Made at the first delivery attempt (after the change committed) and
    # kept: every delivery and every retry of the event sends the same body.
    payload = models.JSONField(null=True, blank=True, verbose_name=_("payload"))

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.type} #{self.target_id}"


class WebhookDelivery(models.Model):
    """One event owed to one endpoint: the outbox row of a webhook."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    # A delivery is claimed from pending or queued, sent, and delivered or
    # tried again later; a dead worker's or a down broker's rows go back to
    # pending; staff send a failed one again (dashmentor/status.py).
    TRANSITIONS = {
        Status.PENDING: {Status.QUEUED, Status.SENDING, Status.FAILED},
        Status.QUEUED: {Status.PENDING, Status.SENDING, Status.FAILED},
        Status.SENDING: {Status.DELIVERED, Status.PENDING, Status.FAILED},
        Status.DELIVERED: set(),
        Status.FAILED: {Status.PENDING},
    }

    # Sent in the X-Portal-Delivery header of every attempt: a receiver that
    # keeps the ids it has seen processes a repeat once.
    delivery_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("delivery id")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.ForeignKey(
        WebhookEvent,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("event"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("last status code")
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next attempt at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued at"))
    sending_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("sending started at")
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("delivered at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["endpoint", "created_at"]),
        ]
        verbose_name = _("webhook delivery")

    def __str__(self):
        return f"{self.event} to {self.endpoint}"
