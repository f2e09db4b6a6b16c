"""The webinar reminder: the day before, to each confirmed registrant.

One more scan of the reminder rules (``notifications.reminders``, registered
by the app's ``ready``): the offsets
are the round's event-reminder rule (``ReminderRule`` of kind "Event
reminder"; one day before when the round sets none), the outbox key names the
session, its time and the stage, so a second scan writes nothing and a session
moved to another day is reminded again. Registrants have no account: their
reminder goes to the address they confirmed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.urls import reverse

from notifications import reminders, rules
from notifications.models import Kind

SCAN = "webinar"


def webinar_reminders(now: dt.datetime, offsets: reminders.Offsets):
    """The reminders owed now to the registrants of coming sessions."""
    from .models import Webinar, WebinarRegistration

    horizon = now + reminders.reminder_horizon(offsets, Kind.EVENT_REMINDER)
    webinars = (
        Webinar.objects.filter(starts_at__gt=now, starts_at__lte=horizon)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=WebinarRegistration.objects.filter(
                    status=WebinarRegistration.Status.CONFIRMED
                ).select_related("user"),
                to_attr="confirmed",
            )
        )
    )
    out = []
    for webinar in webinars:
        round_ = webinar.round
        days = offsets.get(Kind.EVENT_REMINDER, round_)
        path = reverse("applications:round-webinars", args=[round_.slug])
        for registration in webinar.confirmed:
            # Someone who registered after a reminder's moment is not sent it.
            stage = rules.due_stage(
                due_at=webinar.starts_at,
                now=now,
                offsets_days=days,
                since=registration.confirmed_at,
            )
            if stage is None:
                continue
            out.append(
                reminders.Outgoing(
                    kind=Kind.EVENT_REMINDER,
                    to_email=registration.email,
                    recipient=registration.user,
                    subject=f"Reminder: {webinar.title}, "
                    f"{rules.time_left(webinar.starts_at, now)} from now",
                    template="outreach_webinar_reminder",
                    context={
                        "webinar": webinar,
                        "round": round_,
                        "name": registration.name,
                        "time_left": rules.time_left(webinar.starts_at, now),
                        "path": path,
                        "time_zone": round_.time_zone,
                    },
                    key=(
                        f"webinar:{webinar.pk}:{registration.pk}:"
                        f"{webinar.starts_at:%Y%m%d%H%M}:{stage}d"
                    ),
                )
            )
    return out
