"""Filters of the list resources (django-filter), from the query string.

A value that does not parse is a 400 with the field's error, as a form's.
"""

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from affinity.models import Group, Meeting, MeetingAttendance
from applications.models import Application, Award, Decision, ReviewAssignment
from cohorts.models import Attendance, CohortMember, Event, Measure, Mentorship


class IdFilter(df.NumberFilter):
    """A row id: a whole number that fits the column, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MentorshipFilter(df.FilterSet):
    round = df.CharFilter(field_name="round__slug", help_text=_("The round's slug."))

    class Meta:
        model = Mentorship
        fields = ["round"]


class ApplicationFilter(df.FilterSet):
    round = df.CharFilter(field_name="round__slug", help_text=_("The round's slug."))
    submitted_after = df.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    first_preference = IdFilter(field_name="first_preference_id")
    decision = df.ChoiceFilter(
        field_name="decision__outcome", choices=Decision.Outcome.choices
    )

    class Meta:
        model = Application
        fields = ["round", "status", "eligibility", "first_preference", "decision"]


class AssignmentFilter(df.FilterSet):
    round = df.CharFilter(field_name="application__round__slug")

    class Meta:
        model = ReviewAssignment
        fields = ["round", "status"]


class AwardFilter(df.FilterSet):
    round = df.CharFilter(field_name="application__round__slug")
    mentorship = IdFilter(field_name="mentorship_id")

    class Meta:
        model = Award
        fields = ["round", "mentorship", "status"]


class CohortMemberFilter(df.FilterSet):
    mentorship = IdFilter(field_name="award__mentorship_id")
    award = IdFilter(field_name="award_id")

    class Meta:
        model = CohortMember
        fields = ["mentorship", "award", "active", "role"]


class EventFilter(df.FilterSet):
    mentorship = IdFilter(field_name="mentorship_id")
    starts_after = df.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = df.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields = ["mentorship", "kind", "starts_after", "starts_before"]


class AttendanceFilter(df.FilterSet):
    event = IdFilter(field_name="event_id")
    mentorship = IdFilter(field_name="event__mentorship_id")
    award = IdFilter(field_name="member__award_id")

    class Meta:
        model = Attendance
        fields = ["event", "mentorship", "award", "status"]


class MeasureFilter(df.FilterSet):
    award = IdFilter(field_name="success_goal__award_id")

    class Meta:
        model = Measure
        fields = ["award"]


class GroupFilter(df.FilterSet):
    cycle = IdFilter(field_name="cycle_id")

    class Meta:
        model = Group
        fields = ["cycle"]


class MeetingFilter(df.FilterSet):
    group = IdFilter(field_name="group_id")

    class Meta:
        model = Meeting
        fields = ["group"]


class MeetingAttendanceFilter(df.FilterSet):
    meeting = IdFilter(field_name="meeting_id")
    group = IdFilter(field_name="meeting__group_id")

    class Meta:
        model = MeetingAttendance
        fields = ["meeting", "group", "present"]
