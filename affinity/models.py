"""All In affinity groups: cycles, groups, members, meetings and the drawing."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules


class Cycle(models.Model):
    name = models.CharField(max_length=100, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return self.name


class Group(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups")
    topic = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True)
    learning_goals = models.TextField(
        blank=True, help_text=_("Drafted by the leaders.")
    )
    expectations_before = models.TextField("before meetings", blank=True)
    expectations_during = models.TextField("during meetings", blank=True)
    expectations_after = models.TextField("after meetings", blank=True)
    cadence = models.CharField(max_length=120, blank=True, help_text=_("e.g. Monthly"))
    capacity = models.PositiveSmallIntegerField(default=30)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="affinity_groups_led"
    )
    support_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="affinity_groups_supported"
    )
    pre_survey = models.ForeignKey(
        "surveys.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_survey = models.ForeignKey(
        "surveys.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["cycle", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "slug"], name="group_unique_slug")
        ]

    def __str__(self):
        return f"{self.topic} ({self.cycle})"

    def get_absolute_url(self):
        return reverse("affinity:group-detail", args=[self.pk])


class GroupMember(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        ADMITTED = "admitted", _("Member")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    # Where a membership may move: leaders and support staff admit, waitlist
    # or decline; the person leaves (or withdraws a request, which counts as
    # leaving); someone declined or gone may ask again, and lands on the
    # waitlist when the group is full.
    TRANSITIONS = {
        Status.REQUESTED: {
            Status.ADMITTED,
            Status.WAITLISTED,
            Status.DECLINED,
            Status.LEFT,
        },
        Status.WAITLISTED: {Status.ADMITTED, Status.DECLINED, Status.LEFT},
        Status.ADMITTED: {Status.LEFT},
        Status.DECLINED: {Status.REQUESTED, Status.WAITLISTED},
        Status.LEFT: {Status.REQUESTED, Status.WAITLISTED},
    }
    # The moves the leaders and staff make; the others are the person's own.
    DECISIONS = (Status.ADMITTED, Status.WAITLISTED, Status.DECLINED)
    LEAVABLE = (Status.REQUESTED, Status.WAITLISTED, Status.ADMITTED)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affinity_memberships",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="group_member_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} in {self.group}"

    @property
    def is_admitted(self) -> bool:
        return self.status == self.Status.ADMITTED


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    agenda = models.TextField(blank=True)
    link = models.URLField(blank=True)
    notes_html = models.TextField(
        "notes", blank=True, help_text=_("Sanitized when saved; shown as stored.")
    )
    notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "starts_at"]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        GroupMember, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="meeting_attendance_unique"
            )
        ]

    def __str__(self):
        return f"{self.member} at {self.meeting}"


class LeaderCheckIn(models.Model):
    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation")
        MIDPOINT = "midpoint", _("Midpoint check-in")
        FINAL = "final", _("Final check-in")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="leader_check_ins"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["group", "held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind"], name="leader_check_in_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.group}"


class Drawing(models.Model):
    """The gift-card drawing of a group: drawn once, reproducible from its seed."""

    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="drawing"
    )
    seed = models.CharField(max_length=64)
    eligible = models.JSONField(
        help_text=_("The eligible people, in the order drawn from.")
    )
    winners = models.JSONField()
    winners_wanted = models.PositiveSmallIntegerField(default=2)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Drawing of {self.group}"

    @property
    def note(self) -> str:
        """Why fewer winners were drawn than there are prizes, in the reader's
        language: told from the eligible list and the prizes, both kept."""
        return rules.drawing_shortfall_note(len(self.eligible), self.winners_wanted)


class GroupEmail(models.Model):
    """An e-mail from staff or a leader to a group's admitted members.

    ``token`` comes from the form, so a double submit finds the first row
    instead of sending the message twice.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="emails")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(
        default=0, help_text=_("Members the message was queued for.")
    )
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} to {self.group}"
