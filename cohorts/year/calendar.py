"""A user's personal calendar feed (iCalendar): its cohorts' events and its
affinity groups' meetings."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dashmentor.languages import override_for

from ..models import CohortMember, Event

DEFAULT_LENGTH = dt.timedelta(hours=1)


def feed_events(user):
    """Events of the cohorts ``user`` leads or belongs to: cohort-wide events,
    and the check-ins it takes part in (a mentor: all of its cohorts')."""
    mentee_awards = CohortMember.objects.filter(user=user, active=True).values(
        "award_id"
    )
    return (
        Event.objects.filter(
            Q(mentorship__mentors=user)
            | Q(award__isnull=True, mentorship__awards__in=mentee_awards)
            | Q(award__in=mentee_awards)
        )
        .distinct()
        .select_related("mentorship__mentor_organization")
        .order_by("starts_at")
    )


def feed_meetings(user):
    """Meetings of the affinity groups ``user`` is an admitted member of or leads."""
    from affinity.models import GroupMember, Meeting

    admitted = GroupMember.objects.filter(
        user=user, status=GroupMember.Status.ADMITTED
    ).values("group_id")
    return (
        Meeting.objects.filter(Q(group_id__in=admitted) | Q(group__leaders=user))
        .distinct()
        .select_related("group")
        .order_by("starts_at")
    )


def _vevent(*, uid, summary, start, end, description, location="", url=""):
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("summary", summary)
    item.add("dtstart", start.astimezone(dt.UTC))
    item.add("dtend", (end or start + DEFAULT_LENGTH).astimezone(dt.UTC))
    item.add("dtstamp", timezone.now().astimezone(dt.UTC))
    if description:
        item.add("description", description)
    if location:
        item.add("location", location)
    if url:
        item.add("url", url)
    return item


def _joined(description: str, link: str) -> str:
    join = gettext("Join: %(link)s") % {"link": link}
    return f"{description}\n\n{join}".strip()


def build_feed(user) -> bytes:
    """The iCalendar bytes of ``user``'s feed (times in UTC, which every
    calendar program shows in its owner's zone)."""
    with override_for(user):
        return _feed(user)


def _feed(user) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//DASH Mentor Portal//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", gettext("DASH Mentor Portal"))
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0]
    for event in feed_events(user):
        description = event.agenda
        if event.link:
            description = _joined(description, event.link)
        cal.add_component(
            _vevent(
                uid=f"cohort-event-{event.pk}@{host}",
                summary=f"{event.title} ({event.mentorship.short_name})",
                start=event.starts_at,
                end=event.ends_at,
                description=description,
                location=event.location or event.link,
                url=settings.SITE_URL
                + reverse("cohorts:event-detail", args=[event.pk]),
            )
        )
    for meeting in feed_meetings(user):
        description = meeting.agenda
        if meeting.link:
            description = _joined(description, meeting.link)
        cal.add_component(
            _vevent(
                uid=f"affinity-meeting-{meeting.pk}@{host}",
                summary=f"{meeting.title} ({meeting.group.topic})",
                start=meeting.starts_at,
                end=None,
                description=description,
                location=meeting.link,
            )
        )
    return cal.to_ical()
