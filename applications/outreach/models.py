"""A round's questions and answers, webinars and timeline milestones.

The opening and the deadline of a round are ``Round.opens_at`` and
``Round.closes_at`` and nothing here copies them: the timeline shows them
beside the milestones staff add. The webinar sessions appear on the timeline
from their own rows too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a published question is about: the questions page groups by it."""

    ELIGIBILITY = "eligibility", "Who can apply"
    APPLICATION = "application", "The application"
    MENTORSHIPS = "mentorships", "Mentorships and cohorts"
    FUNDING = "funding", "Funding and contracts"
    DATES = "dates", "Dates and deadlines"
    OTHER = "other", "Other questions"


class FaqEntry(models.Model):
    """A question and its answer as the public reads them.

    Made from an asked question (with wording that names no asker), from
    several duplicates at once, or written by staff without one.
    """

    round = models.ForeignKey(
        "applications.Round",
        on_delete=models.CASCADE,
        related_name="faq_entries",
        verbose_name=_("round"),
    )
    topic = models.CharField(
        max_length=20,
        choices=Topic.choices,
        default=Topic.OTHER,
        verbose_name=_("topic"),
    )
    question = models.TextField(
        help_text=_("As the public reads it: names no asker."),
        verbose_name=_("question"),
    )
    answer = models.TextField(verbose_name=_("answer"))
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Empty: not shown on the public page."),
        verbose_name=_("published at"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        app_label = "applications"
        ordering = ["round", "topic", "created_at", "id"]
        verbose_name = _("published question")
        indexes = [models.Index(fields=["round", "published_at"])]
        verbose_name_plural = _("published questions")

    def __str__(self):
        return self.question[:80]

    def get_absolute_url(self):
        path = reverse("applications:round-questions", args=[self.round.slug])
        return f"{path}#entry-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AskedQuestion(models.Model):
    """A question someone asked about a round, and what became of it.

    It reaches staff only once its address is confirmed (at once for a
    signed-in user whose account address is confirmed). Its asker's name and
    address are for staff only; the public reads the ``FaqEntry`` it led to.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Address not confirmed"
        WAITING = "waiting", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        DISMISSED = "dismissed", "Dismissed"

    TRANSITIONS = {
        Status.UNCONFIRMED: {Status.WAITING},
        Status.WAITING: {Status.ANSWERED, Status.DISMISSED},
        Status.ANSWERED: set(),
        Status.DISMISSED: {Status.WAITING},
    }

    round = models.ForeignKey(
        "applications.Round",
        on_delete=models.CASCADE,
        related_name="asked_questions",
        verbose_name=_("round"),
    )
    text = models.TextField(verbose_name=_("text"))
    name = models.CharField(max_length=200, blank=True, verbose_name=_("name"))
    email = models.EmailField(verbose_name=_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asked_questions",
        verbose_name=_("user"),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("confirmed at")
    )
    answer = models.TextField(
        blank=True,
        help_text=_("The answer the asker was sent."),
        verbose_name=_("answer"),
    )
    entry = models.ForeignKey(
        FaqEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asked_questions",
        help_text=_("The published question that answers it."),
        verbose_name=_("entry"),
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("answered at")
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )

    class Meta:
        app_label = "applications"
        ordering = ["confirmed_at", "id"]
        indexes = [models.Index(fields=["round", "status", "confirmed_at"])]
        verbose_name = _("asked question")
        verbose_name_plural = _("asked questions")

    def __str__(self):
        return self.text[:80]


class Webinar(models.Model):
    """An informational session for would-be applicants of a round."""

    round = models.ForeignKey(
        "applications.Round",
        on_delete=models.CASCADE,
        related_name="webinars",
        verbose_name=_("round"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    starts_at = models.DateTimeField(
        help_text=_("In the round's time zone."), verbose_name=_("starts at")
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, verbose_name=_("duration minutes")
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Sent to registrants only."),
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
        verbose_name=_("capacity"),
    )
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    slides_url = models.URLField(_("slides"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        app_label = "applications"
        ordering = ["starts_at", "id"]
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")

    def __str__(self):
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class WebinarRegistration(models.Model):
    """One person's seat at a webinar; it counts once its address is confirmed."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Address not confirmed"
        CONFIRMED = "confirmed", "Registered"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS = {
        Status.UNCONFIRMED: {Status.CONFIRMED, Status.CANCELLED},
        Status.CONFIRMED: {Status.CANCELLED},
        Status.CANCELLED: {Status.UNCONFIRMED, Status.CONFIRMED},
    }

    webinar = models.ForeignKey(
        Webinar,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("webinar"),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    email = models.EmailField(verbose_name=_("email"))
    organization = models.CharField(
        max_length=255, blank=True, verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="webinar_registrations",
        verbose_name=_("user"),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("confirmed at")
    )

    class Meta:
        app_label = "applications"
        ordering = ["webinar", "confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "email"], name="webinar_registration_unique"
            )
        ]
        verbose_name = _("webinar registration")
        verbose_name_plural = _("webinar registrations")

    def __str__(self):
        return f"{self.name} <{self.email}>"


class Milestone(models.Model):
    """A date of a round's timeline that staff set (announcement, cut-off, ...).

    A date, with a time when it has one, in the round's time zone. An
    approximate date ("End of January") is shown as written and still orders
    the timeline by ``on``.
    """

    class Kind(models.TextChoices):
        ANNOUNCED = "announced", "Announcement"
        QUESTIONS_CLOSE = "questions_close", "Question cut-off"
        AWARDEES_NOTIFIED = "notified", "Awardees notified"
        CONTRACTS_BEGIN = "contracts_begin", "Contracts begin"
        CONTRACTS_END = "contracts_end", "Contracts end"
        FINAL_EVALUATION = "final_evaluation", "Final evaluation due"
        OTHER = "other", "Other"

    round = models.ForeignKey(
        "applications.Round",
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("round"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the kind's name."),
        verbose_name=_("title"),
    )
    on = models.DateField(_("date"))
    at_time = models.TimeField(
        _("time"),
        null=True,
        blank=True,
        help_text=_("In the round's time zone; empty for the whole day."),
    )
    when_text = models.CharField(
        _("shown as"),
        max_length=80,
        blank=True,
        help_text=_("For an approximate date, e.g. “End of January”."),
    )

    class Meta:
        app_label = "applications"
        ordering = ["round", "on", "at_time", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"],
                condition=~Q(kind="other"),
                name="milestone_one_of_each_kind",
            )
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()
