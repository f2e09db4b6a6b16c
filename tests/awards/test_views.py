"""Close-out through its pages, as each person uses them, and each role
boundary tried and refused."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Award
from awards import services
from awards.models import AwardLetter, Document, FinalReport, Payment, Resource, Tranche
from dashmentor.bilingual import stored_text
from dashmentor.models import AuditEvent
from notifications.models import Message
from tests import factories

from .factories import EXE, PDF, Awarded, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return Awarded()


def issue(a):
    return services.letter_issue(award=a.award, by=a.staff, expected_number=0)


def text(response) -> str:
    return html.unescape(response.content.decode())


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response)


# --- letters ---


def test_staff_issue_the_letter_and_the_mentee_accepts_it_in_the_portal(a, client_as):
    url = reverse("awards:award", args=[a.award.pk])
    staff = client_as(a.staff)
    assert "Issue the award letter" in page(staff, url)
    issue_url = reverse("awards:letter-issue", args=[a.award.pk])
    staff.post(issue_url, {"expected": "0"})
    staff.post(issue_url, {"expected": "0"})  # the same form, sent twice
    assert AwardLetter.objects.filter(award=a.award).count() == 1
    mentee = client_as(a.contact)
    body = page(mentee, url)
    assert "Accept the award letter" in body
    pdf = mentee.get(reverse("awards:letter-pdf", args=[a.award.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    response = mentee.post(
        reverse("awards:letter-accept", args=[a.award.pk]), follow=True
    )
    assert "You accepted the award letter" in text(response)
    letter = AwardLetter.objects.get(award=a.award)
    assert letter.accepted_by == a.contact


LETTER_WORDS = {
    "en": {
        "subject": "Your award from the DASH Mentor Program",
        "body": "Dear ",
        "month": "January",
        "paid": "When the award letter is countersigned",
        "mail": "What we ask of you",
    },
    "es": {
        "subject": "Su adjudicación del Programa de Mentoría DASH",
        "body": "Estimado equipo de ",
        "month": "de enero de",
        "paid": "Cuando la carta de adjudicación esté refrendada",
        "mail": "Lo que le pedimos",
    },
}


@pytest.mark.parametrize(("issuer", "reader"), [("es", "en"), ("en", "es")])
def test_the_letter_is_issued_in_the_organizations_language(
    a, client_as, issuer, reader
):
    """Staff reading one language issue a letter to an organization whose
    contact reads the other: the letter (its page, its PDF, its e-mail) is in
    the contact's language, the round's Spanish template and the English one
    each used for its own."""
    round_ = a.award.application.round
    terms = services.terms_for(round_)
    values = {f: getattr(terms, f) for f in services.TERMS_FIELDS}
    values.update(
        letter_subject_es=LETTER_WORDS["es"]["subject"],
        letter_body_es="Estimado equipo de {organization}: el contrato empieza el "
        "{contract_start}.",
        expectations_es="Asistir al seminario web de inicio.",
    )
    services.terms_save(round_=round_, by=a.staff, **values)
    a.award.contract_start = dt.date(2026, 1, 15)
    a.award.save(update_fields=["contract_start"])
    a.staff.language = issuer
    a.staff.save(update_fields=["language"])
    a.contact.language = reader
    a.contact.save(update_fields=["language"])
    client_as(a.staff).post(
        reverse("awards:letter-issue", args=[a.award.pk]), {"expected": "0"}
    )
    letter = AwardLetter.objects.get(award=a.award)
    words, other = LETTER_WORDS[reader], LETTER_WORDS[issuer]

    body = page(client_as(a.contact), reverse("awards:award", args=[a.award.pk]))
    read = body[body.index("Read the letter" if reader == "en" else "Leer la carta") :]
    read = read[: read.index("</details>")]
    assert f'lang="{reader}"' in read
    for key in ("subject", "body", "month"):
        assert words[key] in read and other[key] not in read, key

    pdf = client_as(a.contact).get(reverse("awards:letter-pdf", args=[a.award.pk, 1]))
    title = words["subject"].encode("latin-1")
    title = b"".join(bytes([c]) if c < 128 else b"\\%o" % c for c in title)
    assert b"/Title (" + title + b")" in b"".join(pdf.streaming_content)
    assert letter.snapshot["tranches"][0]["condition"].startswith(words["paid"])

    mail = Message.objects.get(idempotency_key__contains=f"award-letter:{letter.pk}")
    assert mail.subject == words["subject"]
    assert words["body"] in mail.body_text and words["mail"] in mail.body_text


def test_a_colleague_cannot_accept_and_nothing_changes(a, client_as):
    issue(a)
    colleague = client_as(a.colleague)
    body = page(colleague, reverse("awards:award", args=[a.award.pk]))
    assert "Accept the award letter" not in body
    response = colleague.post(
        reverse("awards:letter-accept", args=[a.award.pk]), follow=True
    )
    assert str(services.NOT_A_SIGNATORY) in text(response)
    assert AwardLetter.objects.get(award=a.award).status == AwardLetter.Status.ISSUED


def test_a_mentee_cannot_countersign_nor_a_mentor_pay(a, client_as):
    letter = issue(a)
    services.letter_accept(letter=letter, by=a.contact)
    mentee = client_as(a.contact)
    url = reverse("awards:letter-countersign", args=[a.award.pk])
    assert mentee.post(url).status_code == 403
    letter.refresh_from_db()
    assert letter.status == AwardLetter.Status.ACCEPTED
    mentor = client_as(a.mentor)
    tranche = a.award.tranches.first()
    pay_url = reverse("awards:tranche-pay", args=[tranche.pk])
    assert (
        mentor.post(
            pay_url, {"amount": "1", "paid_on": "2020-01-01", "reference": "x"}
        ).status_code
        == 403
    )
    assert not Payment.objects.exists()
    # The mentor reads the letter's state but not the organization's payments.
    body = page(mentor, reverse("awards:award", args=[a.award.pk]))
    assert "Countersign" not in body and "Payments" not in body


def test_an_upload_with_a_false_name_comes_back_with_the_reason(a, client_as):
    issue(a)
    mentee = client_as(a.contact)
    url = reverse("awards:letter-upload", args=[a.award.pk])
    response = mentee.post(url, {"file": upload("signed.pdf", EXE)})
    assert response.status_code == 400
    assert "Programs and scripts cannot be uploaded." in text(response)
    response = mentee.post(url, {"file": upload("signed.png", PDF)})
    assert response.status_code == 400
    assert "content is a PDF document" in text(response)
    assert not Document.objects.filter(purpose=Document.Purpose.SIGNED_LETTER).exists()
    response = mentee.post(url, {"file": upload("signed.pdf", PDF)})
    assert response.status_code == 302
    letter = AwardLetter.objects.get(award=a.award)
    assert letter.status == AwardLetter.Status.ACCEPTED
    signed = mentee.get(reverse("awards:letter-signed", args=[a.award.pk, 1]))
    assert b"".join(signed.streaming_content) == PDF


def test_another_organizations_award_and_report_answer_404(a, client_as):
    other = Awarded()
    issue(other)
    mentee = client_as(a.contact)
    for name, args in [
        ("awards:award", [other.award.pk]),
        ("awards:report", [other.award.pk]),
        ("awards:letter-pdf", [other.award.pk, 1]),
    ]:
        assert mentee.get(reverse(name, args=args)).status_code == 404
    response = mentee.post(
        reverse("awards:report", args=[other.award.pk]), {"lessons": "Ours now"}
    )
    assert response.status_code == 404
    assert not FinalReport.objects.filter(award=other.award).exists()


# --- payments ---


def due_tranche(a) -> Tranche:
    letter = issue(a)
    services.letter_accept(letter=letter, by=a.contact)
    services.letter_countersign(letter=letter, by=a.staff)
    a.approve_workplan()
    tranche = a.award.tranches.get(number=1)
    assert tranche.status == Tranche.Status.DUE
    return tranche


def test_staff_pay_a_due_tranche_once_through_the_page(a, client_as):
    tranche = due_tranche(a)
    staff = client_as(a.staff)
    payments = reverse("awards:payments", args=[a.award.application.round_id])
    assert "Record payment" in page(staff, payments)
    url = reverse("awards:tranche-pay", args=[tranche.pk])
    form = {
        "amount": "2,500.00",
        "paid_on": timezone.localdate().isoformat(),
        "reference": "ACH-77",
    }
    assert staff.post(url, form).status_code == 302
    again = staff.post(url, form)
    assert again.status_code == 400
    assert "already paid" in text(again)
    assert Payment.objects.get().amount == Decimal("2500.00")
    body = page(staff, payments)
    assert "ACH-77" in body
    csv = staff.get(reverse("awards:payments-csv", args=[a.award.application.round_id]))
    exported = b"".join(csv.streaming_content).decode()
    assert "ACH-77" in exported and "2500.00" in exported


def test_a_payment_over_what_is_due_is_refused_on_the_page(a, client_as):
    tranche = due_tranche(a)
    staff = client_as(a.staff)
    response = staff.post(
        reverse("awards:tranche-pay", args=[tranche.pk]),
        {
            "amount": "2600",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "X",
        },
    )
    assert response.status_code == 400
    assert "$2,600.00 is more than the $2,500.00 due" in text(response)
    assert not Payment.objects.exists()


# --- final reports ---


def report_form(structure, **overrides):
    data = {f"answer_{q.key}": "We linked our data." for q in structure.questions}
    for key, _title in structure.goals:
        data[f"goal_{key}_met"] = "met"
    for key, _name in structure.measures:
        data[f"measure_{key}_final"] = "3"
    data["lessons"] = "Start with the agreement."
    data["products"] = "A template"
    data.update(overrides)
    return data


def test_the_report_is_filed_commented_and_accepted_through_the_pages(a, client_as):
    due_tranche(a)
    url = reverse("awards:report", args=[a.award.pk])
    mentee = client_as(a.contact)
    assert "Save and submit the report" in page(mentee, url)
    structure = services.selectors.report_structure(a.award)
    incomplete = mentee.post(
        url, report_form(structure, lessons="", submit="1"), follow=True
    )
    assert "Share the lessons you learned." in text(incomplete)
    assert FinalReport.objects.get(award=a.award).status == FinalReport.Status.DRAFT
    done = mentee.post(url, report_form(structure, submit="1"), follow=True)
    assert "Version 1 of your final report is submitted" in text(done)

    mentor = client_as(a.mentor)
    assert a.award.application.organization.name in page(
        mentor, reverse("awards:reports-waiting")
    )
    mentor.post(
        reverse("awards:report-comment", args=[a.award.pk]), {"comment": "Strong year."}
    )
    staff = client_as(a.staff)
    body = page(staff, url)
    assert "Strong year." in body and "Start with the agreement." in body
    staff.post(
        reverse("awards:report-decide", args=[a.award.pk]),
        {"decision": "accept", "note": ""},
    )
    assert FinalReport.objects.get(award=a.award).status == FinalReport.Status.ACCEPTED
    assert a.award.tranches.get(number=2).status == Tranche.Status.DUE
    assert page(staff, reverse("awards:report-version", args=[a.award.pk, 1]))


def test_a_mentor_cannot_write_the_report_nor_a_mentee_decide(a, client_as):
    mentor = client_as(a.mentor)
    url = reverse("awards:report", args=[a.award.pk])
    assert mentor.post(url, {"lessons": "Mine"}).status_code == 403
    mentee = client_as(a.contact)
    assert (
        mentee.post(
            reverse("awards:report-decide", args=[a.award.pk]), {"decision": "accept"}
        ).status_code
        == 403
    )
    assert not FinalReport.objects.exists()


# --- the resource library ---


def resource(a, **kw) -> Resource:
    r = services.resource_save(
        by=a.contact,
        award=a.award,
        organizations=[a.award.application.organization],
        title=kw.pop("title", "Agreement template"),
        summary="The agreement our partners signed.",
        kind=Resource.Kind.TEMPLATE,
        link="https://example.org/agreement",
        topics=["Data law"],
        sectors=["housing"],
        license=Resource.License.CC_BY,
        authors="",
        upload=kw.pop("upload", None),
    )
    if kw.pop("publish", False):
        services.resource_submit(resource=r, by=a.contact)
        services.resource_review(resource=r, publish=True, note="", by=a.staff)
    return r


def test_the_public_page_lists_published_resources_only(a, client):
    published = resource(
        a, title="Agreement template", publish=True, upload=upload("agreement.pdf", PDF)
    )
    draft = resource(a, title="Draft dashboard")
    body = page(client, reverse("resources:list"))
    assert published.title in body and draft.title not in body
    found = page(client, reverse("resources:list") + "?q=agreement&sector=housing")
    assert published.title in found
    none = page(client, reverse("resources:list") + "?q=nothing-like-it")
    assert published.title not in none
    assert client.get(reverse("resources:detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("resources:file", args=[draft.slug])).status_code == 404
    detail = page(client, reverse("resources:detail", args=[published.slug]))
    assert "Creative Commons Attribution 4.0" in detail
    file = client.get(reverse("resources:file", args=[published.slug]))
    assert b"".join(file.streaming_content) == PDF


def test_a_mentee_shares_a_resource_that_staff_publish(a, client_as):
    mentee = client_as(a.contact)
    url = reverse("resources:create") + f"?award={a.award.pk}"
    assert page(mentee, url)
    response = mentee.post(
        url,
        {
            "title": "Indicators dashboard",
            "summary": "What our residents chose to track.",
            "kind": "data",
            "link": "https://example.org/dashboard",
            "license": "cc-by-4.0",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    shared = Resource.objects.get(title="Indicators dashboard")
    assert shared.status == Resource.Status.SUBMITTED and shared.award == a.award
    staff = client_as(a.staff)
    assert shared.title in page(staff, reverse("resources:review-list"))
    staff.post(
        reverse("resources:review", args=[shared.pk]),
        {"decision": "publish", "note": ""},
    )
    shared.refresh_from_db()
    assert shared.status == Resource.Status.PUBLISHED


def test_a_resource_form_without_link_or_file_stays_a_draft(a, client_as):
    mentee = client_as(a.contact)
    response = mentee.post(
        reverse("resources:create"),
        {
            "title": "Nothing yet",
            "summary": "x",
            "kind": "other",
            "license": "cc0-1.0",
            "submit": "1",
        },
        follow=True,
    )
    assert str(services.RESOURCE_NEEDS_CONTENT) in text(response)
    assert Resource.objects.get().status == Resource.Status.DRAFT


# --- the funder's report ---


def test_the_funder_report_shows_its_figures_as_of_their_computation(a, client_as):
    tranche = due_tranche(a)
    services.payment_record(
        tranche=tranche,
        amount=Decimal("2500"),
        paid_on=timezone.localdate(),
        reference="R1",
        by=a.staff,
    )
    round_ = a.award.application.round
    staff = client_as(a.staff)
    body = page(staff, reverse("awards:funder-report", args=[round_.pk]))
    assert "Figures as of" in body and "$2,500.00" in body
    assert "Awarded" in body
    pdf = staff.get(reverse("awards:funder-report-pdf", args=[round_.pk]))
    assert pdf.content[:5] == b"%PDF-" and pdf["Content-Type"] == "application/pdf"
    csv = staff.get(
        reverse("awards:funder-report-csv", args=[round_.pk])
    ).content.decode()
    assert "payments,paid,2500.00\r\n" in csv, csv


def test_the_funder_report_is_kept_until_computed_again(a, client_as):
    round_ = a.award.application.round
    staff = client_as(a.staff)
    url = reverse("awards:funder-report", args=[round_.pk])
    page(staff, url)
    first = round_.funder_report_cache.computed_at
    page(staff, url)
    round_.funder_report_cache.refresh_from_db()
    assert round_.funder_report_cache.computed_at == first
    staff.post(reverse("awards:funder-report-refresh", args=[round_.pk]))
    round_.funder_report_cache.refresh_from_db()
    assert round_.funder_report_cache.computed_at > first


def test_the_funder_report_and_payments_csvs_speak_spanish(a, client_as):
    """A Spanish reader's CSVs head their columns and name their figures in
    Spanish."""
    round_ = a.award.application.round
    a.staff.language = "es"
    a.staff.save(update_fields=["language"])
    staff = client_as(a.staff)
    report = staff.get(reverse("awards:funder-report-csv", args=[round_.pk]))
    lines = report.content.decode().splitlines()
    assert lines[:2] == ["Idioma: español", "sección,cifra,valor"]
    assert any(line.startswith("embudo,") for line in lines)
    assert any(line.startswith("pagos,pagado,") for line in lines)
    payments = staff.get(reverse("awards:payments-csv", args=[round_.pk]))
    header = b"".join(payments.streaming_content).decode().splitlines()[1]
    assert header.startswith("organización,EIN,adjudicación,tramo,")


# --- fixed query counts ---


def count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def with_letters(round_, mentorship, n, staff):
    for _ in range(n):
        member = factories.CohortMemberFactory(
            award__application__round=round_, award__mentorship=mentorship
        )
        Award.objects.filter(pk=member.award_id).update(status=Award.Status.ACCEPTED)
        member.award.refresh_from_db()
        services.letter_issue(award=member.award, by=staff, expected_number=0)


@pytest.mark.parametrize(
    "name",
    ["awards:round", "awards:payments", "awards:funder-report"],
)
def test_round_pages_run_the_same_queries_for_2_and_12_awards(a, client_as, name):
    round_ = a.award.application.round
    with_letters(round_, a.mentorship, 1, a.staff)
    issue(a)
    staff = client_as(a.staff)
    url = reverse(name, args=[round_.pk])
    small = count(staff, url)
    with_letters(round_, a.mentorship, 10, a.staff)
    assert count(staff, url) == small


def test_the_awards_home_runs_the_same_queries_for_1_and_4_rounds(a, client_as):
    issue(a)
    staff = client_as(a.staff)
    url = reverse("awards:rounds")
    small = count(staff, url)
    for _ in range(3):
        other = Awarded()
        services.letter_issue(award=other.award, by=a.staff, expected_number=0)
    body = page(staff, url)
    assert body.count("Funder's report") == 4
    assert count(staff, url) == small


def test_the_lists_of_reports_and_resources_to_review_keep_their_queries(a, client_as):
    def submitted(n):
        for k in range(n):
            other = Awarded(mentorship=a.mentorship)
            services.report_save(
                award=other.award, data={"lessons": "x"}, by=other.contact
            )
            from awards.models import FinalReport as Report

            Report.objects.filter(award=other.award).update(status="submitted")
            r = resource(other, title=f"Shared {k} {other.award.pk}")
            services.resource_submit(resource=r, by=other.contact)

    def counts():
        return (
            count(client_as(a.mentor), reverse("awards:reports-waiting")),
            count(client_as(a.staff), reverse("resources:review-list")),
        )

    submitted(1)
    small = counts()
    submitted(5)
    assert counts() == small


def test_the_resource_list_runs_the_same_queries_for_2_and_22_resources(a, client):
    for n in range(2):
        resource(a, title=f"Resource {n}", publish=True)
    small = count(client, reverse("resources:list"))
    for n in range(20):
        resource(a, title=f"More {n}", publish=True)
    assert count(client, reverse("resources:list")) == small


def test_reading_the_pages_writes_nothing_but_the_kept_report(a, client_as):
    from tests.support.writes import no_writes

    issue(a)
    round_ = a.award.application.round
    staff = client_as(a.staff)
    staff.get(reverse("awards:funder-report", args=[round_.pk]))
    for name, args in [
        ("awards:rounds", []),
        ("awards:round", [round_.pk]),
        ("awards:payments", [round_.pk]),
        ("awards:funder-report", [round_.pk]),
        ("awards:letter-template", [round_.pk]),
        ("awards:schedule", [round_.pk]),
        ("awards:report-questions", [round_.pk]),
        ("awards:award", [a.award.pk]),
        ("awards:report", [a.award.pk]),
    ]:
        with no_writes(name):
            assert staff.get(reverse(name, args=args)).status_code == 200
    events = AuditEvent.objects.count()
    assert AuditEvent.objects.count() == events


def test_saving_the_letter_template_back_unchanged_writes_nothing(a, client_as):
    round_ = a.award.application.round
    staff = client_as(a.staff)
    url = reverse("awards:letter-template", args=[round_.pk])
    form = page(staff, url)
    assert "{organization}" in form
    terms = services.selectors.terms_of(round_)
    data = {f: stored_text(getattr(terms, f)) for f in services.TERMS_FIELDS}
    staff.post(url, data)
    events = AuditEvent.objects.filter(action="round.terms").count()
    staff.post(url, data)
    assert AuditEvent.objects.filter(action="round.terms").count() == events
    bad = staff.post(url, {**data, "letter_body_es": "Estimado {organizacion}"})
    assert bad.status_code == 400 and "Unknown word in braces: {organizacion}" in text(
        bad
    )


def test_the_schedule_page_refuses_shares_that_do_not_add_up(a, client_as):
    round_ = a.award.application.round
    staff = client_as(a.staff)
    url = reverse("awards:schedule", args=[round_.pk])
    data = {
        "terms-TOTAL_FORMS": "2",
        "terms-INITIAL_FORMS": "0",
        "terms-0-label": "First",
        "terms-0-percent": "40",
        "terms-0-requires_letter": "on",
        "terms-1-label": "Last",
        "terms-1-percent": "40",
        "terms-1-requires_report": "on",
    }
    response = staff.post(url, data)
    assert response.status_code == 400
    assert "add up to 80%" in text(response)
    data["terms-1-percent"] = "60"
    assert staff.post(url, data).status_code == 302
    assert [t.percent for t in round_.payment_terms.all()] == [
        Decimal("40"),
        Decimal("60"),
    ]


def test_dates_are_kept_in_the_letter(a):
    letter = issue(a)
    assert letter.snapshot["contract_end"] == a.award.contract_end.isoformat()
    assert dt.date.fromisoformat(
        letter.snapshot["report_due"]
    ) == a.award.contract_end + dt.timedelta(days=31)
