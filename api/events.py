"""Which audited changes become webhook events.

Every change a webhook reports is already recorded by its service in the audit
log (``dashmentor.services.audit_record``), in the transaction of the change.
This module registers one observer there: the event and its deliveries are
written in that same transaction, so they exist exactly when the change does.
No service of another app calls into the API.

To report a new kind of change, add its audit action to ``ACTIONS`` with a
function that names the event (or ``None`` to skip the row), and its type to
``models.EventType``; ``payloads.py`` says what its body holds.
"""

from __future__ import annotations

from collections.abc import Callable

from dashmentor.models import AuditEvent
from dashmentor.services import audit_observe

from .models import EventType


def _submitted(event: AuditEvent) -> str | None:
    # application.status records every move; only the move into "submitted"
    # (a first submission or a resubmission after a withdrawal) is reported.
    return (
        EventType.APPLICATION_SUBMITTED
        if event.after.get("status") == "submitted"
        and event.before.get("status") in ("draft", "withdrawn")
        else None
    )


def _always(event_type: str) -> Callable[[AuditEvent], str]:
    return lambda event: event_type


# audit action -> (the target's kind in payloads, which event it is)
ACTIONS: dict[str, tuple[str, Callable[[AuditEvent], str | None]]] = {
    "application.status": ("application", _submitted),
    "decision.release": ("application", _always(EventType.DECISION_RELEASED)),
    "award.create": ("award", _always(EventType.AWARD_STATUS_CHANGED)),
    "award.status": ("award", _always(EventType.AWARD_STATUS_CHANGED)),
    "survey.close": ("survey", _always(EventType.SURVEY_CLOSED)),
    "event.attendance": ("event", _always(EventType.ATTENDANCE_RECORDED)),
    "affinity.attendance_record": (
        "meeting",
        _always(EventType.ATTENDANCE_RECORDED),
    ),
}


def observe(event: AuditEvent) -> None:
    from . import services

    target_type, name = ACTIONS[event.action]
    event_type = name(event)
    if event_type is None or not event.object_id:
        return
    services.webhook_event_record(
        audit=event, event_type=event_type, target_type=target_type
    )


def connect() -> None:
    audit_observe(ACTIONS, observe)
