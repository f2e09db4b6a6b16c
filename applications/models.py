"""Rounds, applications, eligibility, review and decisions.

Statuses are ``TextChoices`` with an explicit transition table; the one service
that moves a status (``applications.services.application_transition``) checks it
and writes the audit row.
"""

import copy
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashmentor.choices import Sector, USState
from dashmentor.models import TIME_ZONE_CHOICES, Organization, validate_time_zone
from dashmentor.status import status_allowed

from . import rules


def default_reminder_offsets():
    return [7, 1]


def default_blind_fields():
    """The identifying fields of a new round (``review.rules.BLIND_FIELDS``)."""
    return ["organization", "contacts", "collaboration_name", "partners"]


class SortIndex(models.Index):
    """An index in the order a list sorts, unscored (NULL) rows last.

    PostgreSQL walks an index for ``ORDER BY ... DESC NULLS LAST`` only when
    the index says ``NULLS LAST`` too. SQLite cannot say it in an index (its
    NULLs already sort last when descending), so there the same columns are
    indexed without it.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using, **kwargs)
        plain = copy.copy(self)
        plain.expressions = tuple(
            OrderBy(e.expression, descending=e.descending)
            if isinstance(e, OrderBy)
            else e
            for e in self.expressions
        )
        return models.Index.create_sql(plain, model, schema_editor, using, **kwargs)


class Round(models.Model):
    """One call for applications, with its window, awards and contract dates."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    opens_at = models.DateTimeField(
        help_text=_("When the application form opens."), verbose_name=_("opens at")
    )
    closes_at = models.DateTimeField(
        help_text=_(
            "The exact closing time; no submission is accepted from this "
            "second on. Entered and shown in the round's time zone."
        ),
        verbose_name=_("closes at"),
    )
    time_zone = models.CharField(
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default=settings.PORTAL_DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        verbose_name=_("time zone"),
    )
    award_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("5000.00"),
        verbose_name=_("award amount"),
    )
    awards_count = models.PositiveIntegerField(
        _("number of awards"), default=30, help_text=_("The most organizations funded.")
    )
    contract_start = models.DateField(verbose_name=_("contract start"))
    contract_end = models.DateField(verbose_name=_("contract end"))
    blind_review = models.BooleanField(
        default=False,
        help_text=_("External reviewers do not see the fields marked identifying."),
        verbose_name=_("blind review"),
    )
    blind_fields = models.JSONField(
        _("identifying fields"),
        default=default_blind_fields,
        blank=True,
        help_text=_(
            "What external reviewers do not see when the review is blind: "
            "organization, contacts, collaboration_name, partners."
        ),
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        default=3, verbose_name=_("reviews per application")
    )
    reviewer_cap = models.PositiveIntegerField(
        default=25,
        help_text=_("The most applications assigned to one reviewer."),
        verbose_name=_("reviewer cap"),
    )
    disagreement_threshold = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.50"),
        help_text=_(
            "Flag an application when reviewers' weighted totals differ by "
            "more than this many points on the rubric's scale."
        ),
        verbose_name=_("disagreement threshold"),
    )
    deadline_reminder_days = models.JSONField(
        default=default_reminder_offsets,
        blank=True,
        help_text=_("Days before the deadline when unfinished drafts get a reminder."),
        verbose_name=_("deadline reminder days"),
    )
    waitlist_offer_days = models.PositiveSmallIntegerField(
        default=7, verbose_name=_("waitlist offer days")
    )
    quiet_missed_events = models.PositiveSmallIntegerField(
        default=2,
        help_text=_("A mentee who missed this many events in a row is quiet."),
        verbose_name=_("quiet missed events"),
    )
    quiet_days = models.PositiveSmallIntegerField(
        default=28,
        help_text=_("A mentee who logged nothing for this many days is quiet."),
        verbose_name=_("quiet days"),
    )
    # A rubric change recomputes every weighted total in the background; the
    # staff pages say so while ``totals_stale_since`` is set.
    totals_stale_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the rubric changed; empty once the totals are recomputed."),
        verbose_name=_("totals stale since"),
    )
    totals_computed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the weighted totals and ranks were last recomputed."),
        verbose_name=_("totals computed at"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("applications:round-detail", args=[self.slug])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open(self, at=None) -> bool:
        """Whether a submission at ``at`` (default now) is accepted.

        The window is half-open: the opening second is in, the closing second
        is out, so "3:30 pm" means nothing is accepted at 3:30:00.
        """
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    @property
    def totals_recomputing(self) -> bool:
        return self.totals_stale_since is not None

    def closes_at_local(self):
        return timezone.localtime(self.closes_at, self.zone)

    def opens_at_local(self):
        return timezone.localtime(self.opens_at, self.zone)


class Question(models.Model):
    """A selection question of a round, shown with help text and a word limit."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("round"),
    )
    key = models.SlugField(max_length=60, verbose_name=_("key"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    prompt = models.TextField(verbose_name=_("prompt"))
    help_text = models.TextField(blank=True, verbose_name=_("help text"))
    word_limit = models.PositiveIntegerField(default=300, verbose_name=_("word limit"))
    required = models.BooleanField(default=True, verbose_name=_("required"))

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="question_unique_key")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.prompt[:80]


class Application(models.Model):
    """An organization's application to a round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        UNDER_REVIEW = "under_review", _("Under review")
        DECIDED = "decided", _("Decided")

    # Which moves are allowed; everything else is refused by the service.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.WITHDRAWN, Status.UNDER_REVIEW, Status.DECIDED},
        Status.WITHDRAWN: {Status.SUBMITTED},
        Status.UNDER_REVIEW: {Status.DECIDED, Status.SUBMITTED},
        Status.DECIDED: {Status.UNDER_REVIEW},
    }

    class Collaboration(models.TextChoices):
        MEMBER = (
            "member",
            _("We are a member of an existing community or regional collaboration"),
        )
        CAN_CONVENE = (
            "convene",
            _("We can convene a multi-sector community collaboration"),
        )
        NEITHER = "neither", _("Neither yet")

    class AllIn(models.TextChoices):
        HAS_PROFILE = "has", _("We have an All In profile")
        AGREES = "agrees", _("We agree to create one as a condition of acceptance")
        NO = "no", _("We do not want one")

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("Not screened")
        ELIGIBLE = "eligible", _("Eligible")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        INELIGIBLE = "ineligible", _("Ineligible")

    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("round"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organization"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications_created",
        verbose_name=_("created by"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    collaboration_name = models.CharField(
        max_length=255, blank=True, verbose_name=_("collaboration name")
    )
    collaboration_status = models.CharField(
        _("collaboration"), max_length=10, choices=Collaboration.choices, blank=True
    )
    collaboration_description = models.TextField(
        blank=True, verbose_name=_("collaboration description")
    )
    learning_goal = models.TextField(blank=True, verbose_name=_("learning goal"))
    all_in_profile = models.CharField(
        _("All In profile"), max_length=10, choices=AllIn.choices, blank=True
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("submitted at")
    )
    first_submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("first submitted at")
    )
    # Denormalized for the staff list: kept by the services that change them,
    # indexed so that 20,000 rows filter and sort without scanning reviews.
    eligibility = models.CharField(
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.PENDING,
        db_index=True,
        verbose_name=_("eligibility"),
    )
    sectors_index = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Partner sectors as ',code,code,' for filtering."),
        verbose_name=_("sectors index"),
    )
    state = models.CharField(
        max_length=2, choices=USState.choices, blank=True, verbose_name=_("state")
    )
    first_preference = models.ForeignKey(
        "cohorts.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first preference"),
    )
    reviews_assigned = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("reviews assigned")
    )
    reviews_done = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("reviews done")
    )
    score_mean = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        verbose_name=_("score mean"),
    )
    score_spread = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        verbose_name=_("score spread"),
    )
    score_normalized = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        verbose_name=_("score normalized"),
    )
    disagreement = models.BooleanField(default=False, verbose_name=_("disagreement"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    # The organization's profile as the application was submitted with it,
    # copied at each submission (``state`` above is part of it): what staff
    # review, print, export and screen. Later edits of the profile apply to
    # later applications (see ``applicant``).
    org_name = models.CharField(
        _("legal name as submitted"), max_length=255, blank=True
    )
    org_type = models.CharField(
        _("organization type as submitted"),
        max_length=10,
        choices=Organization.OrgType.choices,
        blank=True,
    )
    org_sector = models.CharField(
        _("primary sector as submitted"),
        max_length=40,
        choices=Sector.choices,
        blank=True,
    )
    org_ein = models.CharField(_("EIN as submitted"), max_length=10, blank=True)
    org_address_line1 = models.CharField(
        _("address as submitted"), max_length=255, blank=True
    )
    org_address_line2 = models.CharField(
        _("address (line 2) as submitted"), max_length=255, blank=True
    )
    org_city = models.CharField(_("city as submitted"), max_length=120, blank=True)
    org_postal_code = models.CharField(
        _("ZIP code as submitted"), max_length=20, blank=True
    )
    org_country = models.CharField(_("country as submitted"), max_length=80, blank=True)
    org_website = models.URLField(_("website as submitted"), blank=True)
    org_snapshot_at = models.DateTimeField(
        _("organization copied at"),
        null=True,
        blank=True,
        help_text=_(
            "When the organization's profile was copied into the "
            "application: its last submission."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    # Organization field → the application's copy of it.
    SNAPSHOT_FIELDS = {
        "name": "org_name",
        "org_type": "org_type",
        "sector": "org_sector",
        "ein": "org_ein",
        "address_line1": "org_address_line1",
        "address_line2": "org_address_line2",
        "city": "org_city",
        "state": "state",
        "postal_code": "org_postal_code",
        "country": "org_country",
        "website": "org_website",
    }

    # What a list row shows of the copy (with ``state``): load these with
    # ``only()`` so that ``applicant`` reads no deferred field.
    SNAPSHOT_SHOWN = ("org_snapshot_at", "org_name", "org_type")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="application_one_per_org_round"
            )
        ]
        # The staff list and the ranked view read one round, filtered and
        # sorted on these columns, best first with unscored rows last; each
        # index matches a sort exactly (NULLS LAST included, or PostgreSQL
        # cannot walk it) so that a page reads its 50 rows, not the round.
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["round", "state"]),
            SortIndex(
                F("round"),
                F("score_normalized").desc(nulls_last=True),
                name="application_round_normalized",
            ),
            SortIndex(
                F("round"),
                F("eligibility"),
                F("score_normalized").desc(nulls_last=True),
                name="application_elig_normalized",
            ),
            # The ranked view: one mentorship's first-choice applicants in
            # rank order.
            SortIndex(
                F("round"),
                F("first_preference"),
                F("score_normalized").desc(nulls_last=True),
                F("score_mean").desc(nulls_last=True),
                name="application_choice_rank",
            ),
            SortIndex(
                F("round"),
                F("score_mean").desc(nulls_last=True),
                name="application_round_mean",
            ),
            SortIndex(
                F("round"),
                F("score_spread").desc(nulls_last=True),
                name="application_round_spread",
            ),
            models.Index(
                F("round"), F("reviews_done").desc(), name="application_round_reviews"
            ),
            SortIndex(
                F("round"),
                F("submitted_at").asc(nulls_last=True),
                name="application_round_submitted",
            ),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.applicant} — {self.round}"

    def get_absolute_url(self):
        return reverse("applications:application-detail", args=[self.pk])

    def can_move_to(self, status) -> bool:
        return status_allowed(Application, self.status, status)

    @property
    def submitted_organization(self) -> "SubmittedOrganization | None":
        """The organization as the application was last submitted with it."""
        if self.org_snapshot_at is None:
            return None
        return SubmittedOrganization(self)

    @property
    def applicant(self) -> "Organization | SubmittedOrganization":
        """The applicant organization as this application shows it.

        Once submitted (under review, decided) it is the copy taken at
        submission, fixed whatever the profile becomes; while the application
        can be edited (a draft, or withdrawn to be submitted again) it is the
        live profile, which the next submission copies.
        """
        if self.status in (self.Status.DRAFT, self.Status.WITHDRAWN):
            return self.organization
        return self.submitted_organization or self.organization

    def organization_snapshot_take(self, at) -> list[str]:
        """Copy the organization's profile into the application; return the
        fields to save."""
        organization = self.organization
        for source, target in self.SNAPSHOT_FIELDS.items():
            setattr(self, target, getattr(organization, source))
        self.org_snapshot_at = at
        return [*self.SNAPSHOT_FIELDS.values(), "org_snapshot_at"]


class SubmittedOrganization:
    """An organization's profile as an application was submitted with it: the
    fields (and labels) of ``Organization`` that pages read, from the
    application's copy."""

    def __init__(self, application: Application):
        self.application = application

    def _copy(self, name):
        return getattr(self.application, Application.SNAPSHOT_FIELDS[name])

    @property
    def pk(self):
        return self.application.organization_id

    id = pk

    @property
    def name(self) -> str:
        return self._copy("name")

    @property
    def org_type(self) -> str:
        return self._copy("org_type")

    @property
    def sector(self) -> str:
        return self._copy("sector")

    @property
    def ein(self) -> str:
        return self._copy("ein")

    @property
    def address_line1(self) -> str:
        return self._copy("address_line1")

    @property
    def address_line2(self) -> str:
        return self._copy("address_line2")

    @property
    def city(self) -> str:
        return self._copy("city")

    @property
    def state(self) -> str:
        return self._copy("state")

    @property
    def postal_code(self) -> str:
        return self._copy("postal_code")

    @property
    def country(self) -> str:
        return self._copy("country")

    @property
    def website(self) -> str:
        return self._copy("website")

    def get_org_type_display(self) -> str:
        return self.application.get_org_type_display()

    def get_sector_display(self) -> str:
        return self.application.get_org_sector_display()

    def get_state_display(self) -> str:
        return self.application.get_state_display()

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A primary or secondary contact, or a team member taking part."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        SECONDARY = "secondary", _("Secondary contact")
        TEAM = "team", _("Team member")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("application"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    title = models.CharField(max_length=200, blank=True, verbose_name=_("title"))
    email = models.EmailField(verbose_name=_("email"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    from_lead_organization = models.BooleanField(
        default=True,
        help_text=_("Staff of the applicant organization."),
        verbose_name=_("from lead organization"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["application", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=models.Q(kind__in=["primary", "secondary"]),
                name="contact_one_primary_one_secondary",
            )
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class Partner(models.Model):
    """A partner organization of the applicant's collaboration."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("application"),
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnerships",
        help_text=_("The partner as a known organization, for conflict checks."),
        verbose_name=_("organization"),
    )
    sectors = models.JSONField(
        default=list,
        help_text=_("Sector codes from dashmentor.choices.Sector."),
        verbose_name=_("sectors"),
    )
    role = models.TextField(_("role in the collaboration"), blank=True)
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["application", "order", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name


class Answer(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("application"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="answer_one_per_question"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.application_id}/{self.question_id}"


class Preference(models.Model):
    """A mentorship the applicant ranked; rank 1 is its first choice."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("application"),
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("mentorship"),
    )
    rank = models.PositiveSmallIntegerField(verbose_name=_("rank"))

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "rank"], name="preference_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["application", "mentorship"],
                name="preference_unique_mentorship",
            ),
        ]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self):
        return f"{self.rank}. {self.mentorship}"


class EligibilityResult(models.Model):
    """One of the call's five eligibility criteria, screened at submission."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NEEDS_REVIEW = "needs_review", _("Needs review")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="eligibility_results",
        verbose_name=_("application"),
    )
    criterion = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        verbose_name=_("criterion"),
    )
    outcome = models.CharField(
        max_length=15, choices=Outcome.choices, verbose_name=_("outcome")
    )
    # Why, as codes of ``rules.REASONS`` with their values; told when read.
    reason_codes = models.JSONField(
        default=list, blank=True, verbose_name=_("reason codes")
    )
    # Why, as a screening wrote it before the reasons were kept as codes (in
    # English); shown only for such a row.
    reason_text = models.TextField(blank=True, verbose_name=_("reason as written"))
    override_outcome = models.CharField(
        max_length=15,
        choices=Outcome.choices,
        blank=True,
        verbose_name=_("override outcome"),
    )
    override_justification = models.TextField(
        blank=True, verbose_name=_("override justification")
    )
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    overridden_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("overridden at")
    )
    computed_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("computed at")
    )

    class Meta:
        ordering = ["application", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"],
                name="eligibility_one_per_criterion",
            )
        ]
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")

    def __str__(self):
        return f"Criterion {self.criterion}: {self.effective_outcome}"

    @property
    def effective_outcome(self) -> str:
        return self.override_outcome or self.outcome

    @property
    def reason(self) -> str:
        """Why the screening gave its outcome, in the reader's language."""
        return rules.reason_text(self.reason_codes) or self.reason_text


class Criterion(models.Model):
    """A selection criterion of a round's rubric, with a weight and a scale."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("round"),
    )
    key = models.SlugField(max_length=60, verbose_name=_("key"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("weight"),
    )
    scale_min = models.SmallIntegerField(default=1, verbose_name=_("scale min"))
    scale_max = models.SmallIntegerField(default=5, verbose_name=_("scale max"))
    required = models.BooleanField(default=True, verbose_name=_("required"))

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "key"], name="criterion_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="criterion_scale_ordered",
            ),
        ]
        verbose_name = _("criterion")

    def __str__(self):
        return self.name


class Conflict(models.Model):
    """A reviewer's conflict of interest with an organization or application."""

    class Kind(models.TextChoices):
        SAME_ORGANIZATION = "same_org", _("Same organization")
        PARTNER = "partner", _("Partner in the application's collaboration")
        FUNDER = "funder", _("Funder")
        FORMER_COLLEAGUE = "colleague", _("Former colleague")
        OTHER = "other", _("Other (declared)")

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reviewer_conflicts",
        verbose_name=_("organization"),
    )
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("application"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("declared by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False)
                | models.Q(application__isnull=False),
                name="conflict_names_org_or_application",
            )
        ]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")

    def __str__(self):
        return f"{self.reviewer}: {self.get_kind_display()}"


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        CONFLICT = "conflict", _("Conflict declared")
        REMOVED = "removed", _("Removed")

    TRANSITIONS = {
        Status.ASSIGNED: {
            Status.IN_PROGRESS,
            Status.SUBMITTED,
            Status.CONFLICT,
            Status.REMOVED,
        },
        Status.IN_PROGRESS: {Status.SUBMITTED, Status.CONFLICT, Status.REMOVED},
        Status.SUBMITTED: {Status.IN_PROGRESS},
        Status.CONFLICT: set(),
        Status.REMOVED: {Status.ASSIGNED},
    }

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ASSIGNED,
        db_index=True,
        verbose_name=_("status"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("assigned at")
    )

    class Meta:
        ordering = ["application", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self):
        return f"{self.reviewer} → {self.application}"


class Review(models.Model):
    """A reviewer's scores for one assignment."""

    assignment = models.OneToOneField(
        ReviewAssignment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("assignment"),
    )
    overall_comment = models.TextField(blank=True, verbose_name=_("overall comment"))
    weighted_total = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        verbose_name=_("weighted total"),
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("submitted at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"Review of {self.assignment}"


class Score(models.Model):
    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("review"),
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    value = models.SmallIntegerField(verbose_name=_("value"))
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    shareable = models.BooleanField(
        default=False,
        help_text=_("May be shared with the applicant, unsigned."),
        verbose_name=_("shareable"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_one_per_criterion"
            )
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        WAITLIST = "waitlist", _("Waitlist")
        DECLINE = "decline", _("Decline")

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("application"),
    )
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, db_index=True, verbose_name=_("outcome")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    share_feedback = models.BooleanField(
        default=False,
        help_text=_("Send the reviewers' shareable comments with the decision."),
        verbose_name=_("share feedback"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("decided at")
    )
    released_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("released at")
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.application}"


class Award(models.Model):
    """The money and contract for a placed organization."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        CONTRACTED = "contracted", _("Contracted")
        ENDED = "ended", _("Ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Offer expired")

    TRANSITIONS = {
        Status.OFFERED: {
            Status.ACCEPTED,
            Status.DECLINED,
            Status.WITHDRAWN,
            Status.EXPIRED,
        },
        Status.ACCEPTED: {Status.CONTRACTED, Status.WITHDRAWN},
        Status.CONTRACTED: {Status.ENDED, Status.WITHDRAWN},
        Status.ENDED: set(),
        Status.WITHDRAWN: set(),
        Status.DECLINED: set(),
        Status.EXPIRED: set(),
    }
    # An award in one of these holds a seat in its mentorship.
    ACTIVE = (Status.OFFERED, Status.ACCEPTED, Status.CONTRACTED, Status.ENDED)

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="award",
        verbose_name=_("application"),
    )
    mentorship = models.ForeignKey(
        "cohorts.Mentorship",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("mentorship"),
    )
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, verbose_name=_("amount")
    )
    contract_start = models.DateField(verbose_name=_("contract start"))
    contract_end = models.DateField(verbose_name=_("contract end"))
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.OFFERED,
        db_index=True,
        verbose_name=_("status"),
    )
    offer_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("offer expires at")
    )
    from_waitlist = models.BooleanField(default=False, verbose_name=_("from waitlist"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        indexes = [models.Index(fields=["mentorship", "status"])]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self):
        return f"Award to {self.application.organization}"

    @property
    def organization(self):
        return self.application.organization


def new_token() -> str:
    return secrets.token_urlsafe(32)


# The outreach package's models belong to this app (its label and migrations).
from .outreach.models import (  # noqa: E402, F401
    AskedQuestion,
    FaqEntry,
    Milestone,
    Webinar,
    WebinarRegistration,
)
