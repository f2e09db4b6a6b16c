"""Every write of surveys: building, opening, dispatch, answers and their release.

How an anonymous survey stays anonymous in the data
---------------------------------------------------
The completion record (``Invitation.completed_on``, a day) and the answers
(``Response``/``Answer``) share nothing a database reader could join:

* No key: responses and answers have random UUID keys, no foreign key to the
  invitation or the person, and ``Response.organization``/``invitation`` stay
  empty. The cohort a report breaks answers down by is kept encrypted
  (``segment_sealed``, see ``sealing.py``), because in cohorts of four or five
  a plain cohort next to the list of who completed would narrow a response to
  a handful of people; ``Response.segment`` stays empty.
* No time: ``Response.submitted_on`` is left empty for anonymous surveys. Even
  a day would join when only one person completed on that day.
* No order: a submission does not write a ``Response`` at all. It writes a
  sealed ``PendingResponse`` and marks the invitation completed, in one
  transaction. A release (``survey_release``) decrypts the waiting responses
  once at least ``min_group_size`` are waiting (or at the close) and rewrites
  *every* response of the survey with fresh random keys, in random order, in
  one transaction. So no single released response ever sits beside a single
  completion: the first release already holds ``min_group_size`` of them, and
  a snapshot taken between two releases shows each new batch as a group.
  The rewrite also means the rows' PostgreSQL system columns (``xmin``, the
  inserting transaction, and ``ctid``, the physical place) are those of the
  release, shared by all responses, not of the submissions; on SQLite it
  renumbers the hidden ``rowid`` the same way.
* No request data: no IP address, user agent or session is stored with either
  side, nothing is logged at submission, and no audit row is written for an
  anonymous answer.
* Drafts: answers in progress of an anonymous survey are kept in the
  respondent's browser only (``static/js/surveys.js``); ``Invitation.progress``
  is used for named surveys and emptied when they are submitted.
* Links: only the SHA-256 of an invitation token is stored, and the link is
  made when its e-mail is sent (``survey_link``): the outbox's copy never
  holds it.

What remains outside the portal's data: database server logs and write-ahead
log, and backups taken between a submission and its release, hold the sealed
row, which the key (configuration, not data) is needed to open.

Non-anonymous surveys (the capacity assessment) store the organization, the
invitation and the day with each response, so that assessments can be compared
per organization.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal

from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from dashmentor import broker
from dashmentor.services import audit_record
from notifications import links
from notifications.models import Kind, Message
from notifications.services import idempotency_key, message_enqueue

from . import rules, sealing, selectors
from .models import (
    Answer,
    Choice,
    Invitation,
    PendingResponse,
    Question,
    Response,
    Section,
    Survey,
    hash_token,
    new_invitation_token,
)

DISPATCH_BATCH_SIZE = 50

BAD_TRANSITION = "A survey cannot go from {before} to {after}."
NO_QUESTIONS = "Add at least one question before opening the survey."
CLOSE_IN_PAST = "The closing time has passed: set a later closing time first."
LOCKED = (
    "This survey already has responses, so its questions cannot change. "
    "Copy it to make a new version."
)
ANONYMITY_LOCKED = (
    "This survey already has responses, so whether it is anonymous cannot change."
)
ALREADY_SUBMITTED = "This invitation has already been used: your answers are in."
SURVEY_CLOSED = "This survey is closed and no longer accepts answers."
SURVEY_NOT_OPEN = "This survey is not open yet."
BAD_LINK = (
    "This survey link is not valid. It may be mistyped, or a newer reminder "
    "replaced it: use the link in the latest e-mail, or sign in and open "
    "My surveys."
)
NEEDS_CHOICES = "List at least two options, one a line."
BOUNDS_ORDER = "The smallest allowed number must not be larger than the largest."
LIKERT_LABELS = "Give exactly five labels, one a line, from 1 to 5."
PROGRESS_ANONYMOUS = (
    "Answers in progress of an anonymous survey stay in your browser only."
)
INVITATION_GONE = "the survey invitation is gone"
OPENED = "Survey open: invitations are being written and sent in batches."
OPENED_QUEUE_DOWN = (
    "Survey open. Invitations will go out as soon as the mail queue is reachable."
)

SURVEY_LINK = "survey"


def _check_transition(survey: Survey, after: str) -> None:
    if after not in Survey.TRANSITIONS.get(survey.status, set()):
        raise ValidationError(
            BAD_TRANSITION.format(
                before=survey.get_status_display(),
                after=Survey.Status(after).label,
            )
        )


def _check_unlocked(survey: Survey) -> None:
    if selectors.survey_is_locked(survey):
        raise ValidationError(LOCKED)


# --- building ---

SURVEY_FIELDS = (
    "title",
    "kind",
    "description",
    "round",
    "audience",
    "audience_mentorship",
    "audience_group",
    "audience_emails",
    "opens_at",
    "closes_at",
    "anonymous",
    "required",
    "min_group_size",
    "reminder_days",
)


def _snapshot(survey: Survey) -> dict:
    return {
        f: str(getattr(survey, f"{f}_id", None) or getattr(survey, f))
        for f in SURVEY_FIELDS
    }


@transaction.atomic
def survey_create(*, by, **fields) -> Survey:
    """Create a draft survey."""
    survey = Survey.objects.create(created_by=by, **fields)
    audit_record(
        actor=by, action="survey.create", target=survey, after=_snapshot(survey)
    )
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, by, **fields) -> Survey:
    """Change a survey's settings; anonymity is fixed once answers exist."""
    locked = selectors.survey_is_locked(survey)
    if locked and "anonymous" in fields and fields["anonymous"] != survey.anonymous:
        raise ValidationError({"anonymous": ANONYMITY_LOCKED})
    before = _snapshot(survey)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.save()
    audit_record(
        actor=by,
        action="survey.update",
        target=survey,
        before=before,
        after=_snapshot(survey),
    )
    return survey


@transaction.atomic
def section_save(
    *, survey: Survey, by, title: str, description: str = "", section=None
) -> Section:
    """Add a section at the end, or rename one."""
    _check_unlocked(survey)
    if section is None:
        last = (
            survey.sections.order_by("-order").values_list("order", flat=True).first()
        )
        section = Section(survey=survey, order=(last or 0) + 1)
    section.title = title
    section.description = description
    section.save()
    audit_record(
        actor=by, action="survey.section", target=survey, after={"section": title}
    )
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    _check_unlocked(section.survey)
    audit_record(
        actor=by,
        action="survey.section_delete",
        target=section.survey,
        before={"section": section.title},
    )
    section.delete()


def _parse_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _choice_values(labels: list[str]) -> list[str]:
    values, seen = [], set()
    for label in labels:
        base = slugify(label)[:50] or "option"
        value, n = base, 2
        while value in seen:
            value, n = f"{base}-{n}", n + 1
        seen.add(value)
        values.append(value)
    return values


@transaction.atomic
def question_save(
    *,
    section: Section,
    by,
    kind: str,
    prompt: str,
    help_text: str = "",
    required: bool = True,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    choices_text: str = "",
    likert_labels_text: str = "",
    key: str = "",
    question: Question | None = None,
) -> Question:
    """Add a question at the end of its section, or change one.

    Choices come one a line; Likert labels are five lines (1 to 5), or the
    default agree/disagree scale when left empty.
    """
    _check_unlocked(section.survey)
    errors = {}
    labels = _parse_lines(choices_text)
    if kind in rules.CHOICE_KINDS and len(labels) < 2:
        errors["choices_text"] = NEEDS_CHOICES
    if (
        kind == rules.NUMBER
        and min_value is not None
        and max_value is not None
        and min_value > max_value
    ):
        errors["max_value"] = BOUNDS_ORDER
    likert = _parse_lines(likert_labels_text)
    if kind == rules.LIKERT and likert and len(likert) != 5:
        errors["likert_labels_text"] = LIKERT_LABELS
    if errors:
        raise ValidationError(errors)
    if question is None:
        last = (
            section.questions.order_by("-order").values_list("order", flat=True).first()
        )
        question = Question(section=section, order=(last or 0) + 1)
    question.kind = kind
    question.prompt = prompt
    question.help_text = help_text
    question.required = required
    question.key = key or slugify(prompt)[:60]
    question.min_value = min_value if kind == rules.NUMBER else None
    question.max_value = max_value if kind == rules.NUMBER else None
    if kind == rules.LIKERT:
        question.likert_labels = (
            likert
            or question.likert_labels
            or [
                "Strongly disagree",
                "Disagree",
                "Neither agree nor disagree",
                "Agree",
                "Strongly agree",
            ]
        )
    question.save()
    question.choices.all().delete()
    if kind in rules.CHOICE_KINDS:
        Choice.objects.bulk_create(
            Choice(question=question, order=i, label=label, value=value)
            for i, (label, value) in enumerate(
                zip(labels, _choice_values(labels), strict=True), start=1
            )
        )
    audit_record(
        actor=by,
        action="survey.question",
        target=section.survey,
        after={"question": question.prompt[:200], "kind": kind},
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    survey = question.section.survey
    _check_unlocked(survey)
    audit_record(
        actor=by,
        action="survey.question_delete",
        target=survey,
        before={"question": question.prompt[:200]},
    )
    question.delete()


def _move(items: list, item, direction: str) -> None:
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for order, obj in enumerate(items, start=1):
        if obj.order != order:
            obj.order = order
            obj.save(update_fields=["order"])


@transaction.atomic
def question_move(*, question: Question, direction: str, by) -> None:
    """Move a question one place up or down within its section."""
    _check_unlocked(question.section.survey)
    _move(list(question.section.questions.order_by("order", "id")), question, direction)


@transaction.atomic
def section_move(*, section: Section, direction: str, by) -> None:
    _check_unlocked(section.survey)
    _move(list(section.survey.sections.order_by("order", "id")), section, direction)


@transaction.atomic
def survey_copy(*, survey: Survey, by) -> Survey:
    """Copy a survey's settings, sections, questions and choices into a new draft."""
    copy = Survey.objects.create(
        **{f: getattr(survey, f) for f in SURVEY_FIELDS if f != "title"},
        title=f"{survey.title} (copy)",
        copied_from=survey,
        created_by=by,
    )
    for section in selectors.survey_structure(survey):
        new_section = Section.objects.create(
            survey=copy,
            order=section.order,
            title=section.title,
            description=section.description,
        )
        for q in section.questions.all():
            new_q = Question.objects.create(
                section=new_section,
                order=q.order,
                key=q.key,
                kind=q.kind,
                prompt=q.prompt,
                help_text=q.help_text,
                required=q.required,
                min_value=q.min_value,
                max_value=q.max_value,
                likert_labels=q.likert_labels,
            )
            Choice.objects.bulk_create(
                Choice(question=new_q, order=c.order, label=c.label, value=c.value)
                for c in q.choices.all()
            )
    audit_record(actor=by, action="survey.copy", target=copy, note=f"from #{survey.pk}")
    return copy


# --- opening, closing and dispatch ---


@transaction.atomic
def survey_schedule(*, survey: Survey, by) -> Survey:
    """Let a draft open by itself at its opening time (the scan opens it)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_transition(survey, Survey.Status.OPEN)
    if not Question.objects.filter(section__survey=survey).exists():
        raise ValidationError(NO_QUESTIONS)
    if survey.closes_at <= timezone.now():
        raise ValidationError(CLOSE_IN_PAST)
    survey.scheduled = True
    survey.save(update_fields=["scheduled"])
    audit_record(actor=by, action="survey.schedule", target=survey)
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, by=None, now: dt.datetime | None = None) -> Survey:
    """Open a survey now; from the commit on, its recipients are owed invitations.

    The open survey is the record of that: the dispatch task woken here writes
    them, and the invitations sweep writes whatever it did not (the broker
    was down, the task was lost), so opening never waits on the broker.
    """
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_transition(survey, Survey.Status.OPEN)
    if not Question.objects.filter(section__survey=survey).exists():
        raise ValidationError(NO_QUESTIONS)
    if survey.closes_at <= now:
        raise ValidationError(CLOSE_IN_PAST)
    before = survey.status
    survey.status = Survey.Status.OPEN
    survey.opens_at = min(survey.opens_at, now)
    survey.opened_at = survey.opened_at or now
    survey.scheduled = False
    survey.save(update_fields=["status", "opens_at", "opened_at", "scheduled"])
    audit_record(
        actor=by,
        action="survey.open",
        target=survey,
        before={"status": before},
        after={"status": survey.status},
    )
    _queue_dispatch(survey.pk)
    return survey


def _queue_dispatch(survey_id: int) -> None:
    from .tasks import survey_dispatch_task

    # Only a wake-up: the open survey is itself the record of what is owed,
    # and the invitations sweep writes whatever this message does not.
    broker.publish_on_commit(survey_dispatch_task, survey_id)


# --- invitations: derived from the database --------------------------------------
#
# An open survey owes an invitation to each recipient its audience names. What
# is owed is read from the database each time (recipients without an
# ``Invitation`` row), never carried by a task: ``survey_dispatch`` writes the
# missing ones in batches, each batch one transaction of invitations and their
# outbox messages (sent by the outbox in batches of ``OUTBOX_BATCH_SIZE`` over
# one SMTP connection). A run that dies, a task lost with its worker or with a
# Redis restart, a broker down when the survey opened: the invitations sweep
# (beat, every minute) finds the recipients still without one and writes
# them. Invitations are unique per (survey, address) and their messages per
# (survey, address) too, so a repeat or two runs at once write nothing twice.


def survey_dispatch(*, survey: Survey) -> int:
    """Write the invitations the open survey's recipients lack; return how many.

    Each batch of ``DISPATCH_BATCH_SIZE`` is one transaction, under a lock on
    the survey row, so two runs at once (the task and the sweep) take turns
    and the second finds the first's invitations.
    """
    written = 0
    while True:
        count = _invitations_write_batch(survey_id=survey.pk)
        written += count
        if count < DISPATCH_BATCH_SIZE:
            return written


def invitations_sweep(*, now: dt.datetime | None = None) -> int:
    """Write every invitation an open survey still owes; return how many."""
    now = now or timezone.now()
    written = 0
    for survey in Survey.objects.filter(
        status=Survey.Status.OPEN, opens_at__lte=now, closes_at__gt=now
    ).order_by("pk"):
        written += survey_dispatch(survey=survey)
    return written


@transaction.atomic
def _invitations_write_batch(*, survey_id: int) -> int:
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None or not survey.is_accepting():
        return 0
    invited = set(
        Invitation.objects.filter(survey=survey).values_list("email", flat=True)
    )
    missing = [
        r for r in selectors.survey_recipients(survey) if r.email.lower() not in invited
    ][:DISPATCH_BATCH_SIZE]
    for recipient in missing:
        _invitation_write(survey=survey, recipient=recipient)
    return len(missing)


def _invitation_write(*, survey: Survey, recipient) -> Invitation:
    # The stored hash is of a token nobody has: the e-mail's link is made, and
    # the hash set to it, when the e-mail is sent (``survey_link``).
    invitation = Invitation.objects.create(
        survey=survey,
        user=recipient.user,
        email=recipient.email.lower(),
        organization=recipient.organization,
        mentorship=recipient.mentorship,
        token_hash=hash_token(new_invitation_token()),
    )
    message_enqueue(
        kind=Kind.SURVEY_INVITATION,
        to_email=recipient.email,
        subject=f"Survey: {survey.title}",
        template="surveys_invitation",
        context={
            "survey": survey,
            "closes": _closes_local(survey, recipient.user),
        },
        key=f"survey:{survey.pk}",
        recipient=recipient.user,
        link_kind=SURVEY_LINK,
        link_object_id=invitation.pk,
    )
    return invitation


def _answer_path(token: str) -> str:
    return reverse("surveys:answer", args=[token])


def survey_link_token(message_id: int) -> str:
    """The answer-link token of one outbox message: the same on every attempt.

    An HMAC of the message's id under the portal's secret key: nobody who can
    read the database, but not the key, can make it.
    """
    digest = salted_hmac(
        "surveys.invitation-link", str(message_id), algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def survey_link(message) -> str:
    """Make the answer link of a survey e-mail as it is sent.

    The invitation's stored hash becomes that of this message's token, so the
    link works from the moment the e-mail leaves and an earlier e-mail's link
    stops working (a reminder replaces the invitation's link), unless a later
    e-mail to the same invitation has already gone out with its own.
    """
    invitation = Invitation.objects.filter(pk=message.link_object_id).first()
    if invitation is None:
        raise links.LinkUnavailable(links.LINK_GONE.format(reason=INVITATION_GONE))
    token = survey_link_token(message.pk)
    token_hash = hash_token(token)
    if invitation.token_hash != token_hash:
        superseded = Message.objects.filter(
            link_kind=SURVEY_LINK,
            link_object_id=invitation.pk,
            pk__gt=message.pk,
            status=Message.Status.SENT,
        ).exists()
        if not superseded:
            Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    return links.absolute(_answer_path(token))


def _closes_local(survey: Survey, user) -> str:
    zone = user.zone if user is not None else timezone.get_default_timezone()
    local = timezone.localtime(survey.closes_at, zone)
    return f"{local:%B} {local.day}, {local:%Y} at {local:%I:%M %p %Z}".replace(
        " 0", " "
    )


def survey_remind(*, survey: Survey, days: int) -> int:
    """Remind every invitee who has not completed, once per offset.

    Only the token's hash is kept, so a reminder carries a fresh link (made
    when it is sent) and the older one stops working. Return how many
    reminders were written.
    """
    sent = 0
    key = f"survey:{survey.pk}:reminder:{days}d"
    pending = Invitation.objects.filter(survey=survey, completed_on__isnull=True)
    for invitation in pending.select_related("user"):
        full_key = idempotency_key(Kind.SURVEY_REMINDER, invitation.email, key)
        if Message.objects.filter(idempotency_key=full_key).exists():
            continue
        with transaction.atomic():
            message_enqueue(
                kind=Kind.SURVEY_REMINDER,
                to_email=invitation.email,
                subject=f"Reminder: {survey.title} closes soon",
                template="surveys_reminder",
                context={
                    "survey": survey,
                    "closes": _closes_local(survey, invitation.user),
                    "days": days,
                },
                key=key,
                recipient=invitation.user,
                link_kind=SURVEY_LINK,
                link_object_id=invitation.pk,
            )
        sent += 1
    return sent


@transaction.atomic
def survey_close(*, survey: Survey, by=None) -> Survey:
    """Close a survey: nothing more is accepted, waiting answers are released."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_transition(survey, Survey.Status.CLOSED)
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="survey.close",
        target=survey,
        before={"status": Survey.Status.OPEN},
        after={"status": survey.status},
    )
    survey_release(survey=survey, final=True)
    return survey


def surveys_scan(*, now: dt.datetime | None = None) -> dict:
    """Open scheduled surveys that are due, remind, close the overdue, release."""
    now = now or timezone.now()
    done = {"opened": 0, "reminded": 0, "closed": 0, "released": 0}
    for survey in Survey.objects.filter(
        status=Survey.Status.DRAFT, scheduled=True, opens_at__lte=now, closes_at__gt=now
    ):
        survey_open(survey=survey, now=now)
        done["opened"] += 1
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__lte=now):
        survey_close(survey=survey)
        done["closed"] += 1
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__gt=now):
        due = [
            d
            for d in (survey.reminder_days or [])
            if survey.closes_at - dt.timedelta(days=int(d)) <= now
        ]
        if due:
            # After a pause, only the nearest offset goes out, not a burst.
            done["reminded"] += survey_remind(survey=survey, days=int(min(due)))
    for survey_id in PendingResponse.objects.values_list(
        "survey_id", flat=True
    ).distinct():
        survey = Survey.objects.get(pk=survey_id)
        done["released"] += survey_release(
            survey=survey, final=survey.status == Survey.Status.CLOSED
        )
    return done


# --- answering ---


def _raw_for(specs, raw) -> dict[str, list[str]]:
    names = {s.field_name for s in specs}
    out = {}
    for name in names:
        values = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name, [])
        if isinstance(values, str):
            values = [values]
        out[name] = [str(v)[: rules.LONG_TEXT_MAX + 1] for v in values][:100]
    return out


@transaction.atomic
def response_save_progress(*, invitation: Invitation, raw) -> Invitation:
    """Keep a named survey's answers in progress on the invitation."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("survey")
        .get(pk=invitation.pk)
    )
    survey = invitation.survey
    if survey.anonymous:
        raise ValidationError(PROGRESS_ANONYMOUS)
    _check_accepting(invitation)
    specs = selectors.survey_specs(selectors.survey_structure(survey))
    invitation.progress = _raw_for(specs, raw)
    invitation.save(update_fields=["progress"])
    return invitation


def _check_accepting(invitation: Invitation) -> None:
    survey = invitation.survey
    if invitation.completed:
        raise ValidationError(ALREADY_SUBMITTED)
    now = timezone.now()
    if survey.status == Survey.Status.DRAFT or (
        survey.status == Survey.Status.OPEN and now < survey.opens_at
    ):
        raise ValidationError(SURVEY_NOT_OPEN)
    if not survey.is_accepting(now):
        raise ValidationError(SURVEY_CLOSED)


def _answer_payload(cleaned: dict[int, rules.Cleaned]) -> dict:
    return {
        str(qid): {
            "n": None if a.number is None else str(a.number),
            "t": a.text,
            "c": a.choices,
        }
        for qid, a in cleaned.items()
    }


def _answers_from_payload(response: Response, payload: dict) -> list[Answer]:
    return [
        Answer(
            id=uuid.uuid4(),
            response=response,
            question_id=int(qid),
            number=None if a["n"] is None else Decimal(a["n"]),
            text=a["t"],
            choices=a["c"],
        )
        for qid, a in payload.items()
    ]


def response_submit(*, invitation: Invitation, raw) -> Response | PendingResponse:
    """Record one invitation's answers, once, while the survey accepts them.

    Refused with nothing saved: an invitation already used, a survey not open
    or closed, any invalid answer (errors by field). For an anonymous survey the
    answers wait sealed until released with others (see the module docstring).
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("survey")
            .get(pk=invitation.pk)
        )
        survey = invitation.survey
        _check_accepting(invitation)
        specs = selectors.survey_specs(selectors.survey_structure(survey))
        cleaned, errors = rules.validate_answers(specs, _raw_for(specs, raw))
        if errors:
            raise ValidationError(errors)
        today = timezone.localdate()
        if survey.anonymous:
            result = PendingResponse.objects.create(
                survey=survey,
                payload=sealing.seal(
                    survey.pk,
                    {
                        "segment": invitation.mentorship_id,
                        "answers": _answer_payload(cleaned),
                    },
                ),
            )
        else:
            result = Response.objects.create(
                survey=survey,
                segment_id=invitation.mentorship_id,
                organization_id=invitation.organization_id,
                invitation=invitation,
                submitted_on=today,
            )
            Answer.objects.bulk_create(
                _answers_from_payload(result, _answer_payload(cleaned))
            )
        invitation.completed_on = today
        invitation.progress = {}
        invitation.save(update_fields=["completed_on", "progress"])
    if survey.anonymous:
        transaction.on_commit(lambda: _queue_release(survey.pk))
    return result


def _queue_release(survey_id: int) -> None:
    from .tasks import survey_release_task

    # Only a wake-up: the waiting rows are the record, and the surveys scan
    # releases what is due if this message is lost.
    broker.publish(survey_release_task, [survey_id])


# --- release of anonymous answers ---


def segment_of(survey_id: int, response: Response) -> int | None:
    """The cohort of a response: plain for named surveys, opened for anonymous."""
    if response.segment_id is not None:
        return response.segment_id
    if response.segment_sealed:
        try:
            return sealing.unseal(survey_id, response.segment_sealed)
        except (InvalidTag, ValueError):
            # Sealed under another key (e.g. imported from another portal):
            # counted in the totals, in no cohort.
            return None
    return None


@transaction.atomic
def survey_release(*, survey: Survey, final: bool = False) -> int:
    """Release waiting anonymous answers together; return how many.

    Waiting answers are released once at least ``min_group_size`` wait, or at
    the close (``final``) once the survey holds at least that many in all; a
    survey answered by fewer people keeps them sealed and its report says so.
    Every release rewrites all of the survey's responses with new random keys
    in random order. At the close, the cohort is wiped from the responses of
    cohorts a report would hide, so not even the key can narrow them down.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.anonymous:
        return 0
    k = survey.min_group_size
    waiting = list(PendingResponse.objects.filter(survey=survey))
    released = Response.objects.filter(survey=survey).count()
    enough = len(waiting) >= k or (final and released + len(waiting) >= k)
    if not (waiting and enough) and not (final and released):
        return 0
    rows: list[tuple[int | None, list[dict]]] = []
    for response in Response.objects.filter(survey=survey).prefetch_related("answers"):
        rows.append(
            (
                segment_of(survey.pk, response),
                {
                    str(a.question_id): {
                        "n": None if a.number is None else str(a.number),
                        "t": a.text,
                        "c": a.choices,
                    }
                    for a in response.answers.all()
                },
            )
        )
    count = 0
    if waiting and enough:
        for pending in waiting:
            data = sealing.unseal(survey.pk, pending.payload)
            rows.append((data["segment"], data["answers"]))
            count += 1
        PendingResponse.objects.filter(pk__in=[p.pk for p in waiting]).delete()
    if final:
        counts: dict[int, int] = {}
        for segment, _ in rows:
            if segment is not None:
                counts[segment] = counts.get(segment, 0) + 1
        hidden = rules.suppress_cells(counts, k).hidden
        rows = [(None if s in hidden else s, a) for s, a in rows]
    _rewrite(survey, rows)
    return count


def _rewrite(survey: Survey, rows) -> None:
    """Replace the survey's responses with new rows in random order.

    The new rows are inserted in the order of their fresh random keys, so
    neither the keys nor the physical order say when any of them came in.
    """
    Answer.objects.filter(response__survey=survey).delete()
    Response.objects.filter(survey=survey).delete()
    responses, answers = [], []
    for segment, payload in rows:
        response = Response(
            id=uuid.uuid4(),
            survey=survey,
            segment_sealed=sealing.seal(survey.pk, segment) if segment else "",
        )
        responses.append(response)
        answers.extend(_answers_from_payload(response, payload))
    responses.sort(key=lambda r: r.id)
    answers.sort(key=lambda a: a.id)
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=500)
    from .reports import report_invalidate

    report_invalidate(survey.pk)
