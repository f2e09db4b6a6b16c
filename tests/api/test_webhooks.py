"""Webhooks: a row first, delivered once per event and endpoint, signed,
retried with backoff, swept; a real receiver on loopback verifies them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from applications.models import Decision
from applications.review import services as review_services
from dashmentor import broker
from tests import factories
from tests.applications import review_factories as rf

from .receiver import Receiver

pytestmark = pytest.mark.django_db


def endpoint_for(receiver: Receiver, *events, staff=None) -> WebhookEndpoint:
    endpoint = services.endpoint_create(
        url=receiver.url,
        events=events or ["decision.released"],
        by=staff or factories.StaffFactory(),
    )
    receiver.secret = services.endpoint_secret(endpoint)
    return endpoint


def decided_round(n=2):
    round_ = factories.RoundFactory()
    staff = factories.StaffFactory()
    apps = [rf.SubmittedApplicationFactory(round=round_) for _ in range(n)]
    for app in apps:
        review_services.decision_record(
            application=app, outcome="accept", by=staff, seen_version=0
        )
    return round_, apps, staff


def test_the_done_when_journey(client_as, django_capture_on_commit_callbacks):
    """A staff member makes a read-only token, pulls the round's eligible
    applications with their scores, registers a webhook on the page, and a
    decision release delivers one signed event that the receiver verifies."""
    round_, apps, staff = decided_round(2)
    ineligible = rf.SubmittedApplicationFactory(round=round_, eligibility="ineligible")
    client = client_as(staff)
    page = client.post(reverse("api:token-list"), {"name": "BI pull"})
    secret = page.context["secret"]
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listing = api.get(
        "/api/v1/applications/", {"round": round_.slug, "eligibility": "eligible"}
    )
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert {r["id"] for r in rows} == {a.pk for a in apps}
    assert ineligible.pk not in {r["id"] for r in rows}
    assert all("score_normalized" in r and "eligibility" in r for r in rows)
    # The read-only token cannot decide.
    refused = api.post(
        f"/api/v1/applications/{ineligible.pk}/decision/",
        {"outcome": "decline", "seen_version": 0},
        format="json",
    )
    assert refused.status_code == 403

    with Receiver() as receiver:
        response = client.post(
            reverse("api:endpoint-create"),
            {"url": receiver.url, "events": ["decision.released"], "active": "on"},
        )
        assert response.status_code == 200
        receiver.secret = response.context["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("applications:staff-release", args=[round_.slug]))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("applications:staff-release", args=[round_.slug]))
    assert len(receiver.received) == 2  # one per application, released once
    assert all(r["verified"] for r in receiver.received)
    bodies = [json.loads(r["body"]) for r in receiver.received]
    assert {b["type"] for b in bodies} == {"decision.released"}
    assert {b["data"]["id"] for b in bodies} == {a.pk for a in apps}
    assert all(b["data"]["decision"]["released_at"] for b in bodies)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2


def test_an_unsubscribed_or_rolled_back_change_owes_nothing():
    with Receiver() as receiver:
        endpoint_for(receiver, "survey.closed")
        decided_round(1)
        round_ = Decision.objects.get().application.round
        review_services.decision_release(round=round_, by=None)
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_failing_receiver_is_retried_with_backoff_and_then_given_up(
    settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with Receiver(answers=[500, 503, 500]) as receiver:
        endpoint_for(receiver)
        round_, _apps, staff = decided_round(1)
        with django_capture_on_commit_callbacks(execute=True):
            review_services.decision_release(round=round_, by=staff)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending"
        assert delivery.attempts == 1
        assert delivery.last_status_code == 500
        assert "HTTP 500" in delivery.last_error
        first_wait = delivery.next_attempt_at - timezone.now()
        # Not due yet: the sweep leaves it.
        services.webhook_sweep()
        assert WebhookDelivery.objects.get().attempts == 1
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
            services.webhook_sweep()
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at - timezone.now() > first_wait
        WebhookDelivery.objects.update(next_attempt_at=None)
        services.webhook_sweep()
        delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert len(receiver.received) == 3
    # The same delivery id at every attempt: a receiver sees one delivery.
    assert len({r["headers"]["x-portal-delivery"] for r in receiver.received}) == 1
    assert len({r["body"] for r in receiver.received}) == 1


def test_a_failed_delivery_can_be_sent_again_from_the_page(
    client_as, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver(answers=[500]) as receiver:
        endpoint = endpoint_for(receiver)
        round_, _apps, staff = decided_round(1)
        with django_capture_on_commit_callbacks(execute=True):
            review_services.decision_release(round=round_, by=staff)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "failed"
        page = client_as(staff).get(reverse("api:endpoint-detail", args=[endpoint.pk]))
        assert "HTTP 500" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client_as(staff).post(reverse("api:delivery-redeliver", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert len(receiver.processed) == 1


def test_an_unreachable_receiver_is_recorded_with_its_error(
    django_capture_on_commit_callbacks,
):
    endpoint = services.endpoint_create(
        url="http://127.0.0.1:9/nothing-listens",
        events=["decision.released"],
        by=factories.StaffFactory(),
    )
    round_, _apps, staff = decided_round(1)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.decision_release(round=round_, by=staff)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "pending"
    assert delivery.last_error.startswith("No answer")


def test_with_the_broker_down_the_release_answers_and_the_sweep_delivers(
    client_as, monkeypatch, django_capture_on_commit_callbacks
):
    """A lost wake-up: the page answers as usual, the row waits, the sweep
    delivers it once."""
    round_, _apps, staff = decided_round(1)
    with Receiver() as receiver:
        endpoint_for(receiver)
        monkeypatch.setattr(broker, "publish", lambda *a, **k: False)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as(staff).post(
                reverse("applications:staff-release", args=[round_.slug])
            )
        assert response.status_code == 302
        assert WebhookDelivery.objects.get().status == "pending"
        assert receiver.received == []
        monkeypatch.undo()
        services.webhook_sweep()
        services.webhook_sweep()
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_delivery_stuck_with_a_dead_worker_is_handed_out_again():
    with Receiver() as receiver:
        endpoint_for(receiver)
        round_, _apps, staff = decided_round(1)
        review_services.decision_release(round=round_, by=staff)  # not committed
        long_ago = timezone.now() - dt.timedelta(hours=1)
        WebhookDelivery.objects.update(
            status="sending", sending_started_at=long_ago, attempts=1
        )
        services.webhook_sweep()
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.received) == 1


def test_every_event_kind_reaches_its_subscribers(
    django_capture_on_commit_callbacks,
):
    """Submission, award status, survey close and attendance each make one
    event, recorded with the change that caused it."""
    from applications import services as application_services
    from cohorts.models import Event
    from cohorts.placement import services as placement_services
    from cohorts.year.services import attendance_record
    from surveys import services as survey_services
    from tests.surveys.factories import SurveyFactory

    staff = factories.StaffFactory()
    with Receiver() as receiver:
        endpoint_for(
            receiver,
            "application.submitted",
            "award.status_changed",
            "survey.closed",
            "attendance.recorded",
            staff=staff,
        )
        member = factories.CohortMemberFactory(award__status="accepted")
        award = member.award
        event = Event.objects.create(
            mentorship=award.mentorship,
            kind=Event.Kind.WEBINAR,
            title="Kickoff",
            starts_at=timezone.now() - dt.timedelta(hours=1),
        )
        survey = SurveyFactory(status="open")
        with django_capture_on_commit_callbacks(execute=True):
            placement_services.award_transition(
                award=award, status="contracted", by=staff
            )
            survey_services.survey_close(survey=survey, by=staff)
            attendance_record(event=event, statuses={member.pk: "present"}, by=staff)
            draft = factories.ApplicationFactory()
            application_services.application_transition(
                application=draft, to="submitted", by=draft.created_by
            )
    types = sorted(json.loads(r["body"])["type"] for r in receiver.received)
    assert types == [
        "application.submitted",
        "attendance.recorded",
        "award.status_changed",
        "survey.closed",
    ]
    assert all(r["verified"] for r in receiver.received)
    by_type = {
        json.loads(r["body"])["type"]: json.loads(r["body"]) for r in receiver.received
    }
    assert by_type["award.status_changed"]["change"]["after"] == {
        "status": "contracted"
    }
    assert (
        by_type["attendance.recorded"]["data"]["attendance"][0]["status"] == "present"
    )
    assert "answers" not in json.dumps(by_type["survey.closed"])


def test_the_webhooks_pages_are_staff_only_and_a_double_submit_registers_once(
    client_as,
):
    staff = factories.StaffFactory()
    for user in (factories.UserFactory(), factories.ReviewerFactory()):
        assert client_as(user).get(reverse("api:endpoint-list")).status_code == 403
        response = client_as(user).post(
            reverse("api:endpoint-create"),
            {"url": "https://x.example/h", "events": ["ping"]},
        )
        assert response.status_code == 403
    client = client_as(staff)
    data = {"url": "https://hooks.example.org/portal", "events": ["survey.closed"]}
    assert client.post(reverse("api:endpoint-create"), data).status_code == 200
    again = client.post(reverse("api:endpoint-create"), data)
    assert again.status_code == 400
    assert WebhookEndpoint.objects.count() == 1
    endpoint = WebhookEndpoint.objects.get()
    # Saved back unchanged: nothing written.
    before = endpoint.updated_at
    edit = {**data, "active": "on", "description": ""}
    client.post(reverse("api:endpoint-edit", args=[endpoint.pk]), edit)
    endpoint.refresh_from_db()
    assert endpoint.updated_at == before
    listing = client.get(reverse("api:endpoint-list"))
    assert "hooks.example.org" in listing.content.decode()


def test_production_refuses_plain_http_endpoints(client_as, settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    response = client_as(factories.StaffFactory()).post(
        reverse("api:endpoint-create"),
        {"url": "http://hooks.example.org/portal", "events": ["survey.closed"]},
    )
    assert response.status_code == 400
    assert "https" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_ping_reaches_the_receiver_signed(
    client_as, django_capture_on_commit_callbacks
):
    staff = factories.StaffFactory()
    with Receiver() as receiver:
        endpoint = endpoint_for(receiver, staff=staff)
        with django_capture_on_commit_callbacks(execute=True):
            client_as(staff).post(reverse("api:endpoint-ping", args=[endpoint.pk]))
    assert [json.loads(r["body"])["type"] for r in receiver.received] == ["ping"]
    assert receiver.received[0]["verified"]


def test_rotating_the_secret_signs_with_the_new_one(django_capture_on_commit_callbacks):
    staff = factories.StaffFactory()
    with Receiver() as receiver:
        endpoint = endpoint_for(receiver, staff=staff)
        old = receiver.secret
        services.endpoint_rotate(endpoint=endpoint, by=staff)
        assert services.endpoint_secret(endpoint) != old
        with django_capture_on_commit_callbacks(execute=True):
            services.endpoint_ping(endpoint=endpoint, by=staff)
    assert receiver.received[0]["verified"] is False  # the old secret fails


def test_turning_an_endpoint_off_in_the_admin_stops_its_deliveries(
    client_as, django_capture_on_commit_callbacks
):
    from django.contrib.admin.sites import site  # noqa: F401 - the admin is loaded

    staff = factories.StaffFactory(is_superuser=True)
    with Receiver() as receiver:
        endpoint = endpoint_for(receiver, staff=staff)
        services._subscribed_endpoints()  # kept in the cache
        url = reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])
        response = client_as(staff).post(url, {"description": "Off for now"})
        assert response.status_code == 302
        endpoint.refresh_from_db()
        assert endpoint.active is False
        round_, _apps, _staff = decided_round(1)
        with django_capture_on_commit_callbacks(execute=True):
            review_services.decision_release(round=round_, by=staff)
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []
