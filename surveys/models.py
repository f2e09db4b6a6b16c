"""Surveys, invitations, and responses that are anonymous by construction.

For an anonymous survey, ``Invitation`` records that a person completed it (for
reminders and response rates) and ``Response`` holds the answers. Nothing joins
them: no foreign key, no shared id (responses and answers have random UUID keys,
so not even their order of insertion maps to the invitations), no time finer
than the day on either side, no IP address or user agent anywhere. An
anonymous response carries no day at all (``submitted_on`` stays empty), its
cohort only sealed, and answers are released in groups of at least the
minimum group size (``Release``) with their rows rewritten in random order:
``surveys/services.py`` explains each channel and what a report may show.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from applications.models import Round
from dashmentor.models import Organization


def default_survey_reminders():
    return [3, 1]


def default_likert_labels():
    """The five labels of a new Likert question, in the active language.

    A translated field's default is taken with its own language active, so
    ``likert_labels_es`` starts in Spanish and ``likert_labels_en`` in English.
    """
    return [
        gettext("Strongly disagree"),
        gettext("Disagree"),
        gettext("Neither agree nor disagree"),
        gettext("Agree"),
        gettext("Strongly agree"),
    ]


def default_likert_labels_en():
    with translation.override("en"):
        return default_likert_labels()


def default_likert_labels_es():
    with translation.override("es"):
        return default_likert_labels()


class Survey(models.Model):
    class Kind(models.TextChoices):
        CAPACITY = "capacity", _("All In capacity assessment")
        MIDPOINT = "midpoint", _("Midpoint survey")
        END = "end", _("End-of-program survey")
        AFFINITY_PRE = "affinity_pre", _("Affinity group pre-assessment")
        AFFINITY_FINAL = "affinity_final", _("Affinity group final survey")
        EXIT = "exit", _("Exit survey")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        ROUND = "round", _("All mentees of a round")
        COHORT = "cohort", _("One cohort")
        AFFINITY_GROUP = "group", _("One affinity group")
        LIST = "list", _("A list of people")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("a survey's status", "Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    description = models.TextField(blank=True)
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    audience_mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    audience_group = models.ForeignKey(
        "affinity.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    audience_emails = models.TextField(
        blank=True, help_text=_("For a list audience: one e-mail address a line.")
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    anonymous = models.BooleanField(
        default=True,
        help_text=_(
            "Answers can never be tied to a person; reports hide small groups."
        ),
    )
    required = models.BooleanField(
        default=True,
        help_text=_("Invitations are always sent, whatever preferences say."),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scheduled = models.BooleanField(
        default=False,
        help_text=_("A draft that opens by itself at its opening time."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=settings.SURVEY_MIN_GROUP_SIZE,
        help_text=_("Reports hide any breakdown with fewer respondents than this."),
    )
    reminder_days = models.JSONField(
        default=default_survey_reminders,
        blank=True,
        help_text=_("Days before the close when non-completers get a reminder."),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey-report", args=[self.pk])

    def is_accepting(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= at < self.closes_at


class Section(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["survey", "order", "id"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Likert (1 to 5)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NUMBER = "number", _("Number")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    prompt = models.TextField()
    help_text = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    min_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    likert_labels = models.JSONField(default=default_likert_labels, blank=True)

    class Meta:
        ordering = ["section", "order", "id"]

    def __str__(self):
        return self.prompt[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=255)
    value = models.SlugField(max_length=60)

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="choice_unique_value"
            )
        ]

    def __str__(self):
        return self.label


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """One recipient's invitation; for an anonymous survey, the completion record.

    Only the SHA-256 of the link token is stored, so a database reader cannot
    answer as someone else, and the token itself is 256 random bits.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
    )
    email = models.EmailField()
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_on = models.DateField(default=timezone.localdate)
    # The day only: a finer time could be matched against the answers.
    completed_on = models.DateField(null=True, blank=True)
    progress = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Answers saved before submission; emptied when submitted."),
    )
    # Anonymous surveys only: the number of the release that carried this
    # person's answers (see ``Release``); staff see completion no finer than it.
    released_in = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email"], name="invitation_unique"
            )
        ]
        indexes = [models.Index(fields=["survey", "completed_on"])]

    def __str__(self):
        return f"{self.email} → {self.survey}"

    @property
    def completed(self) -> bool:
        return self.completed_on is not None


class Response(models.Model):
    """A set of answers. For an anonymous survey it carries no person at all.

    ``segment`` is the breakdown a report may show (the cohort); reports hide
    segments smaller than the survey's minimum group size. ``organization`` and
    ``invitation`` are filled only for non-anonymous surveys.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses"
    )
    segment = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
    )
    # Non-anonymous surveys only; an anonymous response carries no date at all
    # (its day could be matched against ``Invitation.completed_on``).
    submitted_on = models.DateField(null=True, blank=True)
    # Anonymous surveys only: the cohort, encrypted with the portal's survey key
    # (see ``surveys/sealing.py``), so that a database reader cannot narrow a
    # response down to the few people of one cohort. Reports open it in memory
    # and hide small cohorts; the close wipes it from cohorts that stay hidden.
    segment_sealed = models.TextField(blank=True)

    class Meta:
        # No ordering by time: there is none finer than the day.
        ordering = ["id"]

    def __str__(self):
        return f"Response to {self.survey}"


class PendingResponse(models.Model):
    """An anonymous response held, encrypted, until enough others join it.

    Answers of an anonymous survey are not written as ``Response`` rows one by
    one (a single new row next to a single new completion would name its
    author); they wait here, sealed, and are released together once at least
    ``min_group_size`` are waiting, or when the survey closes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="pending_responses"
    )
    payload = models.TextField()
    # Set by a release that could not store this response (it holds data the
    # database refuses, or was sealed under a key the portal no longer has): it
    # is kept apart, still sealed, and the report tells staff so.
    quarantined = models.BooleanField(default=False)
    problem = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Sealed response to {self.survey}"


class Release(models.Model):
    """One release of an anonymous survey's waiting answers.

    Each release adds at least ``min_group_size`` answers. ``hidden_cohorts``
    lists the cohorts a report no longer breaks answers down by, as of this
    release: once hidden, a cohort stays hidden in every later release.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="releases"
    )
    number = models.PositiveIntegerField()
    released_at = models.DateTimeField()
    answers = models.PositiveIntegerField()
    final = models.BooleanField(default=False)
    hidden_cohorts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="release_unique_number"
            )
        ]

    def __str__(self):
        return f"Release {self.number} of {self.survey}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers"
    )
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question_response"
            )
        ]

    def __str__(self):
        return f"Answer to {self.question_id}"


class ReportCache(models.Model):
    """A survey report computed once, shown with its "as of" time."""

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, related_name="report"
    )
    computed_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    def __str__(self):
        return f"Report of {self.survey} as of {self.computed_at}"
