"""Reminders of the affinity groups: meetings coming up."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from notifications import rules
from notifications.models import Kind
from notifications.reminders import (
    MEETING_LABEL,
    Offsets,
    Outgoing,
    event_outgoing,
    reminder_horizon,
    reminder_people,
)

from .models import GroupMember, Meeting


def meeting_reminders(now: dt.datetime, offsets: Offsets) -> list[Outgoing]:
    """Affinity group meetings to the admitted members and the leaders."""
    horizon = now + reminder_horizon(offsets, Kind.EVENT_REMINDER)
    out = []
    meeting_days = offsets.get(Kind.EVENT_REMINDER)
    meetings = (
        Meeting.objects.filter(starts_at__gt=now, starts_at__lte=horizon)
        .select_related("group")
        .prefetch_related(
            "group__leaders",
            Prefetch(
                "group__members",
                queryset=GroupMember.objects.filter(
                    status=GroupMember.Status.ADMITTED
                ).select_related("user"),
            ),
        )
    )
    for meeting in meetings:
        stage = rules.due_stage(
            due_at=meeting.starts_at, now=now, offsets_days=meeting_days
        )
        if stage is None:
            continue
        users = [m.user for m in meeting.group.members.all()]
        users += list(meeting.group.leaders.all())
        for user in reminder_people(users):
            out.append(
                event_outgoing(
                    user=user,
                    title=meeting.title,
                    kind_label=MEETING_LABEL,
                    where=meeting.group.topic,
                    starts_at=meeting.starts_at,
                    ends_at=None,
                    location="",
                    link=meeting.link,
                    agenda=meeting.agenda,
                    path=meeting.group.get_absolute_url(),
                    key=f"meeting:{meeting.pk}:{meeting.starts_at:%Y%m%d%H%M}:{stage}d",
                    now=now,
                )
            )
    return out
