"""Beat's close-out scan: final-report reminders once per stage, tranches the
sweep finishes, payments two staff record at once, and where files go."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from applications.models import Award
from awards import services, tasks
from awards.models import AwardAccount, Payment, Tranche
from notifications.models import Message
from notifications.reminders import reminders_scan

from .factories import Awarded


@pytest.mark.django_db
def test_the_final_report_reminder_goes_once_per_stage():
    a = Awarded(status=Award.Status.CONTRACTED)
    due = a.award.contract_end + dt.timedelta(days=31)
    with time_machine.travel(
        dt.datetime.combine(due - dt.timedelta(days=6), dt.time(12), tzinfo=dt.UTC)
    ):
        assert reminders_scan()["final_report"] >= 1
        assert reminders_scan()["final_report"] == 0
    sent = Message.objects.filter(idempotency_key__contains="final-report:")
    assert sent.filter(to_email=a.contact.email).count() == 1
    assert "Your final report is due in" in sent.first().subject
    # A report accepted (or submitted) gets no more reminders.
    services.report_save(award=a.award, data={"lessons": "x"}, by=a.contact)
    from awards.models import FinalReport

    FinalReport.objects.filter(award=a.award).update(
        status=FinalReport.Status.SUBMITTED
    )
    with time_machine.travel(dt.datetime.combine(due, dt.time(1), tzinfo=dt.UTC)):
        assert reminders_scan()["final_report"] == 0


@pytest.mark.django_db
def test_the_scan_task_makes_due_what_waited():
    a = Awarded()
    letter = services.letter_issue(award=a.award, by=a.staff, expected_number=0)
    services.letter_accept(letter=letter, by=a.contact)
    services.letter_countersign(letter=letter, by=a.staff)
    a._approve_workplan()  # the commit hook never ran: only the scan can
    assert a.award.tranches.get(number=1).status == Tranche.Status.PENDING
    assert tasks.closeout_scan_task()["tranches"] == 1
    assert a.award.tranches.get(number=1).status == Tranche.Status.DUE


def test_files_go_to_an_s3_bucket_when_one_is_named(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "portal-files", "default_acl": "private"},
        },
    }
    storage = storages.create_storage(settings.STORAGES["default"])
    assert type(storage).__name__ == "S3Storage"
    assert storage.bucket_name == "portal-files" and storage.default_acl == "private"


def test_the_settings_choose_the_bucket_from_the_environment(monkeypatch):
    import importlib

    import dashmentor.settings as portal_settings

    monkeypatch.setenv("MEDIA_S3_BUCKET", "portal-files")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "https://s3.example.org")
    try:
        fresh = importlib.reload(portal_settings)
        default = fresh.STORAGES["default"]
        assert default["BACKEND"] == "storages.backends.s3.S3Storage"
        assert default["OPTIONS"]["bucket_name"] == "portal-files"
        assert default["OPTIONS"]["querystring_auth"] is True
    finally:
        monkeypatch.delenv("MEDIA_S3_BUCKET")
        monkeypatch.delenv("MEDIA_S3_ENDPOINT_URL")
        importlib.reload(portal_settings)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_paying_one_tranche_at_once_make_one_payment():
    a = Awarded()
    letter = services.letter_issue(award=a.award, by=a.staff, expected_number=0)
    services.letter_accept(letter=letter, by=a.contact)
    services.letter_countersign(letter=letter, by=a.staff)
    a.approve_workplan()
    tranche = a.award.tranches.get(number=1)
    assert tranche.status == Tranche.Status.DUE
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(reference):
        try:
            barrier.wait(timeout=10)
            services.payment_record(
                tranche=tranche,
                amount=Decimal("2500.00"),
                paid_on=timezone.localdate(),
                reference=reference,
                by=a.staff,
            )
            outcomes.append("paid")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(f"ACH-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes)[-1] == "paid"
    assert "already paid" in sorted(outcomes)[0]
    assert Payment.objects.filter(tranche=tranche).count() == 1
    assert AwardAccount.objects.get(award=a.award).paid == Decimal("2500.00")
