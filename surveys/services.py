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
  transaction (holding the survey's row, so that a release sees each
  submission whole). A release (``survey_release``) decrypts the waiting
  responses and rewrites *every* response of the survey with fresh random
  keys, in random order, in one transaction. The rewrite also means the rows'
  PostgreSQL system columns (``xmin``, the inserting transaction, and
  ``ctid``, the physical place) are those of the release, shared by all
  responses, not of the submissions; on SQLite it renumbers the hidden
  ``rowid`` the same way.

What a report may show: releases in groups (statistical disclosure control)
-------------------------------------------------------------------------
Staff can save a report before and after each release and subtract. So a
report hiding small cells is not enough: the *differences* between any two
reports, and between a report's total and its visible cells, must hide them
too. The portal gets that by construction rather than by auditing each
report. Every release publishes its answers as one or more *groups* of at
least k = ``min_group_size`` answers, and a group is never split afterwards:

* A cohort still shown, with at least k answers waiting, goes out as a group
  of its own and stays shown; its answers keep their cohort (sealed).
* Answers of hidden cohorts, of no cohort, and of shown cohorts with fewer
  than k waiting that can no longer reach k go out together as one mixed
  group once it holds k; their cohort is wiped, and every shown cohort among
  them is hidden from then on, its earlier answers included (stored in
  ``Release.hidden_cohorts``). Before the close a shown cohort short of k
  waits for the rest of its invitees.
* At the close, a mixed group under k takes in the smallest own groups; if
  everything waiting is under k, nothing is released and the report says the
  answers are withheld (they stay sealed, and go out with a later group if the
  survey opens again).

Every published figure (the overall figures, a shown cohort's figures, the
response-rate table, which counts a cohort's answers once released and only
for shown cohorts) is then the sum over whole groups, and so is every sum or
difference of published figures, within a report or across reports, including
"overall minus the shown cohorts": no computation reaches fewer than k
people's answers, nor exactly a hidden cohort's. ``rules.plan_release`` is the
plan; ``tests/surveys/test_disclosure.py`` attacks every pair of reports. Staff
see completion no finer than the release that carried it
(``Invitation.released_in``; the admin shows the release, never the day), and
text answers in alphabetical order, so that their order carries nothing.

What this does not hide: that a group's answers agree (five people who all
chose "Disagree" are seen to have), and a group's figures, which cover k
people known to staff by the release they fell in.

Bad rows: a waiting response that cannot be released (sealed under a key
that is gone, or holding what the database refuses, such as a NUL byte an
older version accepted) is quarantined on its own, sealed, reported on the
report page, in the log and in the audit log, and the others are released.
Answers are checked before they are accepted (``rules.validate_answer``,
which refuses NUL bytes as Django's forms do), and a release that fails never
fails the request of the respondent whose answer asked for it.

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
import logging
import uuid
from collections import Counter
from decimal import Decimal

from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from dashmentor import broker
from dashmentor.bilingual import language_codes, translated_names
from dashmentor.services import audit_record
from dashmentor.status import status_check, status_move
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
    Release,
    Response,
    Section,
    Survey,
    default_likert_labels_en,
    default_likert_labels_es,
    hash_token,
    new_invitation_token,
)

logger = logging.getLogger(__name__)

DISPATCH_BATCH_SIZE = 50

BAD_TRANSITION = _("A survey cannot go from {before} to {after}.")
NO_QUESTIONS = _("Add at least one question before opening the survey.")
CLOSE_IN_PAST = _("The closing time has passed: set a later closing time first.")
LOCKED = _(
    "This survey already has responses, so its questions cannot change. "
    "Copy it to make a new version."
)
ANONYMITY_LOCKED = _(
    "This survey already has responses, so whether it is anonymous cannot change."
)
GROUP_SIZE_LOCKED = _(
    "This survey already has responses, so its minimum group size can only grow: "
    "a smaller one would let a new release be compared with an earlier one."
)
ALREADY_SUBMITTED = _("This invitation has already been used: your answers are in.")
SURVEY_CLOSED = _("This survey is closed and no longer accepts answers.")
SURVEY_NOT_OPEN = _("This survey is not open yet.")
BAD_LINK = _(
    "This survey link is not valid. It may be mistyped, or a newer reminder "
    "replaced it: use the link in the latest e-mail, or sign in and open "
    "My surveys."
)
NEEDS_CHOICES = _("List at least two options, one a line.")
BOUNDS_ORDER = _("The smallest allowed number must not be larger than the largest.")
LIKERT_LABELS = _("Give exactly five labels, one a line, from 1 to 5.")
SPANISH_CHOICES = _(
    "Give one Spanish option for each option, in the same order, or none."
)
PROGRESS_ANONYMOUS = _(
    "Answers in progress of an anonymous survey stay in your browser only."
)
DIRECTIONS = ("up", "down")
BAD_DIRECTION = _("Move it up or down.")
INVITATION_GONE = _("the survey invitation is gone")
OPENED = _("Survey open: invitations are being written and sent in batches.")
OPENED_QUEUE_DOWN = _(
    "Survey open. Invitations will go out as soon as the mail queue is reachable."
)

SURVEY_LINK = "survey"


def _check_transition(survey: Survey, after: str) -> None:
    status_check(survey, after, BAD_TRANSITION)


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
    if locked and fields.get("min_group_size", survey.min_group_size) < (
        survey.min_group_size
    ):
        raise ValidationError({"min_group_size": GROUP_SIZE_LOCKED})
    before = _snapshot(survey)
    changed = [name for name, value in fields.items() if getattr(survey, name) != value]
    if not changed:
        return survey  # saved back unchanged: nothing to write
    for name in changed:
        setattr(survey, name, fields[name])
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
    *,
    survey: Survey,
    by,
    title: str,
    description: str = "",
    title_es: str = "",
    description_es: str = "",
    section=None,
) -> Section:
    """Add a section at the end, or rename one (in English, and in Spanish
    where given: an empty Spanish text shows the English)."""
    _check_unlocked(survey)
    values = {
        "title_en": title,
        "description_en": description,
        "title_es": title_es or None,
        "description_es": description_es or None,
    }
    if section is None:
        last = (
            survey.sections.order_by("-order").values_list("order", flat=True).first()
        )
        section = Section(survey=survey, order=(last or 0) + 1)
    elif all(
        (getattr(section, name) or None) == (value or None)
        for name, value in values.items()
    ):
        return section  # saved back unchanged: nothing to write
    for name, value in values.items():
        setattr(section, name, value)
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
    prompt_es: str = "",
    help_text_es: str = "",
    choices_es_text: str = "",
    likert_labels_es_text: str = "",
    question: Question | None = None,
) -> Question:
    """Add a question at the end of its section, or change one.

    Choices come one a line; Likert labels are five lines (1 to 5), or the
    default agree/disagree scale when left empty. The Spanish texts are
    optional (empty: the English is shown); Spanish options are the same
    options, line for line, so an answer counts under one option whatever the
    language of its page. An option whose line is kept
    keeps its row (see ``_choices_sync``); a question saved back unchanged
    writes nothing, not even an audit row.
    """
    _check_unlocked(section.survey)
    labels, labels_es = _parse_lines(choices_text), _parse_lines(choices_es_text)
    likert = _parse_lines(likert_labels_text)
    likert_es = _parse_lines(likert_labels_es_text)
    _check_question(kind, labels, labels_es, likert, likert_es, min_value, max_value)
    created = question is None
    if created:
        question = _question_new(section)
    values = {
        "kind": kind,
        "prompt_en": prompt,
        "prompt_es": prompt_es or None,
        "help_text_en": help_text,
        "help_text_es": help_text_es or None,
        "required": required,
        "key": key or slugify(prompt)[:60],
        "min_value": min_value if kind == rules.NUMBER else None,
        "max_value": max_value if kind == rules.NUMBER else None,
    }
    values.update(_likert_values(question, kind, likert, likert_es))
    changed = _question_fields_save(question, values, created=created)
    choices_changed = _choices_sync(question, _wanted_choices(kind, labels, labels_es))
    if not (created or changed or choices_changed):
        return question  # saved back unchanged: nothing to write
    audit_record(
        actor=by,
        action="survey.question",
        target=section.survey,
        after={"question": question.prompt[:200], "kind": kind},
    )
    return question


def _check_question(kind, labels, labels_es, likert, likert_es, min_value, max_value):
    """Refuse too few options, bounds the wrong way round, or line counts that
    do not match (Spanish options, the five Likert labels)."""
    errors = {}
    if kind in rules.CHOICE_KINDS and len(labels) < 2:
        errors["choices_text"] = NEEDS_CHOICES
    if (
        kind == rules.NUMBER
        and min_value is not None
        and max_value is not None
        and min_value > max_value
    ):
        errors["max_value"] = BOUNDS_ORDER
    if kind in rules.CHOICE_KINDS and labels_es and len(labels_es) != len(labels):
        errors["choices_es_text"] = SPANISH_CHOICES
    if kind == rules.LIKERT and likert and len(likert) != 5:
        errors["likert_labels_text"] = LIKERT_LABELS
    if kind == rules.LIKERT and likert_es and len(likert_es) != 5:
        errors["likert_labels_es_text"] = LIKERT_LABELS
    if errors:
        raise ValidationError(errors)


def _question_new(section: Section) -> Question:
    """An unsaved question placed after the section's last one."""
    last = section.questions.order_by("-order").values_list("order", flat=True).first()
    return Question(section=section, order=(last or 0) + 1)


def _likert_values(question: Question, kind: str, likert, likert_es) -> dict:
    """A Likert question's labels: those given, else those it has, else the
    default scale; nothing for another kind."""
    if kind != rules.LIKERT:
        return {}
    return {
        "likert_labels_en": (
            likert or question.likert_labels_en or default_likert_labels_en()
        ),
        "likert_labels_es": (
            likert_es or question.likert_labels_es or default_likert_labels_es()
        ),
    }


def _question_fields_save(question: Question, values: dict, *, created: bool):
    """Set the fields whose value changes and save them; return their names."""
    changed = [
        name
        for name, value in values.items()
        if (
            (getattr(question, name) or None) != (value or None)
            if name in QUESTION_TEXTS
            else getattr(question, name) != value
        )
    ]
    for name in changed:
        setattr(question, name, values[name])
    if created:
        question.save()
    elif changed:
        question.save(update_fields=changed)
    return changed


def _wanted_choices(kind: str, labels, labels_es) -> list[tuple]:
    """The options as (English label, Spanish label, value), line for line."""
    if kind not in rules.CHOICE_KINDS:
        return []
    return list(
        zip(
            labels,
            labels_es or [None] * len(labels),
            _choice_values(labels),
            strict=True,
        )
    )


QUESTION_TEXTS = {
    "prompt_en",
    "prompt_es",
    "help_text_en",
    "help_text_es",
    "likert_labels_en",
    "likert_labels_es",
}


def _choices_sync(
    question: Question, wanted: list[tuple[str, str | None, str]]
) -> bool:
    """Make the question's options ``wanted`` (English label, Spanish label or
    None, value), in that order.

    An option is known by its value (what answers store): one still listed
    keeps its row, with its label and place updated only if they changed; one
    no longer listed is removed; a new one is added. Returns whether anything
    was written.
    """
    existing = {c.value: c for c in question.choices.all()} if question.pk else {}
    values = {value for _en, _es, value in wanted}
    gone = [c.pk for value, c in existing.items() if value not in values]
    if gone:
        Choice.objects.filter(pk__in=gone).delete()
    written = bool(gone)
    for order, (label, label_es, value) in enumerate(wanted, start=1):
        choice = existing.get(value)
        if choice is None:
            Choice.objects.create(
                question=question,
                order=order,
                label_en=label,
                label_es=label_es,
                value=value,
            )
            written = True
        elif (choice.label_en, choice.label_es or None, choice.order) != (
            label,
            label_es,
            order,
        ):
            choice.label_en, choice.label_es, choice.order = label, label_es, order
            choice.save(update_fields=["label_en", "label_es", "order"])
            written = True
    return written


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


TEXT_FIELDS = ("title", "description")


def _texts(obj, exclude=()) -> dict:
    """Every language column of ``obj``'s translated texts, as stored."""
    return {
        f"{name}_{code}": getattr(obj, f"{name}_{code}")
        for name in translated_names(type(obj))
        if name not in exclude
        for code in language_codes()
    }


@transaction.atomic
def survey_copy(*, survey: Survey, by) -> Survey:
    """Copy a survey's settings, sections, questions and choices into a new draft."""
    # Every language's text is copied, whatever the language of the page.
    copy = Survey.objects.create(
        **_texts(survey, exclude=("title",)),
        **{f: getattr(survey, f) for f in SURVEY_FIELDS if f not in TEXT_FIELDS},
        title_en=f"{survey.title_en} (copy)",
        title_es=f"{survey.title_es} (copia)" if survey.title_es else None,
        copied_from=survey,
        created_by=by,
    )
    for section in selectors.survey_structure(survey):
        new_section = Section.objects.create(
            survey=copy, order=section.order, **_texts(section)
        )
        for q in section.questions.all():
            new_q = Question.objects.create(
                section=new_section,
                order=q.order,
                key=q.key,
                kind=q.kind,
                required=q.required,
                min_value=q.min_value,
                max_value=q.max_value,
                **_texts(q),
            )
            Choice.objects.bulk_create(
                Choice(question=new_q, order=c.order, value=c.value, **_texts(c))
                for c in q.choices.all()
            )
    audit_record(actor=by, action="survey.copy", target=copy, note=f"from #{survey.pk}")
    return copy


# --- opening, closing and dispatch ---


def invitation_answer_refusal(invitation, now=None) -> str | None:
    """Why ``invitation`` cannot be answered now (``ALREADY_SUBMITTED``,
    ``SURVEY_NOT_OPEN``, ``SURVEY_CLOSED``), or None."""
    survey = invitation.survey
    if invitation.completed:
        return ALREADY_SUBMITTED
    if survey.is_accepting():
        return None
    not_yet = survey.status == Survey.Status.DRAFT or (
        survey.status == Survey.Status.OPEN
        and (now or timezone.now()) < survey.opens_at
    )
    return SURVEY_NOT_OPEN if not_yet else SURVEY_CLOSED


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
    survey.opens_at = min(survey.opens_at, now)
    survey.opened_at = survey.opened_at or now
    survey.scheduled = False
    before = status_move(
        survey,
        Survey.Status.OPEN,
        fields=["opens_at", "opened_at", "scheduled"],
        message=BAD_TRANSITION,
    )
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
        subject=format_lazy(_("Survey: {title}"), title=survey.title),
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
                subject=format_lazy(
                    _("Reminder: {title} closes soon"), title=survey.title
                ),
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
    status_move(survey, Survey.Status.CLOSED, message=BAD_TRANSITION)
    audit_record(
        actor=by,
        action="survey.close",
        target=survey,
        before={"status": Survey.Status.OPEN},
        after={"status": survey.status},
    )
    try:
        with transaction.atomic():
            survey_release(survey=survey, final=True)
    except Exception:
        # The survey is closed all the same; the scan releases what waits.
        logger.exception("Release at the close of survey %s failed", survey.pk)
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
    for survey_id in (
        PendingResponse.objects.filter(quarantined=False)
        .values_list("survey_id", flat=True)
        .distinct()
    ):
        survey = Survey.objects.get(pk=survey_id)
        try:
            done["released"] += survey_release(
                survey=survey, final=survey.status == Survey.Status.CLOSED
            )
        except Exception:
            # One survey's failure must not hold back the others' releases.
            logger.exception("Release of survey %s failed", survey_id)
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
    progress = _raw_for(specs, raw)
    bad = {
        name: rules.NUL_CHARACTER
        for name, values in progress.items()
        if any("\x00" in v for v in values)
    }
    if bad:
        raise ValidationError(bad)
    invitation.progress = progress
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
        # The survey first, then the invitation (the release's order): a
        # release then sees each submission whole, its sealed answers and its
        # completion together, never one without the other.
        Survey.objects.select_for_update().filter(pk=invitation.survey_id).first()
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
    """Ask for a release after a submission, which is committed whatever happens.

    A release that fails (or a broker that cannot be reached) must not turn
    the respondent's confirmed answer into an error page: it is logged, and the
    scan releases the survey later.
    """
    from .tasks import survey_release_task

    # Only a wake-up: the waiting rows are the record, and the surveys scan
    # releases what is due if this message is lost. In process the release runs
    # here, and its failure must not reach the respondent.
    try:
        broker.publish(survey_release_task, [survey_id])
    except Exception:
        logger.exception("Release of survey %s failed; the scan retries it", survey_id)


# --- release of anonymous answers ---

QUARANTINE_UNREADABLE = _(
    "Sealed under a survey key that is no longer configured: it cannot be opened."
)
QUARANTINE_MALFORMED = _("Its sealed data is not a survey response.")
QUARANTINE_INVALID = _("It holds an answer this survey does not accept ({error})")
QUARANTINE_UNSTORABLE = _("The database refused to store it.")


def segment_of(survey_id: int, response: Response) -> int | None:
    """The cohort of a response: plain for named surveys, opened for anonymous."""
    if response.segment_id is not None:
        return response.segment_id
    if response.segment_sealed:
        try:
            return sealing.unseal(survey_id, response.segment_sealed)
        except (InvalidTag, ValueError):
            # Sealed under a key the portal no longer has (or imported from
            # another portal): counted in the totals, in no cohort.
            return None
    return None


def _raw_of(spec: rules.QuestionSpec, answer: dict) -> list:
    if spec.kind in rules.CHOICE_KINDS:
        return answer.get("c")
    if spec.kind in (rules.LIKERT, rules.NUMBER):
        return [answer.get("n")]
    return [answer.get("t")]


def _payload_problem(data, specs: dict[str, rules.QuestionSpec]) -> str:
    """Why a waiting response cannot be released as it is ('' when it can).

    The answers were checked when they were given; this checks them again,
    against the same rules, so that a response accepted by an older version
    (or written by hand) never reaches the database in a form it refuses.
    """
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return QUARANTINE_MALFORMED
    segment = data.get("segment")
    if segment is not None and (type(segment) is not int or segment <= 0):
        return QUARANTINE_MALFORMED
    for qid, answer in data["answers"].items():
        spec = specs.get(qid)
        if spec is None or not isinstance(answer, dict):
            return QUARANTINE_MALFORMED
        raw = _raw_of(spec, answer)
        if not isinstance(raw, list):
            return QUARANTINE_MALFORMED
        cleaned, error = rules.validate_answer(spec, raw)
        if error or cleaned is None:
            return QUARANTINE_INVALID.format(error=error or rules.REQUIRED)
    return ""


def _quarantine(pending: PendingResponse, problem: str) -> None:
    """Keep a waiting response apart, sealed, and tell staff (report and log)."""
    pending.quarantined = True
    pending.problem = problem[:255]
    pending.save(update_fields=["quarantined", "problem"])
    logger.error(
        "Survey %s: a waiting anonymous response was kept apart: %s",
        pending.survey_id,
        problem,
    )
    audit_record(
        actor=None, action="survey.quarantine", target=pending.survey, note=problem
    )


def _waiting(survey: Survey) -> list[tuple[PendingResponse, int | None, dict]]:
    """Open the survey's waiting responses; quarantine those that cannot go out."""
    specs = {
        str(spec.id): spec
        for spec in selectors.survey_specs(selectors.survey_structure(survey))
    }
    out = []
    for pending in PendingResponse.objects.filter(survey=survey, quarantined=False):
        try:
            data = sealing.unseal(survey.pk, pending.payload)
        except (InvalidTag, ValueError):
            _quarantine(pending, QUARANTINE_UNREADABLE)
            continue
        problem = _payload_problem(data, specs)
        if problem:
            _quarantine(pending, problem)
            continue
        out.append((pending, data.get("segment"), data["answers"]))
    return out


class _Probe(Exception):
    """Rolls back a trial insert."""


def _unstorable(survey: Survey, chosen) -> list:
    """The waiting responses the database refuses, each tried on its own."""
    bad = []
    for item in chosen:
        try:
            with transaction.atomic():
                response = Response.objects.create(id=uuid.uuid4(), survey=survey)
                Answer.objects.bulk_create(_answers_from_payload(response, item[2]))
                raise _Probe
        except _Probe:
            pass
        except (DatabaseError, ValueError):
            bad.append(item)
    return bad


def _released_rows(survey: Survey) -> list[tuple[int | None, dict]]:
    return [
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
        for response in Response.objects.filter(survey=survey).prefetch_related(
            "answers"
        )
    ]


@transaction.atomic
def survey_release(*, survey: Survey, final: bool = False) -> int:
    """Release waiting anonymous answers in groups of at least k; return how many.

    ``rules.plan_release`` decides which waiting answers go out and how a
    report may group them; every release, the final one included, adds at
    least ``min_group_size`` answers, or none (what is left at the close is
    withheld, and the report says so). The cohort is kept (sealed) only on
    answers of cohorts that stay shown; it is wiped from every answer of a
    cohort as soon as the cohort is hidden, which it then stays. Every release
    rewrites all of the survey's responses with new random keys in random
    order, and records the release number on the completion records it covers
    (staff see completion no finer than that).

    A waiting response that cannot be released (unreadable, or holding what the
    database refuses) is quarantined on its own, and the others go out.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.anonymous:
        return 0
    k = survey.min_group_size
    waiting = _waiting(survey)
    last = survey.releases.order_by("-number").first()
    existing = _released_rows(survey)
    hidden = _hidden_so_far(last, existing, k)
    plan = rules.plan_release(
        Counter(segment for _, segment, _ in waiting),
        k=k,
        hidden=hidden,
        room=_room(survey),
        final=final,
    )
    chosen = [w for w in waiting if w[1] in plan.released]
    if not chosen:
        return 0
    hide = hidden | plan.newly_hidden
    rows = [(None if s in hide else s, a) for s, a in existing]
    rows += [(s if s in plan.own else None, a) for _, s, a in chosen]
    try:
        with transaction.atomic():
            _rewrite(survey, rows)
    except (DatabaseError, ValueError):
        bad = _unstorable(survey, chosen)
        if not bad:
            raise
        for pending, _, _ in bad:
            _quarantine(pending, QUARANTINE_UNSTORABLE)
        return survey_release(survey=survey, final=final)
    PendingResponse.objects.filter(pk__in=[p.pk for p, _, _ in chosen]).delete()
    _release_record(survey, last, plan, answers=len(chosen), hide=hide, final=final)
    return len(chosen)


def _hidden_so_far(last, existing, k: int) -> set:
    """The cohorts hidden by the last release (or, before releases were
    recorded, those a report of the released answers would hide)."""
    hidden = set(last.hidden_cohorts) if last else set()
    if last is None and existing:
        # Released before releases were recorded: hide what a report would.
        counts = Counter(s for s, _ in existing if s is not None)
        hidden |= rules.suppress_cells(counts, k).hidden
    return hidden


def _room(survey: Survey) -> dict:
    """For each cohort, how many of its invitations are not completed yet."""
    return dict(
        Invitation.objects.filter(
            survey=survey, completed_on__isnull=True, mentorship__isnull=False
        )
        .values("mentorship_id")
        .annotate(n=Count("id"))
        .values_list("mentorship_id", "n")
    )


def _release_record(survey: Survey, last, plan, *, answers: int, hide, final: bool):
    """Number the release and mark the completions it covers with it."""
    number = (last.number if last else 0) + 1
    Release.objects.create(
        survey=survey,
        number=number,
        released_at=timezone.now(),
        answers=answers,
        final=final,
        hidden_cohorts=sorted(hide),
    )
    covered = Q(mentorship_id__in=[c for c in plan.released if c is not None])
    if None in plan.released:
        covered |= Q(mentorship__isnull=True)
    Invitation.objects.filter(
        covered, survey=survey, completed_on__isnull=False, released_in__isnull=True
    ).update(released_in=number)


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


@transaction.atomic
def survey_reseal(*, survey: Survey) -> dict[str, int]:
    """Seal again, under the current key, what was sealed under an old one.

    Returns how many values were sealed again and how many no configured key
    opens (those stay as they are: see ``sealing.py`` for what that means).
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    done = {"resealed": 0, "unreadable": 0}

    def again(token: str) -> str | None:
        try:
            if not sealing.sealed_under_old_key(survey.pk, token):
                return None
            value = sealing.unseal(survey.pk, token)
        except ValueError:
            done["unreadable"] += 1
            return None
        done["resealed"] += 1
        return sealing.seal(survey.pk, value)

    for pending in PendingResponse.objects.filter(survey=survey):
        payload = again(pending.payload)
        if payload is not None:
            pending.payload = payload
            pending.save(update_fields=["payload"])
    for response in Response.objects.filter(survey=survey).exclude(segment_sealed=""):
        sealed = again(response.segment_sealed)
        if sealed is not None:
            Response.objects.filter(pk=response.pk).update(segment_sealed=sealed)
    return done
