"""Every write of close-out: atomic, audited, and safe to repeat.

A second submit of the same form makes nothing new: issuing a letter names the
letter the person saw (``expected_number``), accepting or countersigning a
letter already accepted or countersigned returns it, a report already
submitted is not submitted again, and a tranche is paid once (its row is
locked, ``Payment.tranche`` is one-to-one, and ``AwardAccount``'s check
constraint refuses any sum past the award, whatever the process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from applications.models import Award, Round
from cohorts.models import CohortMember, WorkPlanVersion
from cohorts.placement import services as placement_services
from dashmentor.bilingual import bilingual_fields
from dashmentor.languages import language_for
from dashmentor.services import audit_record
from dashmentor.status import status_move
from dashmentor.templatetags.dates import format_when_lazy
from notifications.models import Kind
from notifications.services import message_enqueue

from . import defaults, pdf, rules, selectors
from .models import (
    AwardAccount,
    AwardLetter,
    Document,
    FinalReport,
    FinalReportVersion,
    FunderReportCache,
    PaymentTerm,
    ReportAttachment,
    ReportQuestion,
    Resource,
    RoundTerms,
    Tranche,
)
from .models import Payment as PaymentRow

logger = logging.getLogger(__name__)

# Statuses in which an award gets a letter, and those that stop its payments.
LETTER_STATUSES = (Award.Status.OFFERED, Award.Status.ACCEPTED, Award.Status.CONTRACTED)
LEAVING = tuple(placement_services.LEAVING)

LETTER_AWARD_CLOSED = _("A letter cannot be issued for an award that is {status}.")
LETTER_ALREADY_COUNTERSIGNED = _(
    "The letter in force is countersigned: the contract is signed. A new letter "
    "cannot replace it."
)
LETTER_NOT_CURRENT = _("This letter was replaced by a newer one; open the newer one.")
LETTER_NOT_ACCEPTED = _(
    "The organization has not accepted this letter yet: it can be countersigned "
    "once they accept it or upload a signed copy."
)
LETTER_SIGNED_ALREADY = _(
    "This letter is countersigned: its signed copy stays as it is."
)
NOT_A_SIGNATORY = _(
    "Only the organization's primary or secondary contact can accept the letter."
)
SCHEDULE_IN_USE = _(
    "The payment schedule is in use: {count} award(s) of this round have their "
    "tranches. It can no longer change."
)
PAYMENT_ALREADY = _("This tranche is already paid ({amount} on {date}, {reference}).")
PAYMENT_NOT_DUE = _("This tranche is not due: it is {status}.")
PAYMENT_AWARD_LEFT = _("The award is {status}: its unpaid tranches are stopped.")
PAYMENT_OVER_DUE = _("{amount} is more than the {due} due for this tranche.")
PAYMENT_NOT_POSITIVE = _("A payment must be more than $0.00.")
PAYMENT_FUTURE = _("A payment cannot be dated after today.")
PAYMENT_OVER_AWARD = _(
    "This payment would take the award's payments past its {amount}: refused."
)
REPORT_NOT_EDITABLE = _("The final report is {status}: it cannot change now.")
REPORT_NOTHING_TO_COMMENT = _("There is no submitted version waiting for a comment.")
REPORT_NOTHING_TO_DECIDE = _("There is no submitted version waiting for a decision.")
REPORT_NOTE_REQUIRED = _("Say what should change.")
REPORT_AWARD_NOT_ACTIVE = _("The award is {status}: it has no final report to file.")
REPORT_TOO_MANY_FILES = _("A final report can have at most {n} attachments.")
RESOURCE_NOT_EDITABLE = _("This resource is {status}: it cannot change now.")
RESOURCE_NEEDS_CONTENT = _("Give a link to the resource or upload its file.")
RESOURCE_NOT_SUBMITTED = _("This resource is not waiting for review: it is {status}.")
RESOURCE_NOT_PUBLISHED = _("Only a published resource can be withdrawn.")
RESOURCE_NOTE_REQUIRED = _("Say what should change before it is published.")

REPORT_MAX_ATTACHMENTS = 10


def _lock_award(pk) -> Award:
    return (
        Award.objects.select_for_update(of=("self",))
        .select_related(
            "application__organization",
            "application__round",
            "mentorship__mentor_organization",
        )
        .get(pk=pk)
    )


def _contacts(award: Award) -> list[CohortMember]:
    return list(
        award.members.filter(
            active=True,
            role__in=[CohortMember.Role.PRIMARY, CohortMember.Role.SECONDARY],
        ).select_related("user")
    )


def _fill(message, values: dict) -> str:
    return str(message) % values


def _words(message, **values):
    """A subject made in its reader's language when the message is written."""
    return partial(_fill, message, values)


def _tell(members, *, key: str, subject: str, template: str, context: dict) -> None:
    """One outbox message to each member's address, once per key."""
    seen = set()
    for member in members:
        user = getattr(member, "user", None)
        email = ((user.email if user else "") or member.email).strip().lower()
        if not email or email in seen or (user is not None and not user.is_active):
            continue
        seen.add(email)
        message_enqueue(
            kind=Kind.GENERAL,
            to_email=email,
            subject=subject,
            template=template,
            context={**context, "name": member.name},
            key=key,
            recipient=user,
        )


def _tell_office(*, key: str, subject: str, template: str, context: dict) -> None:
    message_enqueue(
        kind=Kind.GENERAL,
        to_email=settings.PROGRAM_OFFICE_EMAIL,
        subject=subject,
        template=template,
        context=context,
        key=key,
    )


# --- files ---


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def document_check(*, upload, allowed) -> rules.FileKind:
    """The upload's kind, or ``ValidationError`` on ``file`` with the reason."""
    try:
        return rules.check_file(
            upload,
            name=upload.name,
            size=upload.size,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            allowed=allowed,
        )
    except ValueError as exc:
        raise ValidationError({"file": str(exc)})


def document_store(*, upload, purpose: str, by, allowed) -> Document:
    """Keep an uploaded file once its content passed the checks.

    Checked first, from its bytes; only then stored, under a random name (see
    ``models.document_path``). A refused file is never written anywhere.
    """
    kind = document_check(upload=upload, allowed=allowed)
    extension = rules.extension_of(upload.name)
    document = Document(
        purpose=purpose,
        name=rules.safe_download_name(upload.name, extension),
        extension=extension,
        content_type=kind.content_type,
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    document.file.save(document.name, upload, save=False)
    document.save()
    return document


def _document_from_bytes(*, data: bytes, name: str, purpose: str, by) -> Document:
    document = Document(
        purpose=purpose,
        name=name,
        extension=rules.extension_of(name),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


# --- the round's terms ---


def terms_for(round_: Round) -> RoundTerms:
    """The round's terms, made from the defaults the first time they are needed."""
    terms, _ = RoundTerms.objects.get_or_create(
        round=round_, defaults=defaults.terms_defaults()
    )
    return terms


# Each text in English and in Spanish (``letter_body_en``, ``letter_body_es``).
TERMS_FIELDS = tuple(
    bilingual_fields(
        RoundTerms,
        [
            "letter_subject",
            "letter_body",
            "expectations",
            "getting_started",
            "signatory_name",
            "signatory_title",
            "report_due_days",
        ],
    )
)


@transaction.atomic
def terms_save(*, round_: Round, by, **values) -> RoundTerms:
    """Save the round's letter template; unchanged values write nothing."""
    terms = RoundTerms.objects.select_for_update().filter(round=round_).first()
    if terms is None:
        terms = RoundTerms(round=round_, **defaults.terms_defaults())
    problems = {}
    for field in bilingual_fields(RoundTerms, ["letter_body"]):
        unknown = rules.unknown_placeholders(values.get(field) or "")
        if unknown:
            problems[field] = rules.UNKNOWN_PLACEHOLDER.format(
                words=", ".join("{" + w + "}" for w in unknown),
                known=", ".join("{" + w + "}" for w in rules.PLACEHOLDERS),
            )
    for field in bilingual_fields(RoundTerms, ["getting_started"]):
        _links, link_problems = rules.parse_links(values.get(field) or "")
        if link_problems:
            problems[field] = link_problems
    if problems:
        raise ValidationError(problems)
    before = {f: getattr(terms, f) for f in TERMS_FIELDS}
    after = {f: values.get(f, before[f]) for f in TERMS_FIELDS}
    if terms.pk and before == after:
        return terms
    for field, value in after.items():
        setattr(terms, field, value)
    terms.save()
    audit_record(
        actor=by,
        action="round.terms",
        target=round_,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return terms


def _question_key(prompt: str, taken: set[str]) -> str:
    base = slugify(prompt)[:40] or "question"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def report_questions_save(*, round_: Round, questions: list[dict], by) -> list:
    """Set the round's final-report questions; saved back unchanged, nothing
    is written.

    ``questions`` are dicts of key (empty for a new question), prompt,
    help_text, word_limit and required, in order. A question keeps its key
    when its prompt changes, so drafts keep their answers; versions already
    submitted keep the questions they answered.
    """
    Round.objects.select_for_update().get(pk=round_.pk)
    existing = {q.key: q for q in report_questions_for(round_)}
    current = [
        (q.key, q.prompt, q.help_text, q.word_limit, q.required)
        for q in sorted(existing.values(), key=lambda q: (q.order, q.pk))
    ]
    taken = set(existing)
    wanted = []
    for q in questions:
        prompt = q.get("prompt", "").strip()
        if not prompt:
            continue
        key = q.get("key") or ""
        if key not in existing:
            key = _question_key(prompt, taken)
            taken.add(key)
        wanted.append(
            (
                key,
                prompt,
                q.get("help_text", "").strip(),
                int(q.get("word_limit") or 400),
                bool(q.get("required", True)),
            )
        )
    if wanted == current:
        return list(existing.values())
    keep = {w[0] for w in wanted}
    ReportQuestion.objects.filter(round=round_).exclude(key__in=keep).delete()
    for order, (key, prompt, help_text, limit, required) in enumerate(wanted, 1):
        ReportQuestion.objects.update_or_create(
            round=round_,
            key=key,
            defaults={
                "order": order,
                "prompt": prompt,
                "help_text": help_text,
                "word_limit": limit,
                "required": required,
            },
        )
    audit_record(
        actor=by,
        action="round.report_questions",
        target=round_,
        before={"questions": [q[1] for q in current]},
        after={"questions": [w[1] for w in wanted]},
    )
    return list(ReportQuestion.objects.filter(round=round_).order_by("order", "id"))


def report_questions_for(round_: Round) -> list[ReportQuestion]:
    """The round's questions, the defaults made the first time they are needed."""
    questions = list(ReportQuestion.objects.filter(round=round_))
    if questions:
        return questions
    for order, (key, prompt, help_text) in enumerate(defaults.REPORT_QUESTIONS, 1):
        ReportQuestion.objects.create(
            round=round_, key=key, order=order, prompt=prompt, help_text=help_text
        )
    return list(ReportQuestion.objects.filter(round=round_))


# --- the payment schedule ---


def schedule_for(round_: Round) -> list[PaymentTerm]:
    """The round's schedule: the default (half and half) if none was set."""
    terms = list(PaymentTerm.objects.filter(round=round_).order_by("order"))
    if terms:
        return terms
    for order, (label, percent, letter, plan, report) in enumerate(
        defaults.SCHEDULE, start=1
    ):
        PaymentTerm.objects.create(
            round=round_,
            order=order,
            label=label,
            percent=percent,
            requires_letter=letter,
            requires_workplan=plan,
            requires_report=report,
        )
    return list(PaymentTerm.objects.filter(round=round_).order_by("order"))


def _term_tuple(t) -> tuple:
    return (
        t["label"],
        Decimal(t["percent"]).normalize(),
        bool(t["requires_letter"]),
        bool(t["requires_workplan"]),
        bool(t["requires_report"]),
    )


def _term_words(term: tuple) -> str:
    """A term as the audit trail shows it: "Work plan approved: 30% (work plan
    approved)"."""
    label, percent, letter, plan, report = term
    needs = [
        words
        for words, needed in (
            ("letter accepted", letter),
            ("work plan approved", plan),
            ("final report accepted", report),
        )
        if needed
    ]
    return f"{label}: {format(percent, 'f')}% ({', '.join(needs) or 'no condition'})"


@transaction.atomic
def schedule_save(*, round_: Round, terms: list[dict], by) -> list[PaymentTerm]:
    """Replace the round's payment schedule while no award has tranches.

    ``terms`` are dicts of label, percent and the three requirements, in order;
    they must add up to 100% and each needs a condition. Saved back unchanged,
    nothing is written.
    """
    Round.objects.select_for_update().get(pk=round_.pk)
    _schedule_check(round_=round_, terms=terms)
    existing = list(PaymentTerm.objects.filter(round=round_).order_by("order"))
    before = [
        _term_tuple(
            {
                "label": t.label,
                "percent": t.percent,
                "requires_letter": t.requires_letter,
                "requires_workplan": t.requires_workplan,
                "requires_report": t.requires_report,
            }
        )
        for t in existing
    ]
    after = [_term_tuple(t) for t in terms]
    if before == after:
        return existing
    PaymentTerm.objects.filter(round=round_).delete()
    for order, t in enumerate(terms, start=1):
        PaymentTerm.objects.create(
            round=round_,
            order=order,
            label=t["label"],
            percent=Decimal(t["percent"]),
            requires_letter=bool(t["requires_letter"]),
            requires_workplan=bool(t["requires_workplan"]),
            requires_report=bool(t["requires_report"]),
        )
    audit_record(
        actor=by,
        action="round.payment_schedule",
        target=round_,
        before={"terms": [_term_words(t) for t in before]},
        after={"terms": [_term_words(t) for t in after]},
    )
    return list(PaymentTerm.objects.filter(round=round_).order_by("order"))


def _schedule_check(*, round_: Round, terms: list[dict]) -> None:
    """Refuse a schedule in use, or terms that do not add up or lack a condition."""
    in_use = (
        Tranche.objects.filter(award__application__round=round_)
        .values("award")
        .distinct()
        .count()
    )
    if in_use:
        raise ValidationError(SCHEDULE_IN_USE.format(count=in_use))
    problems = rules.schedule_problems(
        [
            (
                t["label"],
                Decimal(t["percent"]),
                t["requires_letter"] or t["requires_workplan"] or t["requires_report"],
            )
            for t in terms
        ]
    )
    if problems:
        raise ValidationError(problems)


def tranches_ensure(*, award: Award) -> list[Tranche]:
    """The award's tranches, made from its round's schedule the first time.

    The award's amount is split to the cent and its account opened with it:
    from then on the schedule of the round may not change.
    """
    existing = list(Tranche.objects.filter(award=award).order_by("number"))
    if existing:
        return existing
    terms = schedule_for(award.application.round)
    amounts = rules.split_amount(award.amount, [t.percent for t in terms])
    AwardAccount.objects.get_or_create(
        award=award,
        defaults={"amount": award.amount, "scheduled": sum(amounts, Decimal("0"))},
    )
    return [
        Tranche.objects.create(
            award=award,
            number=term.order,
            label=term.label,
            percent=term.percent,
            amount=amount,
            requires_letter=term.requires_letter,
            requires_workplan=term.requires_workplan,
            requires_report=term.requires_report,
        )
        for term, amount in zip(terms, amounts, strict=True)
    ]


def milestones(award: Award) -> rules.Milestones:
    return rules.Milestones(
        letter_countersigned=AwardLetter.objects.filter(
            award=award, status=AwardLetter.Status.COUNTERSIGNED
        ).exists(),
        workplan_approved=WorkPlanVersion.objects.filter(
            workplan__award=award, decision=WorkPlanVersion.Decision.APPROVED
        ).exists(),
        report_accepted=FinalReport.objects.filter(
            award=award, status=FinalReport.Status.ACCEPTED
        ).exists(),
    )


@transaction.atomic
def tranches_update(*, award: Award, now=None) -> int:
    """Make due the tranches whose condition is now met; stop the unpaid ones
    of an award that left. Return how many changed. Safe to run again: each
    tranche is read under a row lock and moved once."""
    now = now or timezone.now()
    award = Award.objects.select_related(
        "application__organization", "application__round"
    ).get(pk=award.pk)
    tranches = list(
        Tranche.objects.select_for_update()
        .filter(award=award, status__in=[Tranche.Status.PENDING, Tranche.Status.DUE])
        .order_by("number")
    )
    if not tranches:
        return 0
    if award.status in LEAVING:
        return _tranches_stop(award=award, tranches=tranches, now=now)
    changed = 0
    reached = milestones(award)
    for tranche in tranches:
        if tranche.status != Tranche.Status.PENDING:
            continue
        if not rules.condition_met(
            requires_letter=tranche.requires_letter,
            requires_workplan=tranche.requires_workplan,
            requires_report=tranche.requires_report,
            reached=reached,
        ):
            continue
        _tranche_make_due(award=award, tranche=tranche, now=now)
        changed += 1
    return changed


def _tranches_stop(*, award: Award, tranches: list[Tranche], now) -> int:
    """Stop the unpaid tranches of an award that left; return how many."""
    changed = 0
    for tranche in tranches:
        tranche.stopped_at = now
        status_move(tranche, Tranche.Status.STOPPED, fields=["stopped_at"])
        changed += 1
    # The audit trail's own notes are the program's language, not that of
    # whoever's page happened to stop the tranches.
    with translation.override(settings.LANGUAGE_CODE):
        status = award.get_status_display().lower()
    audit_record(
        actor=None,
        action="award.tranches_stop",
        target=award,
        after={"tranches": [t.number for t in tranches]},
        note=f"The award is {status}.",
    )
    return changed


def _tranche_make_due(*, award: Award, tranche: Tranche, now) -> None:
    """Make a tranche due, audited, and tell the program office."""
    tranche.due_since = now
    status_move(tranche, Tranche.Status.DUE, fields=["due_since"])
    audit_record(
        actor=None,
        action="award.tranche_due",
        target=award,
        after={"tranche": tranche.number, "amount": str(tranche.amount)},
    )
    round_ = award.application.round
    _tell_office(
        key=f"tranche-due:{tranche.pk}",
        subject=_words(
            _("Payment due: %(organization)s, %(tranche)s"),
            organization=award.organization.name,
            tranche=tranche.label,
        ),
        template="awards_tranche_due",
        context={
            "organization": award.organization.name,
            "tranche": tranche.label,
            "amount": rules.money(tranche.amount),
            "round": round_.name,
            "path": reverse("awards:payments", args=[round_.pk]),
        },
    )


def tranches_sweep(*, now=None) -> int:
    """Update every award with a tranche still waiting or due (beat)."""
    count = 0
    award_ids = (
        Tranche.objects.filter(status__in=[Tranche.Status.PENDING, Tranche.Status.DUE])
        .values_list("award_id", flat=True)
        .distinct()
    )
    for award_id in list(award_ids):
        try:
            count += tranches_update(award=Award(pk=award_id), now=now)
        except Exception:
            # One award's failure must not stop the others; the next run retries.
            logger.exception("close-out: tranches of award %s not updated", award_id)
    return count


@transaction.atomic
def payment_record(
    *, tranche: Tranche, amount: Decimal, paid_on: dt.date, reference: str, by
) -> PaymentRow:
    """Record a due tranche paid, with an audit row.

    Refused, with nothing written: a tranche not due (waiting, stopped) or
    already paid (two staff at once: the second waits on the row lock, then
    finds it paid), an award that left, an amount over what the tranche is
    due, a date after today. The account's check constraint refuses whatever
    would take the award's payments past its amount.
    """
    tranche = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("award__application__organization", "award__application__round")
        .get(pk=tranche.pk)
    )
    award = tranche.award
    amount = _payment_check(tranche=tranche, amount=amount, paid_on=paid_on)
    try:
        with transaction.atomic():
            AwardAccount.objects.filter(pk=award.pk).update(paid=F("paid") + amount)
            payment = PaymentRow.objects.create(
                tranche=tranche,
                amount=amount,
                paid_on=paid_on,
                reference=reference.strip(),
                recorded_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            PAYMENT_OVER_AWARD.format(amount=rules.money(award.amount))
        )
    status_move(tranche, Tranche.Status.PAID)
    audit_record(
        actor=by,
        action="award.payment",
        target=award,
        before={"tranche": tranche.number, "status": Tranche.Status.DUE},
        after={
            "tranche": tranche.number,
            "status": Tranche.Status.PAID,
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "reference": payment.reference,
        },
    )
    return payment


def _payment_check(*, tranche: Tranche, amount: Decimal, paid_on: dt.date) -> Decimal:
    """Refuse a payment the tranche cannot take; return the amount in cents."""
    award = tranche.award
    paid = PaymentRow.objects.filter(tranche=tranche).first()
    if paid is not None:
        raise ValidationError(
            PAYMENT_ALREADY.format(
                amount=rules.money(paid.amount),
                date=rules.long_date(paid.paid_on),
                reference=paid.reference,
            )
        )
    if award.status in LEAVING:
        raise ValidationError(
            PAYMENT_AWARD_LEFT.format(status=award.get_status_display().lower())
        )
    if tranche.status != Tranche.Status.DUE:
        raise ValidationError(
            PAYMENT_NOT_DUE.format(status=tranche.get_status_display().lower())
        )
    amount = rules.cents(Decimal(amount))
    if amount <= 0:
        raise ValidationError({"amount": PAYMENT_NOT_POSITIVE})
    if amount > tranche.amount:
        raise ValidationError(
            {
                "amount": PAYMENT_OVER_DUE.format(
                    amount=rules.money(amount), due=rules.money(tranche.amount)
                )
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": PAYMENT_FUTURE})
    return amount


# --- letters ---


def _address(org) -> list[str]:
    city = ", ".join(
        p
        for p in [org.city, " ".join(p for p in [org.state, org.postal_code] if p)]
        if p
    )
    return [line for line in [org.address_line1, org.address_line2, city] if line]


def letter_language(award: Award) -> str:
    """The language an award's letter is issued in: the profile's of the
    organization's primary contact, who accepts it, else of the person who
    applied; the program's when neither has an account."""
    primary = (
        award.members.filter(
            active=True, role=CohortMember.Role.PRIMARY, user__isnull=False
        )
        .select_related("user")
        .first()
    )
    person = primary.user if primary is not None else award.application.created_by
    return language_for(person) if person is not None else settings.LANGUAGE_CODE


def letter_snapshot(*, award: Award, terms: RoundTerms, number: int, now) -> dict:
    """Everything the letter says, frozen as it is issued, in the active
    language (the round's template in it, or the English where it is empty)."""
    round_ = award.application.round
    organization = award.application.organization
    mentorship = award.mentorship
    mentors = [m.get_full_name() or m.email for m in mentorship.mentors.all()]
    report_due = award.contract_end + dt.timedelta(days=terms.report_due_days)
    values = {
        "organization": organization.name,
        "amount": rules.money(award.amount),
        "contract_start": rules.long_date(award.contract_start),
        "contract_end": rules.long_date(award.contract_end),
        "mentorship": mentorship.topic,
        "mentor": mentorship.mentor_organization.name,
        "round": round_.name,
        "report_due": rules.long_date(report_due),
    }
    links, _problems = rules.parse_links(terms.getting_started)
    tranches = [
        {
            "label": t.label,
            "percent": str(t.percent),
            "amount": str(t.amount),
            "condition": rules.condition_text(
                requires_letter=t.requires_letter,
                requires_workplan=t.requires_workplan,
                requires_report=t.requires_report,
            ).capitalize(),
        }
        for t in Tranche.objects.filter(award=award).order_by("number")
    ]
    return {
        "number": number,
        "language": translation.get_language(),
        "issued_on": timezone.localdate(now).isoformat(),
        "subject": rules.fill(terms.letter_subject, values),
        "organization": organization.name,
        "address": _address(organization),
        "contacts": [m.name for m in _contacts(award)],
        "round": round_.name,
        "mentorship": mentorship.topic,
        "mentor_organization": mentorship.mentor_organization.name,
        "mentors": mentors,
        "amount": str(award.amount),
        "contract_start": award.contract_start.isoformat(),
        "contract_end": award.contract_end.isoformat(),
        "report_due": report_due.isoformat(),
        "paragraphs": [
            rules.fill(p, values) for p in rules.paragraphs(terms.letter_body)
        ],
        "expectations": rules.lines(terms.expectations),
        "links": [list(link) for link in links],
        "tranches": tranches,
        "signatory_name": terms.signatory_name,
        "signatory_title": terms.signatory_title,
    }


@transaction.atomic
def letter_issue(*, award: Award, by, expected_number: int, now=None) -> AwardLetter:
    """Issue the award's letter (or a new one in place of the letter in force).

    ``expected_number`` is the number of the letter the person saw when they
    asked (0 for none): a second submit of the same form finds a newer letter
    and returns it, so a double click issues one letter. The tranches are made
    from the round's schedule and named in the letter; the PDF is kept; the
    organization's contacts get the letter by e-mail.
    """
    now = now or timezone.now()
    award = _lock_award(award.pk)
    current = AwardLetter.objects.filter(award=award).order_by("-number").first()
    if (current.number if current else 0) != expected_number:
        return current
    if award.status not in LETTER_STATUSES:
        raise ValidationError(
            LETTER_AWARD_CLOSED.format(status=award.get_status_display().lower())
        )
    if current is not None and current.status == AwardLetter.Status.COUNTERSIGNED:
        raise ValidationError(LETTER_ALREADY_COUNTERSIGNED)
    terms = terms_for(award.application.round)
    tranches_ensure(award=award)
    if current is not None:
        status_move(current, AwardLetter.Status.SUPERSEDED)
    number = expected_number + 1
    # The letter is the organization's: written in its language, whoever issues it.
    with translation.override(letter_language(award)):
        snapshot = letter_snapshot(award=award, terms=terms, number=number, now=now)
        letter_bytes = pdf.letter_pdf(snapshot)
    slug = slugify(award.organization.name)[:60] or "organization"
    document = _document_from_bytes(
        data=letter_bytes,
        name=f"award-letter-{slug}-{number}.pdf",
        purpose=Document.Purpose.LETTER,
        by=by,
    )
    letter = AwardLetter.objects.create(
        award=award,
        number=number,
        subject=snapshot["subject"],
        snapshot=snapshot,
        document=document,
        issued_by=by,
        issued_at=now,
    )
    audit_record(
        actor=by,
        action="award.letter_issue",
        target=award,
        before={"letter": current.number} if current else {},
        after={"letter": number},
    )
    _letter_send(letter=letter, award=award, snapshot=snapshot)
    return letter


def _letter_send(*, letter: AwardLetter, award: Award, snapshot: dict) -> None:
    """E-mail the issued letter to the organization's contacts."""
    _tell(
        _contacts(award),
        key=f"award-letter:{letter.pk}",
        subject=snapshot["subject"],
        template="awards_letter",
        context={
            "snapshot": snapshot,
            "amount": rules.money(snapshot["amount"]),
            # Written out in each reader's language when the e-mail is made.
            "contract_start": format_when_lazy(award.contract_start, "date"),
            "contract_end": format_when_lazy(award.contract_end, "date"),
            "report_due": format_when_lazy(
                dt.date.fromisoformat(snapshot["report_due"]), "date"
            ),
            "path": reverse("awards:award", args=[award.pk]),
        },
    )


def _lock_letter(letter: AwardLetter) -> AwardLetter:
    return (
        AwardLetter.objects.select_for_update(of=("self",))
        .select_related("award__application__organization", "award__application__round")
        .get(pk=letter.pk)
    )


def _require_signatory(award: Award, user) -> None:
    if not any(m.user_id == user.pk for m in _contacts(award)):
        raise ValidationError(NOT_A_SIGNATORY)


def _accept(letter: AwardLetter, *, by, now, fields=()) -> None:
    """The organization's acceptance, saved with ``fields`` set on ``letter``:
    the award follows (an offer is taken)."""
    award = letter.award
    if award.status == Award.Status.OFFERED:
        placement_services.award_respond(award=award, accept=True, by=by, now=now)
    letter.accepted_by = by
    letter.accepted_at = now
    status_move(
        letter,
        AwardLetter.Status.ACCEPTED,
        fields=["accepted_by", "accepted_at", *fields],
    )


@transaction.atomic
def letter_accept(*, letter: AwardLetter, by, now=None) -> AwardLetter:
    """The organization's primary or secondary contact accepts the letter.

    Who and when are recorded; an offered award becomes accepted. Accepting a
    letter already accepted changes nothing.
    """
    now = now or timezone.now()
    letter = _lock_letter(letter)
    if letter.status in (AwardLetter.Status.ACCEPTED, AwardLetter.Status.COUNTERSIGNED):
        return letter
    if letter.status != AwardLetter.Status.ISSUED:
        raise ValidationError(LETTER_NOT_CURRENT)
    _require_signatory(letter.award, by)
    _accept(letter, by=by, now=now)
    audit_record(
        actor=by,
        action="award.letter_accept",
        target=letter.award,
        after={"letter": letter.number, "how": "accepted in the portal"},
    )
    return letter


@transaction.atomic
def letter_upload_signed(*, letter: AwardLetter, upload, by, now=None) -> AwardLetter:
    """Keep the copy of the letter the organization signed; that accepts it.

    The same file sent twice is kept once. Refused once countersigned.
    """
    now = now or timezone.now()
    letter = _lock_letter(letter)
    if letter.status == AwardLetter.Status.SUPERSEDED:
        raise ValidationError(LETTER_NOT_CURRENT)
    if letter.status == AwardLetter.Status.COUNTERSIGNED:
        raise ValidationError(LETTER_SIGNED_ALREADY)
    _require_signatory(letter.award, by)
    document_check(upload=upload, allowed=rules.SIGNED_LETTER_KINDS)
    if letter.signed_copy_id and letter.signed_copy.sha256 == _sha256(upload):
        return letter
    letter.signed_copy = document_store(
        upload=upload,
        purpose=Document.Purpose.SIGNED_LETTER,
        by=by,
        allowed=rules.SIGNED_LETTER_KINDS,
    )
    if letter.status == AwardLetter.Status.ISSUED:
        _accept(letter, by=by, now=now, fields=["signed_copy"])
    else:
        letter.save(update_fields=["signed_copy"])
    audit_record(
        actor=by,
        action="award.letter_accept",
        target=letter.award,
        after={"letter": letter.number, "how": "signed copy uploaded"},
    )
    return letter


@transaction.atomic
def letter_countersign(*, letter: AwardLetter, by, now=None) -> AwardLetter:
    """The program office countersigns an accepted letter: the contract is
    signed, the award contracted, and the tranches that waited for it fall due.
    Countersigning twice changes nothing."""
    now = now or timezone.now()
    letter = _lock_letter(letter)
    if letter.status == AwardLetter.Status.COUNTERSIGNED:
        return letter
    if letter.status == AwardLetter.Status.SUPERSEDED:
        raise ValidationError(LETTER_NOT_CURRENT)
    if letter.status != AwardLetter.Status.ACCEPTED:
        raise ValidationError(LETTER_NOT_ACCEPTED)
    award = letter.award
    letter.countersigned_by = by
    letter.countersigned_at = now
    status_move(
        letter,
        AwardLetter.Status.COUNTERSIGNED,
        fields=["countersigned_by", "countersigned_at"],
    )
    if award.status == Award.Status.ACCEPTED:
        placement_services.award_transition(
            award=award,
            status=Award.Status.CONTRACTED,
            by=by,
            note="Award letter countersigned.",
        )
    audit_record(
        actor=by,
        action="award.letter_countersign",
        target=award,
        after={"letter": letter.number},
    )
    tranches_update(award=award, now=now)
    _tell(
        _contacts(award),
        key=f"award-letter-countersigned:{letter.pk}",
        subject=_("Your award letter is countersigned"),
        template="awards_letter_countersigned",
        context={
            "organization": award.organization.name,
            "path": reverse("awards:award", args=[award.pk]),
        },
    )
    return letter


# --- final reports ---


def report_due_on(award: Award) -> dt.date:
    terms = RoundTerms.objects.filter(round_id=award.application.round_id).first()
    days = (
        terms.report_due_days
        if terms
        else RoundTerms._meta.get_field("report_due_days").default
    )
    return award.contract_end + dt.timedelta(days=days)


def _lock_report(award: Award) -> FinalReport:
    """The award's report under a row lock, made as a draft the first time."""
    if award.status not in Award.ACTIVE:
        raise ValidationError(
            REPORT_AWARD_NOT_ACTIVE.format(status=award.get_status_display().lower())
        )
    report_questions_for(award.application.round)
    report, _ = FinalReport.objects.get_or_create(
        award=award, defaults={"due_on": report_due_on(award)}
    )
    return FinalReport.objects.select_for_update().get(pk=report.pk)


def _clean_report_data(data: dict, *, award: Award) -> dict:
    """Only what the report asks, each kept as text (amounts as typed)."""
    structure = selectors.report_structure(award)
    answers = data.get("answers", {})
    goals = data.get("goals", {})
    measures = data.get("measures", {})
    return {
        "answers": {
            q.key: str(answers.get(q.key, "")).strip()
            for q in structure.questions
            if str(answers.get(q.key, "")).strip()
        },
        "goals": {
            key: {
                "met": str((goals.get(key) or {}).get("met", "")),
                "why": str((goals.get(key) or {}).get("why", "")).strip(),
            }
            for key, _title in structure.goals
            if goals.get(key)
        },
        "measures": {
            key: {
                "final": str((measures.get(key) or {}).get("final", "")).strip(),
                "note": str((measures.get(key) or {}).get("note", "")).strip(),
            }
            for key, _name in structure.measures
            if measures.get(key)
        },
        "lessons": str(data.get("lessons", "")).strip(),
        "products": str(data.get("products", "")).strip(),
    }


@transaction.atomic
def report_save(*, award: Award, data: dict, by) -> FinalReport:
    """Save the draft of the final report; saved back unchanged, nothing moves."""
    award = _lock_award(award.pk)
    report = _lock_report(award)
    if report.status not in FinalReport.EDITABLE:
        raise ValidationError(
            REPORT_NOT_EDITABLE.format(status=report.get_status_display().lower())
        )
    cleaned = _clean_report_data(data, award=award)
    if cleaned == report.data:
        return report
    report.data = cleaned
    report.save(update_fields=["data", "updated_at"])
    return report


@transaction.atomic
def report_submit(*, award: Award, by, now=None) -> FinalReportVersion:
    """Submit the final report: a numbered copy for the mentor and the office.

    Refused with every missing answer named. Submitted twice, one version: the
    second call finds it submitted and returns that version.
    """
    now = now or timezone.now()
    award = _lock_award(award.pk)
    report = _lock_report(award)
    if report.status == FinalReport.Status.SUBMITTED:
        return report.versions.order_by("-number").first()
    if report.status not in FinalReport.EDITABLE:
        raise ValidationError(
            REPORT_NOT_EDITABLE.format(status=report.get_status_display().lower())
        )
    structure = selectors.report_structure(award)
    problems = rules.report_problems(
        report.data,
        questions=structure.question_specs,
        goals=structure.goals,
        measures=structure.measures,
    )
    if problems:
        raise ValidationError(problems)
    number = (report.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = FinalReportVersion.objects.create(
        report=report,
        number=number,
        snapshot=selectors.report_snapshot(report, structure=structure),
        submitted_by=by,
        submitted_at=now,
    )
    before = status_move(report, FinalReport.Status.SUBMITTED, fields=["updated_at"])
    audit_record(
        actor=by,
        action="final_report.submit",
        target=award,
        before={"status": before},
        after={"status": report.status, "version": number},
    )
    _report_submitted_send(award=award, version=version)
    return version


def _report_submitted_send(*, award: Award, version: FinalReportVersion) -> None:
    """Ask the cohort's mentors for a comment and tell the program office."""
    number = version.number
    path = reverse("awards:report", args=[award.pk])
    for mentor in award.mentorship.mentors.all():
        if not mentor.is_active or not mentor.email:
            continue
        message_enqueue(
            kind=Kind.GENERAL,
            to_email=mentor.email,
            subject=_words(
                _("Final report to comment: %(organization)s"),
                organization=award.organization.name,
            ),
            template="awards_report_submitted",
            context={
                "organization": award.organization.name,
                "number": number,
                "path": path,
            },
            key=f"final-report:{version.pk}",
            recipient=mentor,
        )
    _tell_office(
        key=f"final-report:{version.pk}",
        subject=_words(
            _("Final report submitted: %(organization)s"),
            organization=award.organization.name,
        ),
        template="awards_report_submitted",
        context={
            "organization": award.organization.name,
            "number": number,
            "path": path,
        },
    )


def _pending_version(report: FinalReport, message: str) -> FinalReportVersion:
    version = (
        report.versions.select_for_update()
        .filter(decision=FinalReportVersion.Decision.PENDING)
        .order_by("-number")
        .first()
    )
    if version is None or report.status != FinalReport.Status.SUBMITTED:
        raise ValidationError(message)
    return version


@transaction.atomic
def report_comment(*, award: Award, comment: str, by, now=None) -> FinalReportVersion:
    """The mentor's comment on the version waiting for the program office."""
    now = now or timezone.now()
    report = FinalReport.objects.select_for_update().filter(award=award).first()
    if report is None:
        raise ValidationError(REPORT_NOTHING_TO_COMMENT)
    version = _pending_version(report, REPORT_NOTHING_TO_COMMENT)
    comment = comment.strip()
    if comment == version.mentor_comment:
        return version
    before = version.mentor_comment
    version.mentor_comment = comment
    version.mentor_commented_by = by
    version.mentor_commented_at = now
    version.save(
        update_fields=["mentor_comment", "mentor_commented_by", "mentor_commented_at"]
    )
    audit_record(
        actor=by,
        action="final_report.comment",
        target=award,
        before={"comment": before},
        after={"comment": comment, "version": version.number},
    )
    return version


@transaction.atomic
def report_decide(
    *, award: Award, accept: bool, note: str, by, now=None
) -> FinalReportVersion:
    """The program office accepts the report or asks for changes.

    Accepting it makes due the tranches that waited for it and ends the award;
    asking for changes needs a note and opens the report again.
    """
    now = now or timezone.now()
    award = _lock_award(award.pk)
    report = FinalReport.objects.select_for_update().filter(award=award).first()
    if report is None:
        raise ValidationError(REPORT_NOTHING_TO_DECIDE)
    version = _pending_version(report, REPORT_NOTHING_TO_DECIDE)
    note = note.strip()
    if not accept and not note:
        raise ValidationError({"note": REPORT_NOTE_REQUIRED})
    before = report.status
    version.decision = (
        FinalReportVersion.Decision.ACCEPTED
        if accept
        else FinalReportVersion.Decision.CHANGES_REQUESTED
    )
    version.staff_note = note
    version.decided_by = by
    version.decided_at = now
    version.save(update_fields=["decision", "staff_note", "decided_by", "decided_at"])
    status_move(
        report,
        FinalReport.Status.ACCEPTED if accept else FinalReport.Status.CHANGES_REQUESTED,
        fields=["updated_at"],
    )
    audit_record(
        actor=by,
        action="final_report.decide",
        target=award,
        before={"status": before},
        after={"status": report.status, "version": version.number},
        note=note,
    )
    if accept:
        tranches_update(award=award, now=now)
        if award.status == Award.Status.CONTRACTED:
            placement_services.award_transition(
                award=award,
                status=Award.Status.ENDED,
                by=by,
                note="Final report accepted.",
            )
    _report_decision_send(award=award, version=version, accept=accept, note=note)
    return version


def _report_decision_send(
    *, award: Award, version: FinalReportVersion, accept: bool, note: str
) -> None:
    """Tell the organization's contacts the office's decision on their report."""
    _tell(
        _contacts(award),
        key=f"final-report-decision:{version.pk}",
        subject=_("Your final report is accepted")
        if accept
        else _("Your final report: changes requested"),
        template="awards_report_decision",
        context={
            "accepted": accept,
            "note": note,
            "organization": award.organization.name,
            "path": reverse("awards:report", args=[award.pk]),
        },
    )


@transaction.atomic
def report_attachment_add(*, award: Award, upload, title: str, by) -> ReportAttachment:
    """Attach a file to the draft; the same file under the same title once."""
    award = _lock_award(award.pk)
    report = _lock_report(award)
    if report.status not in FinalReport.EDITABLE:
        raise ValidationError(
            REPORT_NOT_EDITABLE.format(status=report.get_status_display().lower())
        )
    document_check(upload=upload, allowed=rules.ANY_DOCUMENT)
    title = title.strip() or upload.name
    digest = _sha256(upload)
    same = report.attachments.filter(title=title, document__sha256=digest).first()
    if same is not None:
        return same
    if report.attachments.count() >= REPORT_MAX_ATTACHMENTS:
        raise ValidationError(
            {"file": REPORT_TOO_MANY_FILES.format(n=REPORT_MAX_ATTACHMENTS)}
        )
    attachment = ReportAttachment.objects.create(
        report=report,
        title=title[:200],
        document=document_store(
            upload=upload,
            purpose=Document.Purpose.REPORT_ATTACHMENT,
            by=by,
            allowed=rules.ANY_DOCUMENT,
        ),
        added_by=by,
    )
    audit_record(
        actor=by,
        action="final_report.attach",
        target=award,
        after={"title": attachment.title, "file": attachment.document.name},
    )
    return attachment


@transaction.atomic
def report_attachment_remove(*, attachment: ReportAttachment, by) -> None:
    """Take a file off the draft (kept in versions already submitted)."""
    report = FinalReport.objects.select_for_update().get(pk=attachment.report_id)
    if report.status not in FinalReport.EDITABLE:
        raise ValidationError(
            REPORT_NOT_EDITABLE.format(status=report.get_status_display().lower())
        )
    audit_record(
        actor=by,
        action="final_report.detach",
        target=report.award,
        before={"title": attachment.title, "file": attachment.document.name},
    )
    attachment.delete()


# --- resources ---


# Words of the library's own addresses (``awards/library/urls.py``).
RESERVED_SLUGS = frozenset({"mine", "new", "review"})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "resource"
    slug = base
    while slug in RESERVED_SLUGS or Resource.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


RESOURCE_FIELDS = (
    "title",
    "summary",
    "kind",
    "link",
    "topics",
    "sectors",
    "license",
    "authors",
)


@transaction.atomic
def resource_save(
    *,
    by,
    resource: Resource | None = None,
    award: Award | None = None,
    mentorship=None,
    organizations=(),
    upload=None,
    **values,
) -> Resource:
    """Create or change a resource before it is published.

    Saved back unchanged (and without a new file), nothing is written.
    """
    if resource is not None:
        resource = _lock_editable_resource(resource)
    if upload is not None:
        document_check(upload=upload, allowed=rules.ANY_DOCUMENT)
    values = _resource_values(values)
    org_ids = sorted(o.pk for o in organizations)
    if resource is not None:
        unchanged = _resource_unchanged(resource, values=values, org_ids=org_ids)
        if unchanged and upload is None:
            return resource
    created = resource is None
    if created:
        resource = Resource(
            slug=_unique_slug(values.get("title", "")),
            submitted_by=by,
            award=award,
            mentorship=mentorship or (award.mentorship if award else None),
        )
    for key, value in values.items():
        setattr(resource, key, value)
    if upload is not None:
        resource.document = document_store(
            upload=upload,
            purpose=Document.Purpose.RESOURCE,
            by=by,
            allowed=rules.ANY_DOCUMENT,
        )
    resource.save()
    resource.organizations.set(org_ids)
    audit_record(
        actor=by,
        action="resource.create" if created else "resource.edit",
        target=resource,
        after={"title": resource.title},
    )
    return resource


def _lock_editable_resource(resource: Resource) -> Resource:
    """The resource under a row lock; refused once it is past editing."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status not in Resource.EDITABLE:
        raise ValidationError(
            RESOURCE_NOT_EDITABLE.format(status=resource.get_status_display().lower())
        )
    return resource


def _resource_values(values: dict) -> dict:
    """The resource's own fields of ``values``, with the search indexes."""
    values = {k: values[k] for k in RESOURCE_FIELDS if k in values}
    values["sectors_index"] = "," + ",".join(values.get("sectors", [])) + ","
    values["topics_index"] = "|" + "|".join(values.get("topics", [])) + "|"
    return values


def _resource_unchanged(resource: Resource, *, values: dict, org_ids: list) -> bool:
    """Whether the resource already has these values and organizations."""
    same = all(getattr(resource, k) == v for k, v in values.items())
    same_orgs = sorted(resource.organizations.values_list("pk", flat=True)) == org_ids
    return same and same_orgs


@transaction.atomic
def resource_submit(*, resource: Resource, by) -> Resource:
    """Send the resource to the program office for review (once)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status == Resource.Status.SUBMITTED:
        return resource
    if resource.status not in Resource.EDITABLE:
        raise ValidationError(
            RESOURCE_NOT_EDITABLE.format(status=resource.get_status_display().lower())
        )
    if not resource.link and not resource.document_id:
        raise ValidationError(RESOURCE_NEEDS_CONTENT)
    before = status_move(resource, Resource.Status.SUBMITTED, fields=["updated_at"])
    audit_record(
        actor=by,
        action="resource.submit",
        target=resource,
        before={"status": before},
        after={"status": resource.status},
    )
    _tell_office(
        key=f"resource-submitted:{resource.pk}:{resource.updated_at:%Y%m%d%H%M%S}",
        subject=_words(_("Resource to review: %(title)s"), title=resource.title),
        template="awards_resource_submitted",
        context={"title": resource.title, "path": reverse("resources:review-list")},
    )
    return resource


@transaction.atomic
def resource_review(
    *, resource: Resource, publish: bool, note: str, by, now=None
) -> Resource:
    """Publish a submitted resource on the public library, or send it back."""
    now = now or timezone.now()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    target = Resource.Status.PUBLISHED if publish else Resource.Status.CHANGES_REQUESTED
    if resource.status == target:
        return resource
    if resource.status != Resource.Status.SUBMITTED:
        raise ValidationError(
            RESOURCE_NOT_SUBMITTED.format(status=resource.get_status_display().lower())
        )
    note = note.strip()
    if not publish and not note:
        raise ValidationError({"note": RESOURCE_NOTE_REQUIRED})
    resource.review_note = note
    resource.reviewed_by = by
    resource.reviewed_at = now
    if publish:
        resource.published_at = now
    before = status_move(
        resource,
        target,
        fields=[
            "review_note",
            "reviewed_by",
            "reviewed_at",
            "published_at",
            "updated_at",
        ],
    )
    audit_record(
        actor=by,
        action="resource.review",
        target=resource,
        before={"status": before},
        after={"status": resource.status},
        note=note,
    )
    _resource_review_send(resource=resource, publish=publish, note=note, now=now)
    return resource


def _resource_review_send(*, resource: Resource, publish: bool, note: str, now) -> None:
    """Tell the person who submitted the resource what the office decided."""
    owner = resource.submitted_by
    if owner is not None and owner.is_active and owner.email:
        message_enqueue(
            kind=Kind.GENERAL,
            to_email=owner.email,
            subject=_words(
                _("Your resource is published: %(title)s")
                if publish
                else _("Your resource: changes requested: %(title)s"),
                title=resource.title,
            ),
            template="awards_resource_review",
            context={
                "published": publish,
                "title": resource.title,
                "note": note,
                "path": resource.get_absolute_url()
                if publish
                else reverse("resources:edit", args=[resource.pk]),
            },
            key=f"resource-review:{resource.pk}:{now:%Y%m%d%H%M%S}",
            recipient=owner,
        )


@transaction.atomic
def resource_withdraw(*, resource: Resource, by, note: str = "") -> Resource:
    """Take a published resource off the public library."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status == Resource.Status.WITHDRAWN:
        return resource
    if resource.status != Resource.Status.PUBLISHED:
        raise ValidationError(RESOURCE_NOT_PUBLISHED)
    status_move(resource, Resource.Status.WITHDRAWN, fields=["updated_at"])
    audit_record(
        actor=by,
        action="resource.withdraw",
        target=resource,
        before={"status": Resource.Status.PUBLISHED},
        after={"status": resource.status},
        note=note,
    )
    return resource


# --- the funder's report ---


def funder_report_refresh(*, round_: Round, now=None) -> FunderReportCache:
    """Compute the round's funder report now and keep it."""
    from . import reports

    now = now or timezone.now()
    data = reports.funder_report_data(round_, now=now)
    row, _ = FunderReportCache.objects.update_or_create(
        round=round_, defaults={"computed_at": now, "data": data}
    )
    return row
