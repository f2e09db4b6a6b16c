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

    title = models.CharField(max_length=255, verbose_name=_("title"))
    kind = models.CharField(
        max_length=20, choices=Kind.choices, db_index=True, verbose_name=_("kind")
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    round = models.ForeignKey(
        Round,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("round"),
    )
    audience = models.CharField(
        max_length=10, choices=Audience.choices, verbose_name=_("audience")
    )
    audience_mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("audience mentorship"),
    )
    audience_group = models.ForeignKey(
        "affinity.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
        verbose_name=_("audience group"),
    )
    audience_emails = models.TextField(
        blank=True,
        help_text=_("For a list audience: one e-mail address a line."),
        verbose_name=_("audience emails"),
    )
    opens_at = models.DateTimeField(verbose_name=_("opens at"))
    closes_at = models.DateTimeField(verbose_name=_("closes at"))
    anonymous = models.BooleanField(
        default=True,
        help_text=_(
            "Answers can never be tied to a person; reports hide small groups."
        ),
        verbose_name=_("anonymous"),
    )
    required = models.BooleanField(
        default=True,
        help_text=_("Invitations are always sent, whatever preferences say."),
        verbose_name=_("required"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        verbose_name=_("status"),
    )
    scheduled = models.BooleanField(
        default=False,
        help_text=_("A draft that opens by itself at its opening time."),
        verbose_name=_("scheduled"),
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=settings.SURVEY_MIN_GROUP_SIZE,
        help_text=_("Reports hide any breakdown with fewer respondents than this."),
        verbose_name=_("min group size"),
    )
    reminder_days = models.JSONField(
        default=default_survey_reminders,
        blank=True,
        help_text=_("Days before the close when non-completers get a reminder."),
        verbose_name=_("reminder days"),
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    opened_at = models.DateTimeField(null=True, blank=True, verbose_name=_("opened at"))

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey-report", args=[self.pk])

    def is_accepting(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= at < self.closes_at


class Section(models.Model):
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("survey"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    class Meta:
        ordering = ["survey", "order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

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
        Section,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("section"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    key = models.SlugField(max_length=60, blank=True, verbose_name=_("key"))
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    prompt = models.TextField(verbose_name=_("prompt"))
    help_text = models.TextField(blank=True, verbose_name=_("help text"))
    required = models.BooleanField(default=True, verbose_name=_("required"))
    min_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=_("min value"),
    )
    max_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=_("max value"),
    )
    likert_labels = models.JSONField(
        default=default_likert_labels, blank=True, verbose_name=_("likert labels")
    )

    class Meta:
        ordering = ["section", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.prompt[:80]


class Choice(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    label = models.CharField(max_length=255, verbose_name=_("label"))
    value = models.SlugField(max_length=60, verbose_name=_("value"))

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="choice_unique_value"
            )
        ]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

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
        Survey,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("survey"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_invitations",
        verbose_name=_("user"),
    )
    email = models.EmailField(verbose_name=_("email"))
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organization"),
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("mentorship"),
    )
    token_hash = models.CharField(
        max_length=64, unique=True, verbose_name=_("token hash")
    )
    created_on = models.DateField(
        default=timezone.localdate, verbose_name=_("created on")
    )
    # The day only: a finer time could be matched against the answers.
    completed_on = models.DateField(
        null=True, blank=True, verbose_name=_("completed on")
    )
    progress = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Answers saved before submission; emptied when submitted."),
        verbose_name=_("progress"),
    )
    # Anonymous surveys only: the number of the release that carried this
    # person's answers (see ``Release``); staff see completion no finer than it.
    released_in = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("released in")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email"], name="invitation_unique"
            )
        ]
        indexes = [models.Index(fields=["survey", "completed_on"])]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

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

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id")
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("survey"),
    )
    segment = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("segment"),
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organization"),
    )
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
        verbose_name=_("invitation"),
    )
    # Non-anonymous surveys only; an anonymous response carries no date at all
    # (its day could be matched against ``Invitation.completed_on``).
    submitted_on = models.DateField(
        null=True, blank=True, verbose_name=_("submitted on")
    )
    # Anonymous surveys only: the cohort, encrypted with the portal's survey key
    # (see ``surveys/sealing.py``), so that a database reader cannot narrow a
    # response down to the few people of one cohort. Reports open it in memory
    # and hide small cohorts; the close wipes it from cohorts that stay hidden.
    segment_sealed = models.TextField(blank=True, verbose_name=_("segment sealed"))

    class Meta:
        # No ordering by time: there is none finer than the day.
        ordering = ["id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"Response to {self.survey}"


class PendingResponse(models.Model):
    """An anonymous response held, encrypted, until enough others join it.

    Answers of an anonymous survey are not written as ``Response`` rows one by
    one (a single new row next to a single new completion would name its
    author); they wait here, sealed, and are released together once at least
    ``min_group_size`` are waiting, or when the survey closes.
    """

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id")
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="pending_responses",
        verbose_name=_("survey"),
    )
    payload = models.TextField(verbose_name=_("payload"))
    # Set by a release that could not store this response (it holds data the
    # database refuses, or was sealed under a key the portal no longer has): it
    # is kept apart, still sealed, and the report tells staff so.
    quarantined = models.BooleanField(default=False, verbose_name=_("quarantined"))
    problem = models.CharField(max_length=255, blank=True, verbose_name=_("problem"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("pending response")
        verbose_name_plural = _("pending responses")

    def __str__(self):
        return f"Sealed response to {self.survey}"


class Release(models.Model):
    """One release of an anonymous survey's waiting answers.

    Each release adds at least ``min_group_size`` answers. ``hidden_cohorts``
    lists the cohorts a report no longer breaks answers down by, as of this
    release: once hidden, a cohort stays hidden in every later release.
    """

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="releases",
        verbose_name=_("survey"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    released_at = models.DateTimeField(verbose_name=_("released at"))
    answers = models.PositiveIntegerField(verbose_name=_("answers"))
    final = models.BooleanField(default=False, verbose_name=_("final"))
    hidden_cohorts = models.JSONField(
        default=list, blank=True, verbose_name=_("hidden cohorts")
    )

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "number"], name="release_unique_number"
            )
        ]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self):
        return f"Release {self.number} of {self.survey}"


class Answer(models.Model):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id")
    )
    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    number = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, verbose_name=_("number")
    )
    text = models.TextField(blank=True, verbose_name=_("text"))
    choices = models.JSONField(default=list, blank=True, verbose_name=_("choices"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question_response"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"Answer to {self.question_id}"


class ReportCache(models.Model):
    """A survey report computed once, shown with its "as of" time."""

    survey = models.OneToOneField(
        Survey,
        on_delete=models.CASCADE,
        related_name="report",
        verbose_name=_("survey"),
    )
    computed_at = models.DateTimeField(verbose_name=_("computed at"))
    data = models.JSONField(default=dict, verbose_name=_("data"))

    class Meta:
        verbose_name = _("report cache")
        verbose_name_plural = _("report caches")

    def __str__(self):
        return f"Report of {self.survey} as of {self.computed_at}"
