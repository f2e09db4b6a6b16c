"""Writes through the API go through the pages' services (same audit trail,
same e-mails), and bad input is a 400 with field errors and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Decision
from cohorts.models import Attendance, Event, Measure, ProgressEntry, SuccessGoal
from dashmentor.models import AuditEvent
from tests import factories
from tests.applications import review_factories as rf

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def deciding():
    staff = factories.StaffFactory()
    application = rf.SubmittedApplicationFactory()
    return client_for(staff, "write:decisions"), application, staff


def decision_url(application):
    return f"/api/v1/applications/{application.pk}/decision/"


def test_staff_record_a_decision_audited_as_from_the_desk(deciding):
    client, application, staff = deciding
    response = client.post(
        decision_url(application),
        {"outcome": "accept", "note": "Strong plan.", "seen_version": 0},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    decision = Decision.objects.get()
    assert decision.decided_by == staff and decision.released_at is None
    audit = AuditEvent.objects.get(action="decision.record")
    assert audit.actor == staff and audit.after["outcome"] == "accept"


def test_a_stale_decision_is_refused_with_409_and_the_current_one(deciding):
    client, application, _staff = deciding
    client.post(
        decision_url(application), {"outcome": "accept", "seen_version": 0}, "json"
    )
    response = client.post(
        decision_url(application), {"outcome": "decline", "seen_version": 0}, "json"
    )
    assert response.status_code == 409
    assert response.json()["decision"]["outcome"] == "accept"
    assert Decision.objects.get().outcome == "accept"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"outcome": "maybe", "seen_version": 0}, "outcome"),
        ({"outcome": "accept"}, "seen_version"),
        ({"outcome": "accept", "seen_version": "zero"}, "seen_version"),
        ({"outcome": ["accept"], "seen_version": 0}, "outcome"),
        ({"outcome": "accept", "seen_version": 0, "released": True}, "released"),
        ({"outcome": "accept", "seen_version": -1}, "seen_version"),
    ],
)
def test_bad_fields_are_400_with_their_errors_and_nothing_written(
    deciding, body, field
):
    client, application, _staff = deciding
    response = client.post(decision_url(application), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"[1, 2]", b'"accept"', b"null", b""],
)
def test_malformed_json_is_400_and_writes_nothing(deciding, raw):
    client, application, _staff = deciding
    response = client.generic(
        "POST", decision_url(application), raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(deciding, settings):
    client, application, _staff = deciding
    note = "x" * (settings.API_MAX_BODY_BYTES + 10)
    response = client.post(
        decision_url(application),
        {"outcome": "accept", "seen_version": 0, "note": note},
        format="json",
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    assert not Decision.objects.exists()


def test_a_form_body_is_refused_json_only(deciding):
    client, application, _staff = deciding
    response = client.post(
        decision_url(application), {"outcome": "accept", "seen_version": "0"}
    )
    # A form body is not read as the decision (the API parses JSON only).
    assert response.status_code in (400, 415)
    assert not Decision.objects.exists()


def test_a_decision_on_a_draft_is_the_services_400(deciding):
    client, _application, _staff = deciding
    draft = factories.ApplicationFactory()
    response = client.post(
        decision_url(draft), {"outcome": "accept", "seen_version": 0}, "json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert not Decision.objects.exists()


@pytest.fixture
def cohort():
    mentor = factories.UserFactory()
    member = factories.CohortMemberFactory()
    member.award.mentorship.mentors.add(mentor)
    event = Event.objects.create(
        mentorship=member.award.mentorship,
        kind=Event.Kind.WEBINAR,
        title="Webinar 2",
        starts_at=timezone.now() - dt.timedelta(hours=1),
    )
    return mentor, member, event


def test_attendance_is_recorded_all_or_nothing_and_audited(cohort):
    mentor, member, event = cohort
    client = client_for(mentor, "write:attendance")
    url = f"/api/v1/events/{event.pk}/attendance/"
    response = client.post(
        url, {"marks": [{"member": member.pk, "status": "present"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["status"] == "present"
    assert Attendance.objects.get().recorded_by == mentor
    assert AuditEvent.objects.filter(action="event.attendance").count() == 1
    # Sent again unchanged: nothing more written.
    client.post(
        url, {"marks": [{"member": member.pk, "status": "present"}]}, format="json"
    )
    assert AuditEvent.objects.filter(action="event.attendance").count() == 1
    bad = client.post(
        url,
        {"marks": [{"member": member.pk, "status": "late"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert Attendance.objects.get().status == "present"
    twice = client.post(
        url,
        {
            "marks": [
                {"member": member.pk, "status": "absent"},
                {"member": member.pk, "status": "present"},
            ]
        },
        format="json",
    )
    assert twice.status_code == 400
    assert Attendance.objects.get().status == "present"


def test_attendance_at_an_event_not_yet_held_is_refused(cohort):
    mentor, member, event = cohort
    event.starts_at = timezone.now() + dt.timedelta(days=2)
    event.save()
    response = client_for(mentor, "write:attendance").post(
        f"/api/v1/events/{event.pk}/attendance/",
        {"marks": [{"member": member.pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_mentee_logs_progress_on_its_own_measure(cohort):
    _mentor, member, _event = cohort
    goal = SuccessGoal.objects.create(award=member.award, statement="Share data.")
    measure = Measure.objects.create(
        success_goal=goal, name="Partners sharing", target=Decimal(4)
    )
    client = client_for(member.user, "write:progress")
    url = f"/api/v1/measures/{measure.pk}/progress/"
    today = timezone.localdate()
    response = client.post(url, {"date": str(today), "value": "2.5"}, format="json")
    assert response.status_code == 201, response.content
    assert ProgressEntry.objects.get().recorded_by == member.user
    future = client.post(
        url,
        {"date": str(today + dt.timedelta(days=3)), "value": "3"},
        format="json",
    )
    assert future.status_code == 400 and "date" in future.json()
    assert ProgressEntry.objects.count() == 1
    listing = client.get("/api/v1/measures/").json()["results"]
    assert listing[0]["progress"][0]["value"] == "2.50"
