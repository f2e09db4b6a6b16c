"""The staff workspace: mailings to audiences, their saved templates, and the
review calendar that says when a round's reviews are due."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewSchedule(models.Model):
    """When a round's reviews are due, and when reviewers are reminded before it.

    Every assignment of the round is due at the end of ``reviews_due_on`` in the
    round's time zone; an unfinished review is late from the next day on.
    """

    round = models.OneToOneField(
        "applications.Round",
        on_delete=models.CASCADE,
        related_name="review_schedule",
        verbose_name=_("round"),
    )
    reviews_due_on = models.DateField(
        _("reviews due on"),
        help_text=_("The last day reviewers have for their reviews."),
    )
    reminder_days = models.JSONField(
        _("reminders (days before)"),
        default=list,
        blank=True,
        help_text=_(
            "Days before the due date when reviewers with unfinished "
            "reviews get a reminder, e.g. [7, 2]."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["reviews_due_on"]
        verbose_name = _("review schedule")
        verbose_name_plural = _("review schedules")

    def __str__(self):
        return f"{self.round}: reviews due {self.reviews_due_on:%b %-d, %Y}"

    def days_left(self, now=None) -> int:
        """Days from today (in the round's zone) to the due date; negative
        when late."""
        today = timezone.localtime(now or timezone.now(), self.round.zone).date()
        return (self.reviews_due_on - today).days

    def due_at(self) -> dt.datetime:
        """The end of the due day in the round's zone: the first late moment."""
        start = dt.datetime.combine(
            self.reviews_due_on + dt.timedelta(days=1), dt.time.min
        )
        return timezone.make_aware(start, self.round.zone)


class MailingTemplate(models.Model):
    """A message staff send every year, kept to start the next one from."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailing template")
        verbose_name_plural = _("mailing templates")

    def __str__(self):
        return self.name


class Mailing(models.Model):
    """One e-mail written by staff to an audience, sent through the outbox."""

    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    # The audiences chosen, as their keys (staffdesk/audiences.py), and their
    # names as they were when it was sent.
    audience_keys = models.JSONField(default=list, verbose_name=_("audience keys"))
    audience_label = models.CharField(max_length=500, verbose_name=_("audience label"))
    template = models.ForeignKey(
        MailingTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailings",
        verbose_name=_("template"),
    )
    # Made when the form is first shown: a second post of the same form (a
    # double click, a second tab) finds the mailing the first one wrote.
    form_token = models.CharField(
        max_length=64, unique=True, verbose_name=_("form token")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="mailings_sent",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    recipients_count = models.PositiveIntegerField(
        default=0, verbose_name=_("recipients count")
    )
    skipped_count = models.PositiveIntegerField(
        default=0,
        help_text=_("People who turned off messages from the program office."),
        verbose_name=_("skipped count"),
    )
    duplicates_count = models.PositiveIntegerField(
        default=0,
        help_text=_("People named by more than one audience, written once."),
        verbose_name=_("duplicates count"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("staffdesk:mailing-detail", args=[self.pk])


class MailingRecipient(models.Model):
    """A person a mailing was written to, and the outbox row that carries it."""

    mailing = models.ForeignKey(
        Mailing,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("mailing"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    email = models.EmailField(verbose_name=_("email"))
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    audience = models.CharField(max_length=200, blank=True, verbose_name=_("audience"))
    message = models.OneToOneField(
        "notifications.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailing_recipient",
        verbose_name=_("message"),
    )

    class Meta:
        ordering = ["mailing", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "email"], name="mailing_recipient_unique_email"
            )
        ]
        verbose_name = _("mailing recipient")
        verbose_name_plural = _("mailing recipients")

    def __str__(self):
        return self.email
