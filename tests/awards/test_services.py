"""Close-out through its services: letters, tranches, payments, final reports,
resources and files, each refusal leaving nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from applications.models import Award
from awards import rules, services
from awards.models import (
    AwardAccount,
    AwardLetter,
    Document,
    FinalReport,
    Payment,
    Resource,
    Tranche,
)
from cohorts.placement import services as placement_services
from dashmentor.models import AuditEvent
from notifications.models import Message
from tests.cohorts import year_factories as yf

from .factories import EXE, PDF, PNG, Awarded, docx_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def awarded():
    return Awarded()


def issue(a: Awarded) -> AwardLetter:
    return services.letter_issue(award=a.award, by=a.staff, expected_number=0)


def signed(a: Awarded) -> AwardLetter:
    letter = issue(a)
    services.letter_accept(letter=letter, by=a.contact)
    return services.letter_countersign(letter=letter, by=a.staff)


# --- letters ---


def test_issuing_a_letter_keeps_its_pdf_splits_the_award_and_emails_the_contacts(
    awarded,
):
    letter = issue(awarded)
    assert letter.number == 1 and letter.status == AwardLetter.Status.ISSUED
    with letter.document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert letter.document.content_type == "application/pdf"
    assert letter.snapshot["amount"] == "5000.00"
    assert letter.snapshot["mentorship"] == awarded.mentorship.topic
    assert [t.amount for t in awarded.award.tranches.order_by("number")] == [
        Decimal("2500.00"),
        Decimal("2500.00"),
    ]
    assert len(letter.snapshot["tranches"]) == 2
    account = AwardAccount.objects.get(award=awarded.award)
    assert (account.amount, account.scheduled, account.paid) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        Decimal("0.00"),
    )
    sent = Message.objects.filter(idempotency_key__contains=f"award-letter:{letter.pk}")
    assert [m.to_email for m in sent] == [awarded.contact.email]
    assert "Congratulations" in sent.get().body_text


def test_issuing_twice_from_the_same_page_makes_one_letter(awarded):
    first = issue(awarded)
    second = issue(awarded)
    assert first.pk == second.pk
    assert AwardLetter.objects.filter(award=awarded.award).count() == 1
    assert Tranche.objects.filter(award=awarded.award).count() == 2


def test_a_new_letter_replaces_the_one_in_force(awarded):
    first = issue(awarded)
    second = services.letter_issue(
        award=awarded.award, by=awarded.staff, expected_number=1
    )
    first.refresh_from_db()
    assert second.number == 2
    assert first.status == AwardLetter.Status.SUPERSEDED
    with pytest.raises(ValidationError, match="replaced"):
        services.letter_accept(letter=first, by=awarded.contact)


def test_only_the_primary_or_secondary_contact_accepts(awarded):
    letter = issue(awarded)
    with pytest.raises(ValidationError) as refused:
        services.letter_accept(letter=letter, by=awarded.colleague)
    assert refused.value.messages == [services.NOT_A_SIGNATORY]
    letter.refresh_from_db()
    assert letter.status == AwardLetter.Status.ISSUED and letter.accepted_by is None


def test_accepting_records_who_and_when_and_takes_an_offer(db):
    a = Awarded(status=Award.Status.OFFERED)
    letter = issue(a)
    services.letter_accept(letter=letter, by=a.contact)
    letter.refresh_from_db()
    a.award.refresh_from_db()
    assert letter.status == AwardLetter.Status.ACCEPTED
    assert letter.accepted_by == a.contact and letter.accepted_at is not None
    assert a.award.status == Award.Status.ACCEPTED
    events = AuditEvent.objects.filter(action="award.letter_accept")
    assert events.count() == 1
    services.letter_accept(letter=letter, by=a.contact)
    assert events.count() == 1


def test_countersigning_contracts_the_award_and_waits_for_acceptance(awarded):
    letter = issue(awarded)
    with pytest.raises(ValidationError) as refused:
        services.letter_countersign(letter=letter, by=awarded.staff)
    assert refused.value.messages == [services.LETTER_NOT_ACCEPTED]
    services.letter_accept(letter=letter, by=awarded.contact)
    services.letter_countersign(letter=letter, by=awarded.staff)
    awarded.award.refresh_from_db()
    assert awarded.award.status == Award.Status.CONTRACTED
    with pytest.raises(ValidationError):
        services.letter_issue(award=awarded.award, by=awarded.staff, expected_number=1)


def test_a_signed_copy_accepts_the_letter_once(awarded):
    letter = issue(awarded)
    services.letter_upload_signed(
        letter=letter, upload=upload("signed.pdf", PDF), by=awarded.contact
    )
    services.letter_upload_signed(
        letter=letter, upload=upload("signed.pdf", PDF), by=awarded.contact
    )
    letter.refresh_from_db()
    assert letter.status == AwardLetter.Status.ACCEPTED
    assert letter.signed_copy.name == "signed.pdf"
    assert Document.objects.filter(purpose=Document.Purpose.SIGNED_LETTER).count() == 1


# --- files ---


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("letter.pdf", EXE, rules.FILE_EXECUTABLE),
        ("letter.exe", PDF, rules.FILE_EXECUTABLE),
        ("letter.docx", PDF, "content is a PDF document"),
        ("letter.pdf", docx_bytes(), "Word document cannot be uploaded here"),
        ("notes.pdf", b"\x00\x01\x02 binary junk", rules.FILE_UNKNOWN),
        ("empty.pdf", b"", rules.FILE_EMPTY),
    ],
)
def test_a_refused_file_stores_nothing(awarded, name, data, message):
    letter = issue(awarded)
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        services.letter_upload_signed(
            letter=letter, upload=upload(name, data), by=awarded.contact
        )
    assert str(message) in " ".join(refused.value.messages)
    letter.refresh_from_db()
    assert letter.status == AwardLetter.Status.ISSUED and letter.signed_copy is None
    assert stored_files() == before
    assert not Document.objects.filter(purpose=Document.Purpose.SIGNED_LETTER).exists()


def test_a_file_over_the_limit_is_refused(awarded, settings):
    settings.UPLOAD_MAX_BYTES = 100
    letter = issue(awarded)
    with pytest.raises(ValidationError) as refused:
        services.letter_upload_signed(
            letter=letter,
            upload=upload("big.pdf", PDF + b"x" * 200),
            by=awarded.contact,
        )
    assert "files may be at most 100 bytes" in refused.value.messages[0]


def test_office_files_with_macros_are_refused(awarded):
    a = awarded
    signed(a)
    with pytest.raises(ValidationError) as refused:
        services.report_attachment_add(
            award=a.award,
            upload=upload("plan.docx", docx_bytes(macros=True)),
            title="",
            by=a.contact,
        )
    assert refused.value.messages == [rules.FILE_MACROS]


def test_files_are_stored_under_random_names(awarded):
    letter = issue(awarded)
    services.letter_upload_signed(
        letter=letter, upload=upload("My Letter.png", PNG), by=awarded.contact
    )
    letter.refresh_from_db()
    stored = letter.signed_copy.file.name
    assert "My Letter" not in stored and stored.endswith(".png")
    assert letter.signed_copy.name == "My Letter.png"


# --- tranches and payments ---


def test_the_first_tranche_falls_due_once_signed_and_the_plan_approved(awarded):
    a = awarded
    signed(a)
    first, last = a.award.tranches.order_by("number")
    assert first.status == Tranche.Status.PENDING
    a.approve_workplan()
    first.refresh_from_db()
    last.refresh_from_db()
    assert first.status == Tranche.Status.DUE and first.due_since is not None
    assert last.status == Tranche.Status.PENDING
    assert (
        Message.objects.filter(
            idempotency_key__contains=f"tranche-due:{first.pk}"
        ).count()
        == 1
    )


def test_the_sweep_makes_due_what_a_lost_signal_left(
    awarded, django_capture_on_commit_callbacks
):
    a = awarded
    signed(a)
    # The plan approved while nothing listened: the tranche waits for the sweep.
    from django.db.models.signals import post_save

    from awards import signals
    from cohorts.models import WorkPlanVersion

    post_save.disconnect(
        sender=WorkPlanVersion, dispatch_uid="awards.workplan_version_saved"
    )
    try:
        a.approve_workplan()
    finally:
        signals.connect()
    first = a.award.tranches.get(number=1)
    assert first.status == Tranche.Status.PENDING
    assert services.tranches_sweep() == 1
    first.refresh_from_db()
    assert first.status == Tranche.Status.DUE
    assert services.tranches_sweep() == 0


def due_first(a: Awarded) -> Tranche:
    signed(a)
    a.approve_workplan()
    return a.award.tranches.get(number=1)


def pay(a, tranche, amount="2500.00", **kw):
    return services.payment_record(
        tranche=tranche,
        amount=Decimal(amount),
        paid_on=kw.pop("paid_on", timezone.localdate()),
        reference=kw.pop("reference", "ACH-1001"),
        by=a.staff,
    )


def test_a_due_tranche_is_paid_once_with_an_audit_row(awarded):
    a = awarded
    tranche = due_first(a)
    payment = pay(a, tranche)
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID
    assert payment.amount == Decimal("2500.00") and payment.recorded_by == a.staff
    assert AwardAccount.objects.get(award=a.award).paid == Decimal("2500.00")
    event = AuditEvent.objects.get(action="award.payment")
    assert event.after["reference"] == "ACH-1001" and event.actor == a.staff
    with pytest.raises(ValidationError, match="already paid"):
        pay(a, tranche, reference="ACH-1002")
    assert Payment.objects.count() == 1
    assert AwardAccount.objects.get(award=a.award).paid == Decimal("2500.00")


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("2500.01", None, "more than the $2,500.00 due"),
        ("0", None, services.PAYMENT_NOT_POSITIVE),
        ("100", dt.timedelta(days=1), services.PAYMENT_FUTURE),
    ],
)
def test_a_payment_refused_writes_nothing(awarded, amount, paid_on, message):
    a = awarded
    tranche = due_first(a)
    day = timezone.localdate() + (paid_on or dt.timedelta())
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        pay(a, tranche, amount=amount, paid_on=day)
    assert str(message) in " ".join(refused.value.messages)
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.DUE
    assert not Payment.objects.exists()
    assert AwardAccount.objects.get(award=a.award).paid == 0
    assert AuditEvent.objects.count() == events


def test_a_tranche_not_due_cannot_be_paid(awarded):
    a = awarded
    signed(a)
    tranche = a.award.tranches.get(number=1)
    with pytest.raises(ValidationError, match="not due"):
        pay(a, tranche)
    assert not Payment.objects.exists()


def test_a_withdrawn_award_stops_its_unpaid_tranches(
    awarded, django_capture_on_commit_callbacks
):
    a = awarded
    tranche = due_first(a)
    pay(a, tranche)
    with django_capture_on_commit_callbacks(execute=True):
        placement_services.award_transition(
            award=a.award, status=Award.Status.WITHDRAWN, by=a.staff
        )
    statuses = dict(a.award.tranches.values_list("number", "status"))
    assert statuses == {1: Tranche.Status.PAID, 2: Tranche.Status.STOPPED}
    last = a.award.tranches.get(number=2)
    with pytest.raises(ValidationError, match="withdrawn"):
        pay(a, last)


def test_stopping_tranches_notes_it_in_the_audit_trails_language(
    awarded, django_capture_on_commit_callbacks
):
    """A withdrawal made on a Spanish page still notes, in the audit trail's
    English, why the tranches stopped."""
    a = awarded
    due_first(a)
    with (
        translation.override("es"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        placement_services.award_transition(
            award=a.award, status=Award.Status.WITHDRAWN, by=a.staff
        )
    event = AuditEvent.objects.get(action="award.tranches_stop")
    assert event.note == "The award is withdrawn."


def test_the_database_refuses_payments_past_the_award():
    """Whatever writes, the account cannot hold more paid than the award."""
    a = Awarded()
    services.tranches_ensure(award=a.award)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardAccount.objects.filter(award=a.award).update(paid=F("amount") + 1)


def test_the_schedule_splits_to_the_cent_and_locks_once_used(awarded):
    a = awarded
    round_ = a.award.application.round
    terms = [
        {
            "label": f"Part {n}",
            "percent": Decimal(p),
            "requires_letter": True,
            "requires_workplan": False,
            "requires_report": n == 3,
        }
        for n, p in ((1, "33.33"), (2, "33.33"), (3, "33.34"))
    ]
    services.schedule_save(round_=round_, terms=terms, by=a.staff)
    events = AuditEvent.objects.filter(action="round.payment_schedule").count()
    services.schedule_save(round_=round_, terms=terms, by=a.staff)
    assert AuditEvent.objects.filter(action="round.payment_schedule").count() == events
    issue(a)
    amounts = list(a.award.tranches.order_by("number").values_list("amount", flat=True))
    assert amounts == [Decimal("1666.50"), Decimal("1666.50"), Decimal("1667.00")]
    assert sum(amounts) == a.award.amount
    with pytest.raises(ValidationError, match="in use"):
        services.schedule_save(round_=round_, terms=terms[:1], by=a.staff)


def test_a_schedule_must_add_up_to_100(awarded):
    round_ = awarded.award.application.round
    with pytest.raises(ValidationError) as refused:
        services.schedule_save(
            round_=round_,
            terms=[
                {
                    "label": "All",
                    "percent": Decimal("90"),
                    "requires_letter": True,
                    "requires_workplan": False,
                    "requires_report": False,
                }
            ],
            by=awarded.staff,
        )
    assert refused.value.messages == [rules.SCHEDULE_NOT_100.format(total="90")]


# --- final reports ---


def filled(a: Awarded) -> dict:
    structure = services.selectors.report_structure(a.award)
    return {
        "answers": {q.key: "We linked our data." for q in structure.questions},
        "goals": {k: {"met": "met", "why": ""} for k, _t in structure.goals},
        "measures": {k: {"final": "3", "note": ""} for k, _n in structure.measures},
        "lessons": "Start with the agreement.",
        "products": "A data-sharing agreement template",
    }


def test_a_final_report_is_refused_until_complete_then_submitted_once(awarded):
    a = awarded
    signed(a)
    a.approve_workplan()
    with pytest.raises(ValidationError) as refused:
        services.report_submit(award=a.award, by=a.contact)
    assert rules.REPORT_LESSONS_MISSING in refused.value.messages
    assert any("was met" in m for m in refused.value.messages)
    services.report_save(award=a.award, data=filled(a), by=a.contact)
    first = services.report_submit(award=a.award, by=a.contact)
    again = services.report_submit(award=a.award, by=a.contact)
    assert first.pk == again.pk and first.number == 1
    assert first.snapshot["lessons"] == "Start with the agreement."
    assert first.snapshot["goals"][0]["met_label"] == "Met"
    mentor_mail = Message.objects.filter(
        to_email=a.mentor.email, idempotency_key__contains="final-report:"
    )
    assert mentor_mail.count() == 1


def test_saving_the_draft_back_unchanged_writes_nothing(awarded):
    a = awarded
    data = filled(a)
    report = services.report_save(award=a.award, data=data, by=a.contact)
    stamp = report.updated_at
    report = services.report_save(award=a.award, data=data, by=a.contact)
    report.refresh_from_db()
    assert report.updated_at == stamp


def test_the_mentor_comments_and_staff_accept_which_makes_the_last_tranche_due(
    awarded, django_capture_on_commit_callbacks
):
    a = awarded
    first = due_first(a)
    pay(a, first)
    services.report_save(award=a.award, data=filled(a), by=a.contact)
    services.report_submit(award=a.award, by=a.contact)
    services.report_comment(
        award=a.award, comment="A year of real progress.", by=a.mentor
    )
    with pytest.raises(ValidationError) as refused:
        services.report_decide(award=a.award, accept=False, note="", by=a.staff)
    assert refused.value.message_dict == {"note": [services.REPORT_NOTE_REQUIRED]}
    services.report_decide(award=a.award, accept=True, note="Thank you.", by=a.staff)
    report = FinalReport.objects.get(award=a.award)
    assert report.status == FinalReport.Status.ACCEPTED
    version = report.versions.get()
    assert version.mentor_comment == "A year of real progress."
    assert version.decided_by == a.staff
    last = a.award.tranches.get(number=2)
    assert last.status == Tranche.Status.DUE
    a.award.refresh_from_db()
    assert a.award.status == Award.Status.ENDED
    with pytest.raises(ValidationError):
        services.report_save(award=a.award, data=filled(a), by=a.contact)


def test_changes_requested_open_the_report_again_for_a_second_version(awarded):
    a = awarded
    services.report_save(award=a.award, data=filled(a), by=a.contact)
    services.report_submit(award=a.award, by=a.contact)
    services.report_decide(
        award=a.award, accept=False, note="Add the dashboard.", by=a.staff
    )
    data = filled(a)
    data["products"] += "\nThe indicators dashboard"
    services.report_save(award=a.award, data=data, by=a.contact)
    second = services.report_submit(award=a.award, by=a.contact)
    assert second.number == 2
    assert [
        v.decision
        for v in FinalReport.objects.get(award=a.award).versions.order_by("number")
    ] == ["changes", "pending"]


def test_measures_are_filled_from_the_recorded_progress(awarded):
    a = awarded
    goal = yf.SuccessGoalFactory(award=a.award)
    measure = yf.MeasureFactory(success_goal=goal, target=Decimal("10"))
    yf.ProgressEntryFactory(
        measure=measure,
        value=Decimal("4"),
        date=timezone.localdate() - dt.timedelta(days=30),
    )
    yf.ProgressEntryFactory(
        measure=measure, value=Decimal("7"), date=timezone.localdate()
    )
    structure = services.selectors.report_structure(a.award)
    assert [(m.name, m.latest) for m in structure.measure_rows] == [
        (measure.name, Decimal("7.00"))
    ]


# --- resources ---


def test_a_resource_is_published_only_after_review(awarded):
    a = awarded
    resource = services.resource_save(
        by=a.contact,
        award=a.award,
        organizations=[a.award.application.organization],
        title="Data-sharing agreement template",
        summary="The agreement our partners signed.",
        kind=Resource.Kind.TEMPLATE,
        link="https://example.org/agreement",
        topics=["Data law"],
        sectors=["housing"],
        license=Resource.License.CC_BY,
        authors="Maya L.",
    )
    assert resource.status == Resource.Status.DRAFT
    assert resource.mentorship == a.mentorship
    services.resource_submit(resource=resource, by=a.contact)
    services.resource_submit(resource=resource, by=a.contact)
    assert AuditEvent.objects.filter(action="resource.submit").count() == 1
    with pytest.raises(ValidationError):
        services.resource_review(resource=resource, publish=False, note="", by=a.staff)
    services.resource_review(resource=resource, publish=True, note="", by=a.staff)
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED and resource.published_at
    found = services.selectors.published_resources(
        q="agreement", sector="housing", topic="Data law"
    )
    assert list(found) == [resource]


def test_the_audit_trail_says_a_schedule_change_in_words(awarded):
    """Percentages as people write them (40%, not 4E+1) and the conditions in
    words."""
    a = awarded
    round_ = a.award.application.round
    terms = [
        {
            "label": "On signing",
            "percent": Decimal("40"),
            "requires_letter": True,
            "requires_workplan": False,
            "requires_report": False,
        },
        {
            "label": "At the end",
            "percent": Decimal("60.00"),
            "requires_letter": False,
            "requires_workplan": True,
            "requires_report": True,
        },
    ]
    services.schedule_save(round_=round_, terms=terms, by=a.staff)
    event = AuditEvent.objects.filter(action="round.payment_schedule").latest("pk")
    assert event.after["terms"] == [
        "On signing: 40% (letter accepted)",
        "At the end: 60% (work plan approved, final report accepted)",
    ]
