"""All In affinity groups: cycles, groups, members, meetings and the drawing."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules


class Cycle(models.Model):
    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self):
        return self.name


class Group(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="groups", verbose_name=_("cycle")
    )
    topic = models.CharField(max_length=200, verbose_name=_("topic"))
    slug = models.SlugField(max_length=80, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    learning_goals = models.TextField(
        blank=True,
        help_text=_("Drafted by the leaders."),
        verbose_name=_("learning goals"),
    )
    expectations_before = models.TextField(_("before meetings"), blank=True)
    expectations_during = models.TextField(_("during meetings"), blank=True)
    expectations_after = models.TextField(_("after meetings"), blank=True)
    cadence = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("e.g. Monthly"),
        verbose_name=_("cadence"),
    )
    capacity = models.PositiveSmallIntegerField(default=30, verbose_name=_("capacity"))
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="affinity_groups_led",
        verbose_name=_("leaders"),
    )
    support_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="affinity_groups_supported",
        verbose_name=_("support staff"),
    )
    pre_survey = models.ForeignKey(
        "surveys.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pre survey"),
    )
    final_survey = models.ForeignKey(
        "surveys.Survey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("final survey"),
    )

    class Meta:
        ordering = ["cycle", "topic"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "slug"], name="group_unique_slug")
        ]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

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

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affinity_memberships",
        verbose_name=_("user"),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
        verbose_name=_("status"),
    )
    requested_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("requested at")
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("decided at")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    left_at = models.DateTimeField(null=True, blank=True, verbose_name=_("left at"))

    class Meta:
        ordering = ["group", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="group_member_unique"
            )
        ]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self):
        return f"{self.user} in {self.group}"

    @property
    def is_admitted(self) -> bool:
        return self.status == self.Status.ADMITTED


class Meeting(models.Model):
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("group"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    agenda = models.TextField(blank=True, verbose_name=_("agenda"))
    link = models.URLField(blank=True, verbose_name=_("link"))
    notes_html = models.TextField(
        _("notes"), blank=True, help_text=_("Sanitized when saved; shown as stored.")
    )
    notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("notes updated by"),
    )
    notes_updated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("notes updated at")
    )

    class Meta:
        ordering = ["group", "starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("meeting"),
    )
    member = models.ForeignKey(
        GroupMember,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("member"),
    )
    present = models.BooleanField(default=False, verbose_name=_("present"))
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
                fields=["meeting", "member"], name="meeting_attendance_unique"
            )
        ]
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendances")

    def __str__(self):
        return f"{self.member} at {self.meeting}"


class LeaderCheckIn(models.Model):
    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation")
        MIDPOINT = "midpoint", _("Midpoint check-in")
        FINAL = "final", _("Final check-in")

    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="leader_check_ins",
        verbose_name=_("group"),
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    held_on = models.DateField(verbose_name=_("held on"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("attendees"),
    )

    class Meta:
        ordering = ["group", "held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind"], name="leader_check_in_unique"
            )
        ]
        verbose_name = _("leader check-in")
        verbose_name_plural = _("leader check-ins")

    def __str__(self):
        return f"{self.get_kind_display()} of {self.group}"


class Drawing(models.Model):
    """The gift-card drawing of a group: drawn once, reproducible from its seed."""

    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="drawing", verbose_name=_("group")
    )
    seed = models.CharField(max_length=64, verbose_name=_("seed"))
    eligible = models.JSONField(
        help_text=_("The eligible people, in the order drawn from."),
        verbose_name=_("eligible"),
    )
    winners = models.JSONField(verbose_name=_("winners"))
    winners_wanted = models.PositiveSmallIntegerField(
        default=2, verbose_name=_("winners wanted")
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    drawn_at = models.DateTimeField(default=timezone.now, verbose_name=_("drawn at"))

    class Meta:
        verbose_name = _("drawing")
        verbose_name_plural = _("drawings")

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

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="emails", verbose_name=_("group")
    )
    token = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("token")
    )
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("created at")
    )
    recipients = models.PositiveIntegerField(
        default=0,
        help_text=_("Members the message was queued for."),
        verbose_name=_("recipients"),
    )
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("group e-mail")
        verbose_name_plural = _("group e-mails")

    def __str__(self):
        return f"{self.subject} to {self.group}"
