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
        Round, on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="mentorships"
    )
    topic = models.CharField(max_length=255)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)
    tags = models.JSONField(
        "good fit tags",
        default=list,
        blank=True,
        help_text=_("“May be a good fit if…”"),
    )
    capacity = models.PositiveSmallIntegerField(default=4)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentorships_led"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "slug"], name="mentorship_unique_slug"
            )
        ]

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
        Round, on_delete=models.CASCADE, related_name="placement_runs"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PREVIEW
    )
    objective = models.JSONField(default=list, blank=True)
    objective_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Placement {self.pk} of {self.round} ({self.get_status_display()})"


class PlacementEntry(models.Model):
    """Where one applicant lands in a run, and why."""

    run = models.ForeignKey(
        PlacementRun, on_delete=models.CASCADE, related_name="entries"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="placement_entries"
    )
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    explanation = models.TextField(blank=True)
    moved_by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "mentorship", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="placement_entry_unique"
            )
        ]

    def __str__(self):
        return f"{self.application} → {self.mentorship or 'unplaced'}"


class PlacementConstraint(models.Model):
    """A staff pin of an applicant to a mentorship, or a forbidden pair."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pin to this mentorship")
        FORBID = "forbid", _("Never place in this mentorship")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="placement_constraints"
    )
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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

    def __str__(self):
        return f"{self.get_kind_display()}: {self.application} / {self.mentorship}"


class CohortMember(models.Model):
    """A person of an awarded organization taking part in its cohort (a mentee)."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        SECONDARY = "secondary", _("Secondary contact")
        COLLEAGUE = "colleague", _("Colleague")
        PARTNER = "partner", _("Partner representative")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohort_memberships",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.COLLEAGUE)
    active = models.BooleanField(default=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

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
        Award, on_delete=models.CASCADE, related_name="workplan"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    due_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Work plan of {self.award.application.organization}"


class WorkPlanVersion(models.Model):
    """A submitted copy of a work plan, kept for comparison and the review."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes", _("Changes requested")

    workplan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    mentor_comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workplan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workplan", "number"], name="workplan_version_unique"
            )
        ]

    def __str__(self):
        return f"Version {self.number}"


class Goal(models.Model):
    workplan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="goals"
    )
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["workplan", "order", "id"]

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

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=255)
    target_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        ordering = ["goal", "target_date", "order", "id"]
        verbose_name_plural = "activities"

    def __str__(self):
        return self.title


class SuccessGoal(models.Model):
    """The individual success goal: what capacity the organization will build."""

    award = models.OneToOneField(
        Award, on_delete=models.CASCADE, related_name="success_goal"
    )
    statement = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.statement[:80]


class Measure(models.Model):
    success_goal = models.ForeignKey(
        SuccessGoal, on_delete=models.CASCADE, related_name="measures"
    )
    name = models.CharField(max_length=255)
    unit = models.CharField(max_length=60, blank=True)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["success_goal", "order", "id"]

    def __str__(self):
        return self.name


class ProgressEntry(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="progress"
    )
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "date", "id"]
        verbose_name_plural = "progress entries"

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
        Mentorship, on_delete=models.CASCADE, related_name="events"
    )
    award = models.ForeignKey(
        Award,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="check_ins",
        help_text=_("For a check-in call: the mentee organization."),
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=255)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=255, blank=True)
    link = models.URLField(blank=True)
    agenda = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["mentorship", "starts_at"])]

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
        Event, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        CohortMember, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], name="attendance_unique"
            )
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self):
        return f"{self.member} at {self.event}: {self.status}"


class ActionPeriod(models.Model):
    """The stretch between two cohort webinars."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_periods"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["mentorship", "starts_on"]

    def __str__(self):
        return self.title


class ActionLog(models.Model):
    period = models.ForeignKey(
        ActionPeriod, on_delete=models.CASCADE, related_name="logs"
    )
    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="action_logs"
    )
    did = models.TextField("what we did")
    next_steps = models.TextField("what we will do next", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    mentor_comment = models.TextField(blank=True)
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Log of {self.award} in {self.period}"


class CheckInNote(models.Model):
    """A mentor's record of a check-in call."""

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="check_in_notes"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_on = models.DateField()
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
        "others on the call",
        blank=True,
        help_text=_(
            "People who are not members of the organization's team, such "
            "as a partner's staff."
        ),
    )
    notes = models.TextField()
    follow_ups = models.TextField(blank=True)
    shared_with_mentee = models.BooleanField(
        default=True, help_text=_("The mentee sees these notes.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

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
        Award, on_delete=models.CASCADE, related_name="personnel_changes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person_name = models.CharField(max_length=200)
    person_email = models.EmailField()
    effective_on = models.DateField()
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]

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
    )
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"Dashboard of {self.mentorship_id} as of {self.computed_at}"
