"""Every write of the affinity groups: membership, meetings, attendance,
check-ins, group e-mails, the group surveys and the gift-card drawing."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor import broker
from dashmentor.bilingual import bilingual_fields, stored_text
from dashmentor.services import audit_record
from dashmentor.status import status_check, status_move, status_refusal
from notifications.models import Kind
from notifications.services import message_enqueue
from surveys.models import Choice, Invitation, Question, Section, Survey

from . import rules
from .models import (
    Drawing,
    Group,
    GroupEmail,
    GroupMember,
    LeaderCheckIn,
    Meeting,
    MeetingAttendance,
)

ALREADY_MEMBER = _("You are already a member of this group.")
ALREADY_REQUESTED = _(
    "You have already asked to join this group; a leader will decide."
)
ALREADY_WAITLISTED = _("You are already on this group's waitlist.")
JOIN_REQUESTED = _(
    "You asked to join. A leader or the group's staff will let you know."
)
JOIN_WAITLISTED = _(
    "This group is full, so you are on its waitlist. "
    "We will let you know if a place opens."
)
MEMBERSHIP_BAD_MOVE = _("A membership that is “{before}” cannot become “{after}”.")
GROUP_FULL = _(
    "The group is full ({capacity} members). Raise its capacity or wait for "
    "someone to leave; the request can go on the waitlist meanwhile."
)
CAPACITY_BELOW_MEMBERS = _(
    "The group already has {count} members; the capacity cannot be lower."
)
NOT_LEAVABLE = _("You are not in this group, so there is nothing to leave.")
ATTENDANCE_NOT_MEMBER = _(
    "{name} is not a member of this group; attendance is recorded only for "
    "admitted members."
)
ATTENDANCE_NOT_HELD = _(
    "This meeting has not taken place yet (it starts {when}): record who came "
    "once it has started."
)
EMAIL_NO_MEMBERS = _("The group has no admitted members to write to yet.")
SURVEYS_EXIST = _("This group already has its pre-assessment and final survey.")
DRAWING_ALREADY_DONE = _(
    "This group's drawing has already been made; a drawing cannot be run twice."
)
DRAWING_NO_SURVEY = _("This group has no final survey, so no one can be eligible.")
DRAWING_NONE_ELIGIBLE = _(
    "No one has completed the group's final survey yet, so there is no one to draw."
)


def _group_url(group: Group) -> str:
    return reverse("affinity:group-detail", args=[group.pk])


def _admitted_count(group: Group, *, exclude_pk=None) -> int:
    qs = GroupMember.objects.filter(group=group, status=GroupMember.Status.ADMITTED)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def _lock_group(group: Group) -> Group:
    """Lock the group row so two joins or admissions cannot overfill it."""
    return Group.objects.select_for_update().get(pk=group.pk)


# --- Membership -------------------------------------------------------------------


@transaction.atomic
def membership_request(*, group: Group, user) -> tuple[GroupMember, str]:
    """Ask to join ``group``; a full group puts the request on its waitlist.

    Anyone with an account may ask, in or outside the mentorship program, and
    may be in several groups. Returns the membership and what to tell the
    person (``JOIN_REQUESTED`` or ``JOIN_WAITLISTED``).
    """
    group = _lock_group(group)
    member = GroupMember.objects.filter(group=group, user=user).first()
    if member is not None:
        if member.status == GroupMember.Status.ADMITTED:
            raise ValidationError(ALREADY_MEMBER)
        if member.status == GroupMember.Status.REQUESTED:
            raise ValidationError(ALREADY_REQUESTED)
        if member.status == GroupMember.Status.WAITLISTED:
            raise ValidationError(ALREADY_WAITLISTED)
    full = rules.is_full(_admitted_count(group), group.capacity)
    status = GroupMember.Status.WAITLISTED if full else GroupMember.Status.REQUESTED
    before = {"status": member.status} if member else {}
    if member is None:
        member = GroupMember.objects.create(group=group, user=user, status=status)
    else:
        member.requested_at = timezone.now()
        member.decided_at = None
        member.decided_by = None
        member.left_at = None
        status_move(
            member,
            status,
            fields=["requested_at", "decided_at", "decided_by", "left_at"],
        )
    audit_record(
        actor=user,
        action="affinity.membership_request",
        target=member,
        before=before,
        after={"status": status},
    )
    _notify_managers_of_request(member)
    return member, JOIN_WAITLISTED if full else JOIN_REQUESTED


def _notify_managers_of_request(member: GroupMember) -> None:
    group = member.group
    managers = {u.pk: u for u in group.leaders.all()}
    managers.update({u.pk: u for u in group.support_staff.all()})
    path = reverse("affinity:roster", args=[group.pk])
    for manager in managers.values():
        message_enqueue(
            kind=Kind.GROUP_MEMBERSHIP,
            to_email=manager.email,
            subject=format_lazy(
                _("{person} asked to join {group}"),
                person=str(member.user),
                group=group.topic,
            ),
            template="affinity_join_request",
            context={
                "group": group,
                "member": member,
                "person": member.user,
                "waitlisted": member.status == GroupMember.Status.WAITLISTED,
                "path": path,
            },
            key=f"group-request:{member.pk}:{member.requested_at.timestamp():.0f}",
            recipient=manager,
        )


@transaction.atomic
def membership_decide(*, member: GroupMember, status: str, by) -> GroupMember:
    """Admit, waitlist or decline a request, and tell the person.

    Admission is refused when the group is full (``GROUP_FULL``).
    """
    group = _lock_group(member.group)
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    current = GroupMember.Status(member.status)
    target = GroupMember.Status(status)
    if target not in GroupMember.DECISIONS:
        # Leaving and asking again are the person's own moves, not a decision.
        raise ValidationError(
            status_refusal(GroupMember, current, target, MEMBERSHIP_BAD_MOVE)
        )
    status_check(member, target, MEMBERSHIP_BAD_MOVE)
    if target == GroupMember.Status.ADMITTED and rules.is_full(
        _admitted_count(group, exclude_pk=member.pk), group.capacity
    ):
        raise ValidationError(GROUP_FULL.format(capacity=group.capacity))
    member.decided_at = timezone.now()
    member.decided_by = by
    status_move(
        member, target, fields=["decided_at", "decided_by"], message=MEMBERSHIP_BAD_MOVE
    )
    audit_record(
        actor=by,
        action="affinity.membership_decide",
        target=member,
        before={"status": current.value},
        after={"status": target.value},
    )
    message_enqueue(
        kind=Kind.GROUP_MEMBERSHIP,
        to_email=member.user.email,
        subject=format_lazy(
            {
                GroupMember.Status.ADMITTED: _("Welcome to {group}"),
                GroupMember.Status.WAITLISTED: _("You are on the waitlist of {group}"),
                GroupMember.Status.DECLINED: _("Your request to join {group}"),
            }[target],
            group=group.topic,
        ),
        template="affinity_membership",
        context={"group": group, "status": target.value, "path": _group_url(group)},
        key=f"group-member:{member.pk}:{target.value}:"
        f"{member.decided_at.timestamp():.0f}",
        recipient=member.user,
    )
    return member


@transaction.atomic
def membership_leave(*, member: GroupMember, by) -> GroupMember:
    """Leave a group, or withdraw a request or a waitlist place."""
    member = GroupMember.objects.select_for_update().get(pk=member.pk)
    status_check(member, GroupMember.Status.LEFT, NOT_LEAVABLE)
    member.left_at = timezone.now()
    before = status_move(member, GroupMember.Status.LEFT, fields=["left_at"])
    audit_record(
        actor=by,
        action="affinity.membership_leave",
        target=member,
        before={"status": before},
        after={"status": member.status},
    )
    return member


# --- The group's page ------------------------------------------------------------

# Each text in English and in Spanish (``description_en``, ``description_es``).
GROUP_EDITABLE = tuple(
    bilingual_fields(
        Group,
        [
            "description",
            "learning_goals",
            "expectations_before",
            "expectations_during",
            "expectations_after",
            "cadence",
            "capacity",
        ],
    )
)


@transaction.atomic
def group_update(*, group: Group, by, **fields) -> Group:
    """Change what the leaders draft: description, goals, expectations, cadence,
    capacity. The capacity cannot fall below the admitted members."""
    group = _lock_group(group)
    capacity = fields.get("capacity", group.capacity)
    admitted = _admitted_count(group)
    if capacity < admitted:
        raise ValidationError(
            {"capacity": CAPACITY_BELOW_MEMBERS.format(count=admitted)}
        )
    before = {name: getattr(group, name) for name in fields}
    for name, value in fields.items():
        if name not in GROUP_EDITABLE:
            raise ValueError(f"{name} is not editable here")
        setattr(group, name, value)
    changed = {
        k: v
        for k, v in fields.items()
        if (
            stored_text(before[k]) != stored_text(v)
            if k != "capacity"
            else before[k] != v
        )
    }
    if changed:
        group.save(update_fields=list(changed))
        audit_record(
            actor=by,
            action="affinity.group_update",
            target=group,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return group


# --- Meetings, notes, attendance --------------------------------------------------


@transaction.atomic
def meeting_save(
    *,
    group: Group,
    by,
    title: str,
    starts_at: dt.datetime,
    agenda: str = "",
    link: str = "",
    meeting: Meeting | None = None,
) -> Meeting:
    """Schedule a meeting, or change one; a repeated submit schedules it once."""
    if meeting is None:
        existing = Meeting.objects.filter(
            group=group, title=title, starts_at=starts_at
        ).first()
        if existing is not None:
            return existing
        meeting = Meeting(group=group)
    values = {"title": title, "starts_at": starts_at, "agenda": agenda, "link": link}
    changed = [
        name for name, value in values.items() if getattr(meeting, name) != value
    ]
    if meeting.pk and not changed:
        return meeting  # saved back unchanged: nothing to write
    for name in changed:
        setattr(meeting, name, values[name])
    meeting.save()
    return meeting


@transaction.atomic
def meeting_notes_save(*, meeting: Meeting, notes: str, by) -> Meeting:
    """Store the notes sanitized: a script or an event handler never survives.

    Notes saved back as they are keep their author and time."""
    clean = rules.sanitize_notes(notes)
    if clean == meeting.notes_html:
        return meeting
    meeting.notes_html = clean
    meeting.notes_updated_by = by
    meeting.notes_updated_at = timezone.now()
    meeting.save(update_fields=["notes_html", "notes_updated_by", "notes_updated_at"])
    return meeting


def attendance_roster(meeting: Meeting) -> list[GroupMember]:
    """Who the attendance screen lists: admitted members, plus anyone already
    recorded for this meeting (a member who left later keeps their record)."""
    recorded = MeetingAttendance.objects.filter(meeting=meeting).values("member_id")
    return list(
        GroupMember.objects.filter(group_id=meeting.group_id)
        .filter(Q(status=GroupMember.Status.ADMITTED) | Q(pk__in=recorded))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def attendance_not_held(meeting: Meeting, now=None) -> str:
    """Why attendance cannot be recorded yet (the meeting has not started), or
    an empty string."""
    if meeting.starts_at <= (now or timezone.now()):
        return ""
    when = timezone.localtime(meeting.starts_at)
    return ATTENDANCE_NOT_HELD.format(when=dateformat.format(when, "F j, Y, g:i A T"))


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, present: Iterable[int], by
) -> list[MeetingAttendance]:
    """Record who was at ``meeting``: everyone on the roster, present or not.

    A meeting that has not started yet has no attendance: refused with
    ``ATTENDANCE_NOT_HELD``. A mark left as it was is not written again.

    An id that is not on the roster (not an admitted member of the group)
    refuses the whole screen with ``ATTENDANCE_NOT_MEMBER``; nothing is saved.
    """
    not_held = attendance_not_held(meeting)
    if not_held:
        raise ValidationError(not_held)
    roster = {m.pk: m for m in attendance_roster(meeting)}
    present = {int(pk) for pk in present}
    _refuse_strangers(present - roster.keys())
    to_create, to_update = _attendance_changes(
        meeting=meeting, roster=roster, present=present, by=by
    )
    if not (to_create or to_update):
        return []
    MeetingAttendance.objects.bulk_create(to_create)
    MeetingAttendance.objects.bulk_update(
        to_update, ["present", "recorded_by", "recorded_at"]
    )
    audit_record(
        actor=by,
        action="affinity.attendance_record",
        target=meeting,
        after={"present": sorted(present), "roster": sorted(roster)},
    )
    return to_create + to_update


def _refuse_strangers(strangers: set[int]) -> None:
    """Refuse the screen when it marks someone who is not on the roster."""
    if strangers:
        stranger = (
            GroupMember.objects.select_related("user").filter(pk__in=strangers).first()
        )
        name = (
            str(stranger.user)
            if stranger
            else gettext("Member %(number)s") % {"number": min(strangers)}
        )
        raise ValidationError(ATTENDANCE_NOT_MEMBER.format(name=name))


def _attendance_changes(
    *, meeting: Meeting, roster: dict, present: set[int], by
) -> tuple[list[MeetingAttendance], list[MeetingAttendance]]:
    """The marks to create and the changed marks to update, in roster order."""
    now = timezone.now()
    existing = {
        a.member_id: a for a in MeetingAttendance.objects.filter(meeting=meeting)
    }
    to_create, to_update = [], []
    for pk in roster:
        row = existing.get(pk)
        if row is None:
            to_create.append(
                MeetingAttendance(
                    meeting=meeting,
                    member_id=pk,
                    present=pk in present,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif row.present != (pk in present):
            # Only a changed mark is written: who recorded it and when stay
            # with the marks left as they were.
            row.present = pk in present
            row.recorded_by = by
            row.recorded_at = now
            to_update.append(row)
    return to_create, to_update


# --- Leaders' check-ins ----------------------------------------------------------


@transaction.atomic
def checkin_save(
    *, group: Group, kind: str, held_on: dt.date, notes: str, attendees, by
) -> LeaderCheckIn:
    """Record the orientation, midpoint or final check-in of a group's leaders.

    Saved back unchanged, it writes nothing."""
    checkin = (
        LeaderCheckIn.objects.select_for_update().filter(group=group, kind=kind).first()
    )
    if checkin is None:
        checkin = LeaderCheckIn.objects.create(
            group=group, kind=kind, held_on=held_on, notes=notes
        )
    elif (checkin.held_on, checkin.notes) != (held_on, notes):
        checkin.held_on, checkin.notes = held_on, notes
        checkin.save(update_fields=["held_on", "notes"])
    checkin.attendees.set(attendees)
    return checkin


# --- Group e-mails -------------------------------------------------------------------


@transaction.atomic
def group_email_create(
    *, group: Group, subject: str, body: str, by, token=None
) -> tuple[GroupEmail, bool]:
    """Write a group e-mail and queue its sending to every admitted member.

    The form's ``token`` makes a double submit return the first e-mail
    (``created`` is False) instead of writing to the roster twice.
    """
    if token is not None:
        existing = GroupEmail.objects.filter(token=token, group=group).first()
        if existing is not None:
            return existing, False
    if not _admitted_count(group):
        raise ValidationError(EMAIL_NO_MEMBERS)
    fields = {"group": group, "subject": subject, "body": body, "sent_by": by}
    if token is not None:
        fields["token"] = token
    try:
        with transaction.atomic():
            email = GroupEmail.objects.create(**fields)
    except IntegrityError:
        return GroupEmail.objects.get(token=token), False
    audit_record(
        actor=by,
        action="affinity.group_email",
        target=email,
        after={"subject": subject},
    )

    from .tasks import group_email_send_task

    # Only a wake-up: the row with no ``queued_at`` is the record, and the
    # group e-mails sweep writes its messages if this is lost.
    broker.publish_on_commit(group_email_send_task, email.pk)
    return email, True


def group_emails_sweep(*, older_than_seconds: int = 0) -> int:
    """Write the messages of every group e-mail whose task was lost; return how many.

    A group e-mail is written with ``queued_at`` empty and its messages are
    written (and it stamped) by ``group_email_send``; one still empty after
    ``older_than_seconds`` lost its task (the broker was down, a worker died).
    Writing twice is harmless: each message is keyed per e-mail and person.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = list(
        GroupEmail.objects.filter(queued_at__isnull=True, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for email_id in pending:
        group_email_send(email_id=email_id)
    return len(pending)


@transaction.atomic
def group_email_send(*, email_id: int) -> GroupEmail | None:
    """Queue one outbox message per admitted member; safe to run twice.

    The row is locked, so the task and the sweep take turns, and an e-mail
    whose messages are written (``queued_at``) is left alone.
    """
    email = (
        GroupEmail.objects.select_for_update(of=("self",))
        .select_related("group", "sent_by")
        .filter(pk=email_id)
        .first()
    )
    if email is None or email.queued_at is not None:
        return email
    members = GroupMember.objects.filter(
        group=email.group, status=GroupMember.Status.ADMITTED
    ).select_related("user")
    count = 0
    for member in members:
        message_enqueue(
            kind=Kind.GROUP_EMAIL,
            to_email=member.user.email,
            subject=f"[{email.group.topic}] {email.subject}",
            template="affinity_group_email",
            context={
                "group": email.group,
                "email": email,
                "path": _group_url(email.group),
            },
            key=f"group-email:{email.token}",
            recipient=member.user,
        )
        count += 1
    email.recipients = count
    email.queued_at = email.queued_at or timezone.now()
    email.save(update_fields=["recipients", "queued_at"])
    return email


# --- The group's surveys ----------------------------------------------------------

# (key, kind, prompt, Spanish prompt, options as (value, label, Spanish label)).
PRE_QUESTIONS = [
    (
        "familiarity",
        "likert",
        "I am familiar with this group's topic in my own work.",
        "Conozco el tema de este grupo por mi propio trabajo.",
        [],
    ),
    (
        "experience",
        "single",
        "How much experience does your organization have with multi-sector "
        "data sharing?",
        "¿Cuánta experiencia tiene su organización en compartir datos entre "
        "varios sectores?",
        [
            ("none", "None yet", "Ninguna todavía"),
            ("some", "Some", "Alguna"),
            ("a-lot", "A lot", "Mucha"),
        ],
    ),
    (
        "hopes",
        "long_text",
        "What do you hope to learn or solve in this group?",
        "¿Qué espera aprender o resolver en este grupo?",
        [],
    ),
]
FINAL_QUESTIONS = [
    (
        "goals_met",
        "likert",
        "The group met the learning goals it set out.",
        "El grupo cumplió las metas de aprendizaje que se propuso.",
        [],
    ),
    (
        "connections",
        "likert",
        "I made useful connections with peers.",
        "Establecí contactos útiles con mis pares.",
        [],
    ),
    (
        "continue",
        "single",
        "Will you stay in touch with people you met in the group?",
        "¿Seguirá en contacto con las personas que conoció en el grupo?",
        [("yes", "Yes", "Sí"), ("maybe", "Maybe", "Quizás"), ("no", "No", "No")],
    ),
    (
        "takeaway",
        "long_text",
        "What will you do differently because of it?",
        "¿Qué hará de otra manera gracias al grupo?",
        [],
    ),
    (
        "next_cycle",
        "long_text",
        "What should the next cycle change?",
        "¿Qué debería cambiar el próximo ciclo?",
        [],
    ),
]

# A group's survey titles and introduction, in English and in Spanish.
SURVEY_TITLES = {
    Survey.Kind.AFFINITY_PRE: (
        "{topic}: pre-assessment",
        "{topic}: evaluación inicial",
    ),
    Survey.Kind.AFFINITY_FINAL: ("{topic}: final survey", "{topic}: encuesta final"),
}
SURVEY_INTRO = (
    "For the members of the {topic} affinity group ({cycle}).",
    "Para los miembros del grupo de afinidad {topic} ({cycle}).",
)


def _survey_build(*, group, kind, questions, opens_at, closes_at, by) -> Survey:
    """The group's survey in both languages (the Spanish from the group's
    Spanish topic where it has one), whatever the language of the page."""
    topic_en = group.topic_en
    topic_es = group.topic_es or group.topic_en
    title_en, title_es = SURVEY_TITLES[kind]
    intro_en, intro_es = SURVEY_INTRO
    survey = Survey.objects.create(
        title_en=title_en.format(topic=topic_en),
        title_es=title_es.format(topic=topic_es),
        kind=kind,
        description_en=intro_en.format(topic=topic_en, cycle=group.cycle),
        description_es=intro_es.format(topic=topic_es, cycle=group.cycle),
        audience=Survey.Audience.AFFINITY_GROUP,
        audience_group=group,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=True,
        required=False,
        created_by=by,
    )
    section = Section.objects.create(
        survey=survey, order=1, title_en=topic_en, title_es=group.topic_es
    )
    for order, (key, qkind, prompt, prompt_es, choices) in enumerate(
        questions, start=1
    ):
        question = Question.objects.create(
            section=section,
            order=order,
            key=key,
            kind=qkind,
            prompt_en=prompt,
            prompt_es=prompt_es,
            required=qkind != "long_text",
        )
        for c_order, (value, label, label_es) in enumerate(choices, start=1):
            Choice.objects.create(
                question=question,
                order=c_order,
                value=value,
                label_en=label,
                label_es=label_es,
            )
    return survey


def _at_start_of(day: dt.date) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(settings.PORTAL_DEFAULT_TIME_ZONE)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone)


@transaction.atomic
def group_surveys_create(*, group: Group, by) -> Group:
    """Give the group its pre-assessment and final survey, as drafts.

    Both are anonymous, addressed to the group (the survey system sends the
    invitations to its admitted members when staff open them): the
    pre-assessment around the cycle's start, the final survey at its end.
    """
    group = _lock_group(group)
    if group.pre_survey_id and group.final_survey_id:
        raise ValidationError(SURVEYS_EXIST)
    cycle = group.cycle
    if not group.pre_survey_id:
        group.pre_survey = _survey_build(
            group=group,
            kind=Survey.Kind.AFFINITY_PRE,
            questions=PRE_QUESTIONS,
            opens_at=_at_start_of(cycle.starts_on - dt.timedelta(days=14)),
            closes_at=_at_start_of(cycle.starts_on + dt.timedelta(days=14)),
            by=by,
        )
    if not group.final_survey_id:
        group.final_survey = _survey_build(
            group=group,
            kind=Survey.Kind.AFFINITY_FINAL,
            questions=FINAL_QUESTIONS,
            opens_at=_at_start_of(cycle.ends_on - dt.timedelta(days=14)),
            closes_at=_at_start_of(cycle.ends_on + dt.timedelta(days=21)),
            by=by,
        )
    group.save(update_fields=["pre_survey", "final_survey"])
    audit_record(actor=by, action="affinity.surveys_create", target=group)
    return group


# --- The gift-card drawing ----------------------------------------------------------


def drawing_eligible(group: Group) -> list[int]:
    """The people who completed the group's final survey, by portal number.

    Read from the completion records (the invitations), never from the
    answers: for an anonymous survey nothing ties an answer to a person.
    """
    if not group.final_survey_id:
        return []
    return sorted(
        Invitation.objects.filter(
            survey_id=group.final_survey_id,
            completed_on__isnull=False,
            user__isnull=False,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


@transaction.atomic
def drawing_draw(*, group: Group, by, seed: str | None = None) -> Drawing:
    """Draw the group's gift-card winners once, recording how.

    The seed is 128 random bits; the eligible list and the winners are kept
    with it, so anyone can re-run ``rules.draw_winners`` and get the same
    people. A second drawing of the same group is refused
    (``DRAWING_ALREADY_DONE``), also when two are started at once.
    """
    group = _lock_group(group)
    if Drawing.objects.filter(group=group).exists():
        raise ValidationError(DRAWING_ALREADY_DONE)
    if not group.final_survey_id:
        raise ValidationError(DRAWING_NO_SURVEY)
    eligible = drawing_eligible(group)
    if not eligible:
        raise ValidationError(DRAWING_NONE_ELIGIBLE)
    seed = seed or secrets.token_hex(16)
    wanted = rules.WINNERS_PER_GROUP
    winners = rules.draw_winners(seed, eligible, wanted)
    try:
        with transaction.atomic():
            drawing = Drawing.objects.create(
                group=group,
                seed=seed,
                eligible=eligible,
                winners=winners,
                winners_wanted=wanted,
                drawn_by=by,
            )
    except IntegrityError:
        raise ValidationError(DRAWING_ALREADY_DONE)
    audit_record(
        actor=by,
        action="affinity.drawing",
        target=drawing,
        after={"seed": seed, "eligible": eligible, "winners": winners},
        note=drawing.note,
    )
    from dashmentor.models import User

    path = reverse("affinity:drawing", args=[group.pk])
    for winner in User.objects.filter(pk__in=winners):
        message_enqueue(
            kind=Kind.GROUP_EMAIL,
            to_email=winner.email,
            subject=format_lazy(
                _("You won a gift card in the {group} drawing"), group=group.topic
            ),
            template="affinity_drawing_winner",
            context={"group": group, "path": path},
            key=f"drawing:{drawing.pk}",
            recipient=winner,
        )
    return drawing
