"""What a webhook's body says: the event, and its object as staff read it
through the API (the same serializers), made after the change committed.

    {"id": 12, "type": "decision.released", "occurred_at": "...",
     "data": {...the application...}, "change": {"before": ..., "after": ...}}

Nothing from an anonymous survey's answers is ever in a body: a survey's
event carries the survey, not what anyone answered.
"""

from __future__ import annotations

from .models import WebhookEvent


def _application(pk):
    from applications.models import Application

    from .serializers import ApplicationStaffSerializer

    application = (
        Application.objects.select_related("round", "organization", "decision", "award")
        .prefetch_related("eligibility_results", "preferences")
        .filter(pk=pk)
        .first()
    )
    return ApplicationStaffSerializer(application).data if application else None


def _award(pk):
    from applications.models import Award

    from .serializers import AwardSerializer

    award = (
        Award.objects.select_related("application__organization", "application__round")
        .filter(pk=pk)
        .first()
    )
    return AwardSerializer(award).data if award else None


def _survey(pk):
    from surveys.models import Survey

    survey = Survey.objects.select_related("round").filter(pk=pk).first()
    if survey is None:
        return None
    return {
        "id": survey.pk,
        "title": survey.title,
        "kind": survey.kind,
        "status": survey.status,
        "anonymous": survey.anonymous,
        "round": survey.round.slug if survey.round else None,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
    }


def _event(pk):
    from cohorts.models import Attendance, Event

    from .serializers import AttendanceSerializer, EventSerializer

    event = Event.objects.filter(pk=pk).first()
    if event is None:
        return None
    rows = Attendance.objects.filter(event=event).select_related("member")
    return {
        "event": EventSerializer(event).data,
        "attendance": AttendanceSerializer(rows.order_by("pk"), many=True).data,
    }


def _meeting(pk):
    from affinity.models import Meeting, MeetingAttendance

    from .serializers import MeetingAttendanceSerializer, MeetingSerializer

    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        return None
    rows = MeetingAttendance.objects.filter(meeting=meeting).select_related(
        "meeting", "member__user"
    )
    return {
        "meeting": MeetingSerializer(meeting).data,
        "attendance": MeetingAttendanceSerializer(rows.order_by("pk"), many=True).data,
    }


def _endpoint(pk):
    return {"endpoint": pk, "message": "A test delivery from the portal."}


BUILDERS = {
    "application": _application,
    "award": _award,
    "survey": _survey,
    "event": _event,
    "meeting": _meeting,
    "endpoint": _endpoint,
}


def payload_for(event: WebhookEvent) -> dict:
    import json

    from rest_framework.utils.encoders import JSONEncoder

    data = BUILDERS[event.target_type](event.target_id)
    payload = {
        "id": event.pk,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "data": data,
        "change": event.change,
    }
    # Plain JSON types only (dates as ISO text, decimals as text), as the API.
    return json.loads(json.dumps(payload, cls=JSONEncoder))
