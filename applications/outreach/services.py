"""Every write of the questions, webinars and timeline, with the e-mails they owe.

E-mails go through the outbox (``notifications.services.message_enqueue``) in
the transaction of the event: a confirmation link for an address not yet
confirmed, the answer to its asker, a registrant's seat. Their personal links
are made when they are sent (``links``).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dashmentor.bilingual import bilingual_fields, stored_text
from dashmentor.services import audit_record
from dashmentor.status import status_move
from notifications.models import Kind
from notifications.services import message_enqueue

from . import links, rules
from .models import AskedQuestion, FaqEntry, Milestone, Webinar, WebinarRegistration

QUESTIONS_CLOSED = (
    "Questions about this round closed with its deadline on {deadline}. "
    "Nothing was sent."
)
CONFIRM_INVALID = (
    "This link does not work: it may be incomplete, or a newer one replaced it."
)
CONFIRM_EXPIRED = (
    "This link has expired (links are valid for {days} days). Ask your question "
    "again and confirm it with the new link."
)
ALREADY_ANSWERED = "This question is no longer waiting: it was answered or dismissed."
NAMES_ASKER = (
    "The published wording names the asker ({found}): edit it out, the public "
    "page never shows who asked."
)
ENTRY_OTHER_ROUND = "Choose a published question of the same round."
NOT_PUBLISHED = "Choose a published question: the asker is sent its answer."
ANSWER_REQUIRED = "Write the answer, or choose a published question that answers it."
SESSION_PAST = "This session has already taken place: registration is closed."
SESSION_FULL = (
    "This session is full: every seat is taken, and nobody was registered. "
    "Choose another session or watch the recording afterwards."
)
NOT_WAITING = "Only a dismissed question can be put back in the queue."


def deadline_text(round_) -> str:
    """The round's deadline as its pages say it, in its zone."""
    local = round_.closes_at_local()
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%B} {local.day}, {local.year}, {hour} {local.tzname()}"


def questions_open(round_, *, now: dt.datetime | None = None) -> bool:
    """Questions are taken until the round's deadline."""
    return (now or timezone.now()) < round_.closes_at


def _check_open(round_, now) -> None:
    if not questions_open(round_, now=now):
        raise ValidationError(QUESTIONS_CLOSED.format(deadline=deadline_text(round_)))


def _confirmed_account(user, email: str) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.email.lower() == email
        and user.email_confirmed
    )


# --- questions ------------------------------------------------------------------


@transaction.atomic
def question_ask(
    *, round, text: str, email: str, name: str = "", user=None, now=None
) -> AskedQuestion:
    """Record a question; ask its address to be confirmed unless it already is.

    A signed-in user's own confirmed address reaches staff at once; any other
    address waits for the link in the e-mail. The same question from the same
    address, still unanswered, is the same question (a double submit records
    one and sends one e-mail).
    """
    now = now or timezone.now()
    _check_open(round, now)
    email = email.strip().lower()
    text = text.strip()
    existing = (
        AskedQuestion.objects.filter(
            round=round,
            email=email,
            text=text,
            status__in=[AskedQuestion.Status.UNCONFIRMED, AskedQuestion.Status.WAITING],
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    confirmed = _confirmed_account(user, email)
    question = AskedQuestion.objects.create(
        round=round,
        text=text,
        name=name.strip(),
        email=email,
        user=user if getattr(user, "is_authenticated", False) else None,
        status=(
            AskedQuestion.Status.WAITING
            if confirmed
            else AskedQuestion.Status.UNCONFIRMED
        ),
        confirmed_at=now if confirmed else None,
    )
    if not confirmed:
        message_enqueue(
            kind=Kind.EMAIL_CONFIRMATION,
            to_email=email,
            subject=f"Confirm your question about {round.name}",
            template="outreach_question_confirm",
            context={
                "round": round,
                "question": question.text,
                "name": question.name,
                "days": links.QUESTION_CONFIRM_DAYS,
                "time_zone": round.time_zone,
            },
            key=f"question-confirm:{question.pk}",
            recipient=question.user,
            link_kind=links.QUESTION_CONFIRM,
            link_object_id=question.pk,
        )
    return question


def question_from_token(token: str) -> AskedQuestion:
    """The question a confirmation link names; ValidationError if none."""
    try:
        data = signing.loads(
            token, salt=links.QUESTION_SALT, max_age=links.QUESTION_CONFIRM_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ValidationError(
            CONFIRM_EXPIRED.format(days=links.QUESTION_CONFIRM_DAYS)
        ) from None
    except signing.BadSignature:
        raise ValidationError(CONFIRM_INVALID) from None
    question = (
        AskedQuestion.objects.select_related("round")
        .filter(pk=data.get("q"), email=data.get("e", ""))
        .first()
    )
    if question is None:
        raise ValidationError(CONFIRM_INVALID)
    return question


@transaction.atomic
def question_confirm(*, question: AskedQuestion, now=None) -> AskedQuestion:
    """Confirm the question's address: the question reaches the staff queue."""
    now = now or timezone.now()
    question = AskedQuestion.objects.select_for_update().get(pk=question.pk)
    if question.status != AskedQuestion.Status.UNCONFIRMED:
        return question
    _check_open(question.round, now)
    question.confirmed_at = now
    status_move(question, AskedQuestion.Status.WAITING, fields=["confirmed_at"])
    return question


def _answer_email(question: AskedQuestion, entry: FaqEntry | None) -> None:
    message_enqueue(
        kind=Kind.GENERAL,
        to_email=question.email,
        subject=f"Your question about {question.round.name}: the answer",
        template="outreach_question_answer",
        context={
            "round": question.round,
            "name": question.name,
            "question": question.text,
            "answer": question.answer,
            "published": entry is not None and entry.is_published,
            "path": entry.get_absolute_url() if entry is not None else "",
            "time_zone": question.round.time_zone,
        },
        key=f"question-answer:{question.pk}",
        recipient=question.user,
    )


@transaction.atomic
def question_answer(
    *,
    question: AskedQuestion,
    by,
    answer: str = "",
    publish: bool = False,
    public_question: str = "",
    topic: str = "",
    entry: FaqEntry | None = None,
    also=(),
    now=None,
) -> FaqEntry | None:
    """Answer a waiting question (and its duplicates ``also``) and e-mail each asker.

    With ``entry`` the questions are answered by that published question (a
    duplicate merged into it). With ``publish`` a new published question is
    made from ``public_question`` and ``answer``, refused if its wording names
    any of the askers. Otherwise the answer goes to the askers only. Return
    the published question, if any.
    """
    now = now or timezone.now()
    main, questions = _waiting_questions(question, also)
    if entry is not None:
        if entry.round_id != main.round_id:
            raise ValidationError(ENTRY_OTHER_ROUND)
        if not entry.is_published:
            raise ValidationError(NOT_PUBLISHED)
        answer = entry.answer
    elif not answer.strip():
        raise ValidationError(ANSWER_REQUIRED)
    elif publish:
        entry = _faq_publish(
            main.round, questions, public_question, answer, topic, now, by
        )
    for q in questions:
        q.answer = answer.strip()
        q.entry = entry
        q.answered_at = now
        q.answered_by = by
        status_move(
            q,
            AskedQuestion.Status.ANSWERED,
            fields=["answer", "entry", "answered_at", "answered_by"],
        )
        audit_record(
            actor=by,
            action="question.answered",
            target=q,
            after={"entry": entry.pk if entry else None},
        )
        _answer_email(q, entry)
    return entry


def _waiting_questions(question: AskedQuestion, also):
    """Lock the question and its duplicates; return it and, first to last, those
    still waiting. A question no longer waiting is refused."""
    ids = [question.pk, *(q.pk for q in also)]
    locked = {
        q.pk: q
        for q in AskedQuestion.objects.select_for_update()
        .select_related("round")
        .filter(pk__in=ids, round_id=question.round_id)
    }
    main = locked.get(question.pk)
    if main is None or main.status != AskedQuestion.Status.WAITING:
        raise ValidationError(ALREADY_ANSWERED)
    questions = [main] + [
        q
        for pk, q in locked.items()
        if pk != main.pk and q.status == AskedQuestion.Status.WAITING
    ]
    return main, questions


def _faq_publish(round_, questions, public_question, answer, topic, now, by):
    """Publish the question and answer, refused if the wording names an asker."""
    for q in questions:
        found = rules.names_asker(
            f"{public_question}\n{answer}", name=q.name, email=q.email
        )
        if found:
            raise ValidationError(NAMES_ASKER.format(found=found))
    entry = FaqEntry.objects.create(
        round=round_,
        topic=topic or FaqEntry._meta.get_field("topic").default,
        question=public_question.strip(),
        answer=answer.strip(),
        published_at=now,
        created_by=by,
    )
    audit_record(actor=by, action="faq.published", target=entry)
    return entry


@transaction.atomic
def question_dismiss(*, question: AskedQuestion, by) -> AskedQuestion:
    """Take a question off the queue without an answer (spam, or not a question)."""
    question = AskedQuestion.objects.select_for_update().get(pk=question.pk)
    if question.status != AskedQuestion.Status.WAITING:
        raise ValidationError(ALREADY_ANSWERED)
    status_move(question, AskedQuestion.Status.DISMISSED)
    audit_record(actor=by, action="question.dismissed", target=question)
    return question


@transaction.atomic
def faq_entry_save(
    *, round, by, data: dict, entry: FaqEntry | None = None, now=None
) -> FaqEntry:
    """Create or change a published question; ``data["published"]`` shows it.

    Saved back unchanged, nothing is written.
    """
    now = now or timezone.now()
    # Read afresh: a model form has already put the posted values on ``entry``.
    entry = (
        FaqEntry.objects.select_for_update().get(pk=entry.pk)
        if entry is not None and entry.pk
        else FaqEntry(round=round, created_by=by)
    )
    published = bool(data.get("published"))
    texts = bilingual_fields(FaqEntry, ["question", "answer"])
    before = {
        "topic": entry.topic,
        **{f: getattr(entry, f) or "" for f in texts},
        "published": entry.is_published,
    }
    after = {
        "topic": data["topic"],
        **{f: (data.get(f) or "").strip() for f in texts},
        "published": published,
    }
    if entry.pk and before == after:
        return entry
    entry.topic = after["topic"]
    for f in texts:
        # An empty Spanish text shows the English.
        setattr(entry, f, after[f] or None if f.endswith("_es") else after[f])
    if published and entry.published_at is None:
        entry.published_at = now
    elif not published:
        entry.published_at = None
    created = entry.pk is None
    entry.save()
    audit_record(
        actor=by,
        action="faq.created" if created else "faq.changed",
        target=entry,
        before={} if created else before,
        after=after,
    )
    return entry


# --- timeline ---------------------------------------------------------------------


MILESTONE_FIELDS = bilingual_fields(
    Milestone, ["kind", "title", "on", "at_time", "when_text"]
)
MILESTONE_TEXTS = set(bilingual_fields(Milestone, ["title", "when_text"]))
MILESTONE_TAKEN = (
    "This round already has its {kind}: change that one instead of adding another."
)


@transaction.atomic
def milestone_save(
    *, round, by, data: dict, milestone: Milestone | None = None
) -> Milestone:
    """Create or change a milestone of the round's timeline (one of each kind,
    "Other" aside). Saved back unchanged, nothing is written."""
    milestone = (
        Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone is not None and milestone.pk
        else Milestone(round=round)
    )
    texts = MILESTONE_TEXTS
    before = {
        f: stored_text(getattr(milestone, f)) if f in texts else getattr(milestone, f)
        for f in MILESTONE_FIELDS
    }
    after = {
        f: stored_text(data.get(f)) if f in texts else data.get(f)
        for f in MILESTONE_FIELDS
    }
    if milestone.pk and before == after:
        return milestone
    # An empty Spanish text is left empty: the page shows the English.
    after["title_es"] = after["title_es"] or None
    after["when_text_es"] = after["when_text_es"] or None
    if after["kind"] != Milestone.Kind.OTHER:
        taken = Milestone.objects.filter(round=round, kind=after["kind"])
        if milestone.pk:
            taken = taken.exclude(pk=milestone.pk)
        if taken.exists():
            label = Milestone.Kind(after["kind"]).label.lower()
            raise ValidationError(MILESTONE_TAKEN.format(kind=label))
    for name, value in after.items():
        setattr(milestone, name, value)
    created = milestone.pk is None
    try:
        with transaction.atomic():
            milestone.save()
    except IntegrityError:
        label = Milestone.Kind(after["kind"]).label.lower()
        raise ValidationError(MILESTONE_TAKEN.format(kind=label)) from None
    audit_record(
        actor=by,
        action="milestone.created" if created else "milestone.changed",
        target=milestone,
        before={} if created else _jsonable(before),
        after=_jsonable(after),
    )
    return milestone


def _jsonable(values: dict) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in values.items()
    }


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by) -> None:
    audit_record(
        actor=by,
        action="milestone.deleted",
        target=milestone.round,
        before=_jsonable({f: getattr(milestone, f) for f in MILESTONE_FIELDS}),
    )
    milestone.delete()


# --- webinars ---------------------------------------------------------------------


WEBINAR_FIELDS = [
    "title_en",
    "title_es",
    "description_en",
    "description_es",
    "starts_at",
    "duration_minutes",
    "join_url",
    "capacity",
    "recording_url",
    "slides_url",
]


@transaction.atomic
def webinar_save(*, round, by, data: dict, webinar: Webinar | None = None) -> Webinar:
    """Create or change a session (its recording and slides afterwards).
    Saved back unchanged, nothing is written."""
    webinar = (
        Webinar.objects.select_for_update().get(pk=webinar.pk)
        if webinar is not None and webinar.pk
        else Webinar(round=round)
    )
    texts = {"title_en", "title_es", "description_en", "description_es"}
    before = {
        f: stored_text(getattr(webinar, f)) if f in texts else getattr(webinar, f)
        for f in WEBINAR_FIELDS
    }
    after = {f: data.get(f, before[f]) for f in WEBINAR_FIELDS}
    for f in ("join_url", "recording_url", "slides_url", *texts):
        after[f] = after[f] or ""
    if webinar.pk and before == after:
        return webinar
    # An empty Spanish text is left empty: the page shows the English.
    for f in ("title_es", "description_es"):
        after[f] = after[f] or None
    for name, value in after.items():
        setattr(webinar, name, value)
    created = webinar.pk is None
    webinar.save()
    audit_record(
        actor=by,
        action="webinar.created" if created else "webinar.changed",
        target=webinar,
        before={} if created else _jsonable(before),
        after=_jsonable(after),
    )
    return webinar


def _taken(webinar: Webinar) -> int:
    return webinar.registrations.filter(
        status=WebinarRegistration.Status.CONFIRMED
    ).count()


def _registered_email(registration: WebinarRegistration, now) -> None:
    """The seat, the join link and the registrant's own page. Sent again (once
    a day at most) when the address registers again: its owner lost it."""
    webinar = registration.webinar
    message_enqueue(
        kind=Kind.GENERAL,
        to_email=registration.email,
        subject=f"You are registered: {webinar.title}",
        template="outreach_webinar_registered",
        context={
            "webinar": webinar,
            "round": webinar.round,
            "name": registration.name,
            "time_zone": webinar.round.time_zone,
        },
        key=(
            f"webinar-registered:{registration.pk}:{webinar.starts_at:%Y%m%d%H%M}:"
            f"{timezone.localdate(now):%Y%m%d}"
        ),
        recipient=registration.user,
        link_kind=links.REGISTRATION,
        link_object_id=registration.pk,
    )


def _seat(registration: WebinarRegistration, now) -> WebinarRegistration:
    """Confirm a registration under a lock on its session, if a seat is free."""
    webinar = (
        Webinar.objects.select_for_update()
        .select_related("round")
        .get(pk=registration.webinar_id)
    )
    registration = WebinarRegistration.objects.select_for_update().get(
        pk=registration.pk
    )
    registration.webinar = webinar
    if registration.status == WebinarRegistration.Status.CONFIRMED:
        return registration
    if now >= webinar.starts_at:
        raise ValidationError(SESSION_PAST)
    if rules.seats_left(webinar.capacity, _taken(webinar)) == 0:
        raise ValidationError(SESSION_FULL)
    registration.confirmed_at = now
    status_move(
        registration, WebinarRegistration.Status.CONFIRMED, fields=["confirmed_at"]
    )
    _registered_email(registration, now)
    return registration


@transaction.atomic
def webinar_register(
    *,
    webinar: Webinar,
    name: str,
    email: str,
    organization: str = "",
    user=None,
    now=None,
) -> WebinarRegistration:
    """Register a person for a session, without an account.

    One address has one registration per session, however often it registers.
    A full session registers nobody. The seat is taken when the address is
    confirmed: at once for a signed-in user's own confirmed address, else by
    the link of the e-mail sent now.
    """
    now = now or timezone.now()
    if now >= webinar.starts_at:
        raise ValidationError(SESSION_PAST)
    email = email.strip().lower()
    registration = WebinarRegistration.objects.filter(
        webinar=webinar, email=email
    ).first()
    if (
        registration is not None
        and registration.status == WebinarRegistration.Status.CONFIRMED
    ):
        _registered_email(registration, now)
        return registration
    if rules.seats_left(webinar.capacity, _taken(webinar)) == 0:
        raise ValidationError(SESSION_FULL)
    if registration is None:
        registration = _registration_create(webinar, name, email, organization, user)
    elif registration.status == WebinarRegistration.Status.CANCELLED:
        registration.name = name.strip() or registration.name
        registration.organization = organization.strip() or registration.organization
        status_move(
            registration,
            WebinarRegistration.Status.UNCONFIRMED,
            fields=["name", "organization"],
        )
    if _confirmed_account(user, email):
        return _seat(registration, now)
    if registration.status == WebinarRegistration.Status.UNCONFIRMED:
        _registration_link_send(webinar, registration, email, now)
    return registration


def _registration_create(webinar, name, email, organization, user):
    """A new unconfirmed registration (linked to the signed-in user when the
    address is theirs); the one made at the same moment, if any."""
    account = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            return WebinarRegistration.objects.create(
                webinar=webinar,
                name=name.strip(),
                email=email,
                organization=organization.strip(),
                user=account if account and account.email.lower() == email else None,
            )
    except IntegrityError:  # the same address, at the same moment
        return WebinarRegistration.objects.get(webinar=webinar, email=email)


def _registration_link_send(webinar, registration, email: str, now) -> None:
    """E-mail the link that confirms the registration (once a day)."""
    message_enqueue(
        kind=Kind.EMAIL_CONFIRMATION,
        to_email=email,
        subject=f"Confirm your registration: {webinar.title}",
        template="outreach_webinar_confirm",
        context={
            "webinar": webinar,
            "round": webinar.round,
            "name": registration.name,
            "time_zone": webinar.round.time_zone,
        },
        # A second registration on another day sends the link again.
        key=f"webinar-confirm:{registration.pk}:{timezone.localdate(now):%Y%m%d}",
        recipient=registration.user,
        link_kind=links.REGISTRATION,
        link_object_id=registration.pk,
    )


def registration_from_token(token: str) -> WebinarRegistration | None:
    try:
        data = signing.loads(token, salt=links.REGISTRATION_SALT)
    except signing.BadSignature:
        return None
    return (
        WebinarRegistration.objects.select_related("webinar__round")
        .filter(pk=data.get("r"), email=data.get("e", ""))
        .first()
    )


@transaction.atomic
def webinar_registration_confirm(
    *, registration: WebinarRegistration, now=None
) -> WebinarRegistration:
    """Confirm the address of a registration: it takes a seat if one is free."""
    now = now or timezone.now()
    return _seat(registration, now)


@transaction.atomic
def webinar_registration_cancel(
    *, registration: WebinarRegistration
) -> WebinarRegistration:
    """Give the seat back."""
    registration = WebinarRegistration.objects.select_for_update().get(
        pk=registration.pk
    )
    if registration.status != WebinarRegistration.Status.CANCELLED:
        status_move(registration, WebinarRegistration.Status.CANCELLED)
    return registration
