"""Mentorships (cohorts), placement, and the mentorship year."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Award, Round
from dashmentor.models import Organization


class Mentorship(models.Model):
    """A mentor-led cohort of a round, on one topic, with a capacity."""

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="mentorships",
        verbose_name=_("round"),
    )
    mentor_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="mentorships",
        verbose_name=_("mentor organization"),
    )
    topic = models.CharField(max_length=255, verbose_name=_("topic"))
    slug = models.SlugField(max_length=80, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    tags = models.JSONField(
        _("good fit tags"),
        default=list,
        blank=True,
        help_text=_("“May be a good fit if…”"),
    )
    capacity = models.PositiveSmallIntegerField(default=4, verbose_name=_("capacity"))
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentorships_led",
        verbose_name=_("mentors"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "slug"], name="mentorship_unique_slug"
            )
        ]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")

    def __str__(self):
        return f"{self.mentor_organization.name}: {self.topic}"

    def get_absolute_url(self):
        return reverse("cohorts:cohort-detail", args=[self.pk])

    @property
    def short_name(self) -> str:
        return self.mentor_organization.name


class PlacementRun(models.Model):
    """A computed placement of a round's accepted applicants, then committed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        COMMITTED = "committed", _("Committed")
        DISCARDED = "discarded", _("Discarded")

    # A preview is committed or thrown away; either is final.
    TRANSITIONS = {
        Status.PREVIEW: {Status.COMMITTED, Status.DISCARDED},
        Status.COMMITTED: set(),
        Status.DISCARDED: set(),
    }

    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="placement_runs",
        verbose_name=_("round"),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.PREVIEW,
        verbose_name=_("status"),
    )
    objective = models.JSONField(default=list, blank=True, verbose_name=_("objective"))
    objective_text = models.TextField(blank=True, verbose_name=_("objective text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("committed by"),
    )
    committed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("committed at")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("placement run")
        verbose_name_plural = _("placement runs")

    def __str__(self):
        return f"Placement {self.pk} of {self.round} ({self.get_status_display()})"


class PlacementEntry(models.Model):
    """Where one applicant lands in a run, and why."""

    run = models.ForeignKey(
        PlacementRun,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("run"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="placement_entries",
        verbose_name=_("application"),
    )
    mentorship = models.ForeignKey(
        Mentorship,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("mentorship"),
    )
    choice = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("choice")
    )
    score = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True, verbose_name=_("score")
    )
    explanation = models.TextField(blank=True, verbose_name=_("explanation"))
    moved_by_hand = models.BooleanField(default=False, verbose_name=_("moved by hand"))

    class Meta:
        ordering = ["run", "mentorship", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="placement_entry_unique"
            )
        ]
        verbose_name = _("placement entry")
        verbose_name_plural = _("placement entries")

    def __str__(self):
        return f"{self.application} → {self.mentorship or 'unplaced'}"


class PlacementConstraint(models.Model):
    """A staff pin of an applicant to a mentorship, or a forbidden pair."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pin to this mentorship")
        FORBID = "forbid", _("Never place in this mentorship")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="placement_constraints",
        verbose_name=_("application"),
    )
    mentorship = models.ForeignKey(
        Mentorship,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("mentorship"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "mentorship"], name="placement_constraint_unique"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(kind="pin"),
                name="placement_one_pin_per_application",
            ),
        ]
        verbose_name = _("placement constraint")
        verbose_name_plural = _("placement constraints")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.application} / {self.mentorship}"


class CohortMember(models.Model):
    """A person of an awarded organization taking part in its cohort (a mentee)."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        SECONDARY = "secondary", _("Secondary contact")
        COLLEAGUE = "colleague", _("Colleague")
        PARTNER = "partner", _("Partner representative")

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="members", verbose_name=_("award")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohort_memberships",
        verbose_name=_("user"),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    email = models.EmailField(verbose_name=_("email"))
    role = models.CharField(
        max_length=12,
        choices=Role.choices,
        default=Role.COLLEAGUE,
        verbose_name=_("role"),
    )
    active = models.BooleanField(default=True, verbose_name=_("active"))
    invited_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("invited at")
    )
    joined_at = models.DateTimeField(null=True, blank=True, verbose_name=_("joined at"))
    left_at = models.DateTimeField(null=True, blank=True, verbose_name=_("left at"))

    class Meta:
        ordering = ["award", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "email"], name="cohort_member_unique_email"
            ),
            models.UniqueConstraint(
                fields=["award", "role"],
                condition=models.Q(role__in=["primary", "secondary"], active=True),
                name="cohort_member_one_primary_one_secondary",
            ),
        ]
        indexes = [models.Index(fields=["user", "active"])]
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class WorkPlan(models.Model):
    """A mentee organization's work plan: one or two goals with activities."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.APPROVED: {Status.SUBMITTED},
    }
    MIN_GOALS = 1
    MAX_GOALS = 2

    award = models.OneToOneField(
        Award,
        on_delete=models.CASCADE,
        related_name="workplan",
        verbose_name=_("award"),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self):
        return f"Work plan of {self.award.application.organization}"


class WorkPlanVersion(models.Model):
    """A submitted copy of a work plan, kept for comparison and the review."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes", _("Changes requested")

    workplan = models.ForeignKey(
        WorkPlan,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("workplan"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    snapshot = models.JSONField(verbose_name=_("snapshot"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("submitted at")
    )
    decision = models.CharField(
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        verbose_name=_("decision"),
    )
    mentor_comment = models.TextField(blank=True, verbose_name=_("mentor comment"))
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

    class Meta:
        ordering = ["workplan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "number"], name="workplan_version_unique"
            )
        ]
        verbose_name = _("work plan version")
        verbose_name_plural = _("work plan versions")

    def __str__(self):
        return f"Version {self.number}"


class Goal(models.Model):
    workplan = models.ForeignKey(
        WorkPlan,
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("workplan"),
    )
    order = models.PositiveSmallIntegerField(default=1, verbose_name=_("order"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    class Meta:
        ordering = ["workplan", "order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.title


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # How an activity stands is the mentee's to say, in any order.
    TRANSITIONS = {
        Status.PLANNED: {Status.IN_PROGRESS, Status.DONE, Status.DROPPED},
        Status.IN_PROGRESS: {Status.PLANNED, Status.DONE, Status.DROPPED},
        Status.DONE: {Status.PLANNED, Status.IN_PROGRESS, Status.DROPPED},
        Status.DROPPED: {Status.PLANNED, Status.IN_PROGRESS, Status.DONE},
    }

    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("goal"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    target_date = models.DateField(verbose_name=_("target date"))
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.PLANNED,
        verbose_name=_("status"),
    )

    class Meta:
        ordering = ["goal", "target_date", "order", "id"]
        verbose_name_plural = _("activities")
        verbose_name = _("activity")

    def __str__(self):
        return self.title


class SuccessGoal(models.Model):
    """The individual success goal: what capacity the organization will build."""

    award = models.OneToOneField(
        Award,
        on_delete=models.CASCADE,
        related_name="success_goal",
        verbose_name=_("award"),
    )
    statement = models.TextField(verbose_name=_("statement"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("success goal")
        verbose_name_plural = _("success goals")

    def __str__(self):
        return self.statement[:80]


class Measure(models.Model):
    success_goal = models.ForeignKey(
        SuccessGoal,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("success goal"),
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))
    unit = models.CharField(max_length=60, blank=True, verbose_name=_("unit"))
    baseline = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, verbose_name=_("baseline")
    )
    target = models.DecimalField(
        max_digits=12, decimal_places=2, verbose_name=_("target")
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["success_goal", "order", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.name


class ProgressEntry(models.Model):
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("measure"),
    )
    date = models.DateField(verbose_name=_("date"))
    value = models.DecimalField(
        max_digits=12, decimal_places=2, verbose_name=_("value")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["measure", "date", "id"]
        verbose_name_plural = _("progress entries")
        verbose_name = _("progress entry")

    def __str__(self):
        return f"{self.measure}: {self.value} on {self.date}"


class Event(models.Model):
    """A kickoff, cohort webinar, check-in call or in-person meeting."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff webinar")
        WEBINAR = "webinar", _("Cohort webinar")
        CHECK_IN = "check_in", _("Check-in call")
        IN_PERSON = "in_person", _("In-person meeting")

    mentorship = models.ForeignKey(
        Mentorship,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("mentorship"),
    )
    award = models.ForeignKey(
        Award,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="check_ins",
        help_text=_("For a check-in call: the mentee organization."),
        verbose_name=_("award"),
    )
    kind = models.CharField(
        max_length=12, choices=Kind.choices, db_index=True, verbose_name=_("kind")
    )
    title = models.CharField(max_length=255, verbose_name=_("title"))
    starts_at = models.DateTimeField(db_index=True, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ends at"))
    location = models.CharField(max_length=255, blank=True, verbose_name=_("location"))
    link = models.URLField(blank=True, verbose_name=_("link"))
    agenda = models.TextField(blank=True, verbose_name=_("agenda"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["mentorship", "starts_at"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    # A record of who took part: corrected either way as often as needed.
    TRANSITIONS = {
        Status.PRESENT: {Status.ABSENT, Status.EXCUSED},
        Status.ABSENT: {Status.PRESENT, Status.EXCUSED},
        Status.EXCUSED: {Status.PRESENT, Status.ABSENT},
    }

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("event"),
    )
    member = models.ForeignKey(
        CohortMember,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("member"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, verbose_name=_("status")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("recorded at")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], name="attendance_unique"
            )
        ]
        indexes = [models.Index(fields=["member", "status"])]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self):
        return f"{self.member} at {self.event}: {self.status}"


class ActionPeriod(models.Model):
    """The stretch between two cohort webinars."""

    mentorship = models.ForeignKey(
        Mentorship,
        on_delete=models.CASCADE,
        related_name="action_periods",
        verbose_name=_("mentorship"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"))

    class Meta:
        ordering = ["mentorship", "starts_on"]
        verbose_name = _("action period")
        verbose_name_plural = _("action periods")

    def __str__(self):
        return self.title


class ActionLog(models.Model):
    period = models.ForeignKey(
        ActionPeriod,
        on_delete=models.CASCADE,
        related_name="logs",
        verbose_name=_("period"),
    )
    award = models.ForeignKey(
        Award,
        on_delete=models.CASCADE,
        related_name="action_logs",
        verbose_name=_("award"),
    )
    did = models.TextField(_("what we did"))
    next_steps = models.TextField(_("what we will do next"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    mentor_comment = models.TextField(blank=True, verbose_name=_("mentor comment"))
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commented by"),
    )
    commented_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("commented at")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action log")
        verbose_name_plural = _("action logs")

    def __str__(self):
        return f"Log of {self.award} in {self.period}"


class CheckInNote(models.Model):
    """A mentor's record of a check-in call."""

    award = models.ForeignKey(
        Award,
        on_delete=models.CASCADE,
        related_name="check_in_notes",
        verbose_name=_("award"),
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        verbose_name=_("event"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    held_on = models.DateField(verbose_name=_("held on"))
    # Who took part: the organization's members are ticked (and, for a
    # scheduled call, recorded present at it, see
    # ``services.checkin_note_create``); ``attendees`` names anyone else.
    members = models.ManyToManyField(
        CohortMember,
        blank=True,
        related_name="check_in_notes",
        verbose_name=_("who took part"),
    )
    attendees = models.TextField(
        _("others on the call"),
        blank=True,
        help_text=_(
            "People who are not members of the organization's team, such "
            "as a partner's staff."
        ),
    )
    notes = models.TextField(verbose_name=_("notes"))
    follow_ups = models.TextField(blank=True, verbose_name=_("follow ups"))
    shared_with_mentee = models.BooleanField(
        default=True,
        help_text=_("The mentee sees these notes."),
        verbose_name=_("shared with mentee"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("check-in note")
        verbose_name_plural = _("check-in notes")

    def __str__(self):
        return f"Check-in {self.held_on} with {self.award}"


class PersonnelChange(models.Model):
    class Kind(models.TextChoices):
        LEAVES = "leaves", _("Someone leaves")
        JOINS = "joins", _("Someone joins")
        PRIMARY = "primary", _("Becomes primary contact")
        SECONDARY = "secondary", _("Becomes secondary contact")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        APPLIED = "applied", _("Applied")

    TRANSITIONS = {Status.REPORTED: {Status.APPLIED}, Status.APPLIED: set()}

    award = models.ForeignKey(
        Award,
        on_delete=models.CASCADE,
        related_name="personnel_changes",
        verbose_name=_("award"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    person_name = models.CharField(max_length=200, verbose_name=_("person name"))
    person_email = models.EmailField(verbose_name=_("person email"))
    effective_on = models.DateField(verbose_name=_("effective on"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.REPORTED,
        verbose_name=_("status"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("reported at")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("applied at")
    )

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("personnel change")
        verbose_name_plural = _("personnel changes")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person_name}"


class DashboardCache(models.Model):
    """A cohort's dashboard rows computed once, shown with their "as of" time.

    Kept as ``surveys.ReportCache`` keeps a survey's report (see
    ``cohorts.year.reports``). ``version`` moves whenever a record the rows read
    changes; ``data`` holds the rows and the version they were computed at.
    """

    mentorship = models.OneToOneField(
        Mentorship,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="dashboard_cache",
        verbose_name=_("mentorship"),
    )
    version = models.PositiveIntegerField(default=0, verbose_name=_("version"))
    computed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("computed at")
    )
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))

    class Meta:
        verbose_name = _("dashboard cache")
        verbose_name_plural = _("dashboard caches")

    def __str__(self):
        return f"Dashboard of {self.mentorship_id} as of {self.computed_at}"
