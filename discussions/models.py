"""Between meetings: peer challenges, cohort and group discussions, digests.

A ``Space`` is a cohort's (a mentorship's) or an affinity group's place for
threads; it is made at the first write to it, so reading a space that has no
row yet writes nothing. Who belongs to a space is read from the program's own
records (``permissions.space_members``), never stored here.

A ``Challenge`` is a participant's question to peers, for its cohort, its
affinity group or everyone in the program; peers ``Reply``. Posts and replies
that a moderator hides stay in the database with the reason (audited, shown
to their author) and leave every page, search and digest.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affinity.models import Group, Meeting
from cohorts.models import Event, Mentorship
from dashmentor.models import Organization
from peers.models import Topic


class Space(models.Model):
    class Kind(models.TextChoices):
        COHORT = "cohort", _("Cohort")
        GROUP = "group", _("Affinity group")

    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    mentorship = models.OneToOneField(
        Mentorship,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discussion_space",
        verbose_name=_("mentorship"),
    )
    group = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discussion_space",
        verbose_name=_("group"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("discussion space")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="cohort", mentorship__isnull=False, group__isnull=True)
                    | Q(kind="group", group__isnull=False, mentorship__isnull=True)
                ),
                name="discussion_space_one_owner",
            )
        ]
        verbose_name_plural = _("discussion spaces")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("discussions:space", args=[self.kind, self.owner_id])

    @property
    def name(self) -> str:
        if self.kind == self.Kind.COHORT:
            return str(self.mentorship.topic)
        return str(self.group.topic)

    @property
    def owner_id(self) -> int:
        return self.mentorship_id if self.kind == self.Kind.COHORT else self.group_id


class Frequency(models.TextChoices):
    EVERY = "every", _("Every post")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")
    NONE = "none", _("Nothing")


DEFAULT_FREQUENCY = Frequency.WEEKLY


class SpaceSetting(models.Model):
    """How one member of a space hears of it by e-mail (weekly without a row)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_settings",
        verbose_name=_("user"),
    )
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="+", verbose_name=_("space")
    )
    frequency = models.CharField(
        max_length=8,
        choices=Frequency.choices,
        default=DEFAULT_FREQUENCY,
        verbose_name=_("frequency"),
    )
    updated_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("updated at")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "space"], name="discussion_setting_unique"
            )
        ]
        verbose_name = _("space setting")
        verbose_name_plural = _("space settings")

    def __str__(self):
        return f"{self.user}: {self.space} {self.frequency}"


class ChallengeMail(models.Model):
    """Whether a person gets the weekly "challenges you could help with".

    Without a row: on for participants, off for program staff.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    weekly = models.BooleanField(default=True, verbose_name=_("weekly"))
    updated_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("updated at")
    )

    class Meta:
        verbose_name = _("challenge mail")
        verbose_name_plural = _("challenge mails")

    def __str__(self):
        return f"{self.user}: {'on' if self.weekly else 'off'}"


class Hideable(models.Model):
    """What a moderator may hide: the reason is kept and shown to the author."""

    hidden_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("hidden at")
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(
        max_length=500, blank=True, verbose_name=_("hidden reason")
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Thread(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="threads", verbose_name=_("space")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    last_post_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("last post at")
    )
    post_count = models.PositiveIntegerField(default=0, verbose_name=_("post count"))
    locked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("locked at"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("locked by"),
    )
    # The meeting whose notes link here (an affinity meeting or a cohort event).
    meeting = models.OneToOneField(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussion_thread",
        verbose_name=_("meeting"),
    )
    event = models.OneToOneField(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussion_thread",
        verbose_name=_("event"),
    )
    form_token = models.CharField(
        max_length=64, unique=True, verbose_name=_("form token")
    )

    class Meta:
        ordering = ["-last_post_at", "-pk"]
        indexes = [models.Index(fields=["space", "-last_post_at"])]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("discussions:thread", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Post(Hideable):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body_html = models.TextField(verbose_name=_("body html"))
    body_text = models.TextField(
        help_text=_("The text of the post, for search."), verbose_name=_("body text")
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="discussion_mentions",
        verbose_name=_("mentions"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    form_token = models.CharField(
        max_length=64, unique=True, verbose_name=_("form token")
    )

    class Meta(Hideable.Meta):
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        return f"Post {self.pk} in {self.thread_id}"


class Challenge(Hideable):
    """A participant's challenge, for peers to answer from experience."""

    class Audience(models.TextChoices):
        COHORT = "cohort", _("My cohort")
        GROUP = "group", _("My affinity group")
        PROGRAM = "program", _("Everyone in the program")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {Status.OPEN: {Status.CLOSED}, Status.CLOSED: {Status.OPEN}}

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=200)
    context = models.TextField(_("context"))
    tried = models.TextField(_("what was tried"), blank=True)
    would_help = models.TextField(_("what would help"), blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("topics")
    )
    data_systems = models.JSONField(
        default=list, blank=True, verbose_name=_("data systems")
    )
    audience = models.CharField(
        max_length=8,
        choices=Audience.choices,
        default=Audience.COHORT,
        verbose_name=_("audience"),
    )
    # The cohort's or group's space for those audiences; none for the program.
    space = models.ForeignKey(
        Space,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="challenges",
        verbose_name=_("space"),
    )
    status = models.CharField(
        max_length=8,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    decision = models.TextField(_("what it decided"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Brought to a meeting: shown on its agenda.
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussion_challenges",
        verbose_name=_("meeting"),
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discussion_challenges",
        verbose_name=_("event"),
    )
    reply_count = models.PositiveIntegerField(default=0, verbose_name=_("reply count"))
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("updated at")
    )
    search_document = models.TextField(
        blank=True, editable=False, verbose_name=_("search document")
    )
    # ``search_document`` as PostgreSQL's text-search vector, kept by a trigger
    # on every insert and update (migration 0003), so that ranking thousands of
    # matches reads it instead of parsing each document again. Unused on SQLite.
    search_vector = SearchVectorField(
        null=True, editable=False, verbose_name=_("search vector")
    )
    form_token = models.CharField(
        max_length=64, unique=True, verbose_name=_("form token")
    )

    class Meta(Hideable.Meta):
        verbose_name = _("challenge")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        verbose_name_plural = _("challenges")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("discussions:challenge", args=[self.pk])


class Reply(Hideable):
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("challenge"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body_html = models.TextField(verbose_name=_("body html"))
    body_text = models.TextField(verbose_name=_("body text"))
    helpful_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("helpful at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    form_token = models.CharField(
        max_length=64, unique=True, verbose_name=_("form token")
    )

    class Meta(Hideable.Meta):
        ordering = ["created_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return f"Reply {self.pk} to {self.challenge_id}"

    @property
    def helpful(self) -> bool:
        return self.helpful_at is not None
