"""The peer learning network: collaboration profiles, introductions, blocks.

One ``CollaborationProfile`` per organization that has applied, been awarded,
joined an affinity group or mentors. What it took part in (program years,
cohort, groups) is not stored here: it is read from the program's own records
(``selectors.program_facts``), so it is always true. Contact details are never
part of a profile: an accepted ``Introduction`` is the only thing that shows
one organization's contact e-mail to another.

Other features build on these models (issue 20: challenges and discussions):
``Challenge`` rows are a profile's current challenges, one short text each,
and ``selectors.profiles_visible_to`` is the one rule of who may read a
profile; use it for anything that shows profiles or their challenges.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from dashmentor.choices import Sector, USState
from dashmentor.models import Organization

from . import rules
from .rules import DataSystem, Population, Region, Visibility


class Topic(models.Model):
    """A topic of the program's one controlled vocabulary, kept by staff.

    The same words label collaboration profiles, the mentorships' "good fit"
    tags and the affinity groups' topics: ``phrases`` lists how those spell
    this topic (matched without regard to case), so a cohort's tags and a
    group's topic map to topics without either app knowing of this one.
    """

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    phrases = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Mentorship tags and affinity-group topics that mean this "
            "topic, one per entry (case does not matter)."
        ),
        verbose_name=_("phrases"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class CollaborationProfile(models.Model):
    """What a collaboration works on, shown to its peers (never its contacts)."""

    class Consent(models.TextChoices):
        NOT_ASKED = "", _("Not asked yet")
        YES = "yes", _("Filled from the application")
        NO = "no", _("Not filled from the application")

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="peer_profile",
        verbose_name=_("organization"),
    )
    visibility = models.CharField(
        _("who may see this profile"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PARTICIPANTS,
        db_index=True,
    )
    works_on = models.TextField(_("what the collaboration works on"), blank=True)
    offers = models.TextField(_("what it can offer peers"), blank=True)
    partner_sectors = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Sector codes of dashmentor.choices."),
        verbose_name=_("partner sectors"),
    )
    data_systems = models.JSONField(
        _("data systems in use"),
        default=list,
        blank=True,
        help_text=_("Codes of peers.rules.DataSystem."),
    )
    data_systems_planned = models.JSONField(
        _("data systems planned"), default=list, blank=True
    )
    populations = models.JSONField(
        _("populations served"),
        default=list,
        blank=True,
        help_text=_("Codes of peers.rules.Population."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="profiles", verbose_name=_("topics")
    )
    state = models.CharField(
        _("state or territory"), max_length=2, choices=USState.choices, blank=True
    )
    region = models.CharField(
        max_length=12,
        choices=Region.choices,
        blank=True,
        db_index=True,
        verbose_name=_("region"),
    )
    # Asked once, when one of the organization's people first opens the
    # profile: may the portal fill it from the organization's latest
    # application? The answer, who gave it and when are kept.
    prefill_consent = models.CharField(
        max_length=3,
        choices=Consent.choices,
        default=Consent.NOT_ASKED,
        blank=True,
        verbose_name=_("prefill consent"),
    )
    prefill_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("prefill answered by"),
    )
    prefill_answered_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("prefill answered at")
    )
    # The vocabularies as ",s:housing,d:hmis,..." (``rules.tags_index``),
    # written by the services: the directory's filters read it on any database.
    tags_index = models.TextField(
        blank=True, editable=False, verbose_name=_("tags index")
    )
    # Everything searchable, in one text (name, texts, vocabularies' labels),
    # written by the services: PostgreSQL's full-text index reads it.
    search_document = models.TextField(
        blank=True, editable=False, verbose_name=_("search document")
    )
    # Set by every change the matching reads; the similarity sweep computes
    # the neighbours again and clears it.
    similar_stale = models.BooleanField(
        default=True, db_index=True, verbose_name=_("similar stale")
    )
    similar_computed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("similar computed at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("collaboration profile")
        verbose_name_plural = _("collaboration profiles")

    def __str__(self):
        return f"Profile of {self.organization}"

    def get_absolute_url(self):
        return reverse("peers:profile-detail", args=[self.pk])

    @property
    def hidden(self) -> bool:
        return self.visibility == Visibility.NOBODY

    # Labels of the vocabularies' codes, for the pages.
    @property
    def sector_labels(self) -> list[str]:
        return _labels(Sector, self.partner_sectors)

    @property
    def data_system_labels(self) -> list[str]:
        return _labels(DataSystem, self.data_systems)

    @property
    def planned_labels(self) -> list[str]:
        return _labels(DataSystem, self.data_systems_planned)

    @property
    def population_labels(self) -> list[str]:
        return _labels(Population, self.populations)


def _labels(choices, codes) -> list[str]:
    known = dict(choices.choices)
    return [known[code] for code in codes if code in known]


class Challenge(models.Model):
    """One current challenge of a collaboration, in a short text."""

    profile = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="challenges",
        verbose_name=_("profile"),
    )
    text = models.CharField(max_length=200, verbose_name=_("text"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["profile", "order", "id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self):
        return self.text


class Similarity(models.Model):
    """One of the most similar profiles of ``profile``, with the reason.

    Computed for all profiles at once (``services.similarities_compute``); the
    rows of hidden profiles are never written.
    """

    profile = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="similar",
        verbose_name=_("profile"),
    )
    other = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("other"),
    )
    rank = models.PositiveSmallIntegerField(verbose_name=_("rank"))
    score = models.FloatField(verbose_name=_("score"))
    # What the two share, as codes of ``rules.REASON_PARTS`` with their values;
    # told when read, in the reader's language.
    reason_codes = models.JSONField(
        default=list, blank=True, verbose_name=_("reason codes")
    )
    # The reason as a computation wrote it before reasons were kept as codes
    # (in English); shown only for such a row, until the next computation.
    reason_text = models.CharField(
        max_length=500, blank=True, verbose_name=_("reason as written")
    )

    class Meta:
        ordering = ["profile", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "other"], name="peers_similarity_unique"
            )
        ]
        verbose_name = _("similarity")
        verbose_name_plural = _("similarities")

    def __str__(self):
        return f"{self.other} like {self.profile} ({self.score:.2f})"

    @property
    def reason(self) -> str:
        """Why ``other`` is like ``profile``, in the reader's language."""
        if not self.reason_codes:
            return self.reason_text
        return rules.reason_in_words(self.reason_codes, topic_names=self.topic_names)

    @cached_property
    def topic_names(self) -> dict[str, str]:
        """The names of the topics the reason names, by id (a page that lists
        many similarities sets them for all at once)."""
        ids = rules.reason_topics(self.reason_codes)
        if not ids:
            return {}
        return {
            str(pk): name
            for pk, name in Topic.objects.filter(pk__in=ids).values_list("pk", "name")
        }


class Introduction(models.Model):
    """One organization asks to be introduced to another, or a mentor or staff
    member introduces two.

    A request is accepted by the other side alone; an introduction made by a
    mentor or staff member needs both sides. Only an accepted introduction
    shows each side the other's contact e-mail: that of the person who asked
    or accepted for it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    from_profile = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="asked",
        verbose_name=_("from profile"),
    )
    to_profile = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="asked_of",
        verbose_name=_("to profile"),
    )
    # The two profiles' ids, smaller first: one open introduction per pair,
    # whichever side asked.
    pair = models.CharField(max_length=41, editable=False, verbose_name=_("pair"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
        verbose_name=_("status"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_introductions_asked",
        help_text=_("Who asked, for a request by one of the organizations."),
        verbose_name=_("requested by"),
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_introductions_made",
        help_text=_("The mentor or staff member who introduced the two."),
        verbose_name=_("introduced by"),
    )
    from_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Who speaks for the first organization: its asker, or "
            "whoever accepted an introduction made for it."
        ),
        verbose_name=_("from contact"),
    )
    from_accepted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("from accepted at")
    )
    to_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to contact"),
    )
    to_accepted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("to accepted at")
    )
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
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(status="pending"),
                name="peers_one_open_introduction_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(from_profile=models.F("to_profile")),
                name="peers_introduction_not_to_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["from_profile", "status"]),
            models.Index(fields=["to_profile", "status"]),
            models.Index(fields=["requested_by", "created_at"]),
        ]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self):
        return f"{self.from_profile.organization} → {self.to_profile.organization}"

    def get_absolute_url(self):
        return reverse("peers:introduction-detail", args=[self.pk])

    @staticmethod
    def pair_of(a_id: int, b_id: int) -> str:
        low, high = sorted((int(a_id), int(b_id)))
        return f"{low}-{high}"

    @property
    def brokered(self) -> bool:
        return self.introduced_by_id is not None


class Block(models.Model):
    """An organization that wants no introductions from another."""

    blocker = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="blocks",
        verbose_name=_("blocker"),
    )
    blocked = models.ForeignKey(
        CollaborationProfile,
        on_delete=models.CASCADE,
        related_name="blocked_by",
        verbose_name=_("blocked"),
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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"], name="peers_block_unique"
            )
        ]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self):
        return f"{self.blocker.organization} blocks {self.blocked.organization}"


class GroupMoveSuggestion(models.Model):
    """A group leader's suggestion that a member would fit another group better.

    The member accepts with one click: the membership moves and both groups'
    leaders are told.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the member")
        ACCEPTED = "accepted", _("Moved")
        DECLINED = "declined", _("Declined")

    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
    }

    member = models.ForeignKey(
        "affinity.GroupMember",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    to_group = models.ForeignKey(
        "affinity.Group",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("to group"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        verbose_name=_("status"),
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("decided at")
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="peers_one_open_move_per_member",
            )
        ]
        verbose_name = _("group move suggestion")
        verbose_name_plural = _("group move suggestions")

    def __str__(self):
        return f"{self.member} → {self.to_group}"
