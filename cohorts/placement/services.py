"""Placement and awards: every write, atomic, audited, and safe under concurrency.

Seats are guarded by row locks on ``Mentorship``: every write that can add an
active award to a mentorship (commit, moving an award, a waitlist offer) first
locks that mentorship's row with ``SELECT ... FOR UPDATE``, then counts the
active awards and refuses when the cohort is full. Two such writes on the same
mentorship run one after the other, so a cohort never holds more than its
capacity. Writes that lock several mentorships lock them in id order, and every
lock names its own table only (``of=("self",)``): without it PostgreSQL would
also lock the rows that ``select_related`` joins, such as an award's current
mentorship, in an order that can deadlock against a commit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Award, Contact, Decision, Round
from dashmentor.bilingual import in_each_language, language_codes
from dashmentor.models import Membership
from dashmentor.roles import forget_roles
from dashmentor.services import audit_record
from dashmentor.status import status_move, status_update
from notifications import links
from notifications.models import Kind
from notifications.services import message_enqueue

from ..models import (
    CohortMember,
    Mentorship,
    PlacementConstraint,
    PlacementEntry,
    PlacementRun,
)
from ..year import services as year_services
from ..year.reports import dashboard_invalidate
from . import rules as engine
from . import selectors

NOTHING_TO_PLACE = _(
    "There is nobody to place: the round has no accepted application without an award."
)
RUN_NOT_PREVIEW = _("This placement is {status}; only a preview can be changed.")
RUN_STALE = _(
    "This preview is out of date: {name} already has an award. Compute a new preview."
)
COHORT_FULL = _("{cohort} is full: it has capacity {capacity}.")
MENTORSHIP_OTHER_ROUND = _("{cohort} is not a mentorship of this round.")
ROUND_AWARDS_USED = _(
    "The round's {total} awards are all given: unplace someone first to free one."
)
SAME_MENTORSHIP = _("{name} is already in {cohort}.")
AWARD_NOT_ACTIVE = _("Only an active award can change cohort; this one is {status}.")
TRANSITION_REFUSED = _("An award that is “{before}” cannot become “{after}”.")
WAITLIST_NOT_ELIGIBLE = _(
    "{name} cannot be offered this seat: it is not a waitlisted applicant without an "
    "award that ranked {cohort}."
)
CONSTRAINT_OTHER_ROUND = _(
    "The applicant and the mentorship must be of the same round."
)
CONSTRAINT_NOT_ACCEPTED = _("Only accepted applicants can be pinned.")
CONSTRAINT_EXISTS = _("{name} already has a rule for {cohort}; remove it first.")
CONSTRAINT_ONE_PIN = _("{name} is already pinned to {cohort}; remove that pin first.")
CONSTRAINT_PIN_FULL = _("{cohort} is full of pins: it has capacity {capacity}.")
NOT_YOUR_AWARD = _("Only the organization's primary or secondary contact can answer.")
OFFER_EXPIRED = _("This offer expired on {date}; the program office can tell you more.")
INVITATION_INVALID = _(
    "This invitation link is not valid any more. If you have already set your "
    "password, sign in; otherwise ask the program office for a new invitation."
)

# Statuses that free the seat and end the organization's part in the cohort.
LEAVING = (Award.Status.WITHDRAWN, Award.Status.DECLINED, Award.Status.EXPIRED)

INVITATION_SALT = "cohorts.invitation"
INVITATION_MAX_AGE = dt.timedelta(days=30)


def _cohort_name(mentorship: Mentorship | None) -> str:
    return mentorship.short_name if mentorship is not None else "unplaced"


def _cohort_shown(mentorship: Mentorship | None) -> str:
    """The cohort's name, or "unplaced" in the active language."""
    return mentorship.short_name if mentorship is not None else gettext("unplaced")


def _lock_mentorships(ids) -> dict[int, Mentorship]:
    """Lock mentorship rows in id order and return them with their held seats."""
    locked = list(
        Mentorship.objects.select_for_update(of=("self",))
        .filter(pk__in=set(ids))
        .select_related("mentor_organization")
        .order_by("id")
    )
    held = dict(
        Award.objects.filter(mentorship__in=locked, status__in=Award.ACTIVE)
        .values_list("mentorship")
        .annotate(n=Count("id"))
        .values_list("mentorship", "n")
    )
    for m in locked:
        m.active_count = held.get(m.pk, 0)
    return {m.pk: m for m in locked}


def _round_awards_active(round: Round) -> int:
    return Award.objects.filter(
        application__round=round, status__in=Award.ACTIVE
    ).count()


# Preview


@transaction.atomic
def placement_preview(*, round: Round, by) -> PlacementRun:
    """Compute a placement of the round's accepted applicants as a new preview.

    Any earlier preview of the round is discarded. Every accepted application
    without an award gets an entry: its mentorship (or none), its choice number,
    its score and the engine's sentence saying why it landed there. Raise
    ValidationError when there is nobody to place, or with the engine's message
    when the pins cannot all be honoured.
    """
    round = Round.objects.select_for_update().get(pk=round.pk)
    inputs = selectors.placement_inputs(round=round)
    if not inputs.candidates:
        raise ValidationError(NOTHING_TO_PLACE)
    result = _engine_place(inputs)
    # The sentences are kept in every language, each reader reading their own.
    written = _in_each_language(result)
    status_update(
        PlacementRun.objects.filter(round=round),
        PlacementRun.Status.DISCARDED,
        before=[PlacementRun.Status.PREVIEW],
    )
    run = PlacementRun.objects.create(
        round=round,
        created_by=by,
        objective=list(result.objective),
        **{f"objective_text_{code}": p.objective_text for code, p in written.items()},
    )
    _preview_entries_create(run=run, inputs=inputs, result=result, written=written)
    audit_record(
        actor=by,
        action="placement.preview",
        target=run,
        after={
            "placed": len(result.placed()),
            "unplaced": len(result.unplaced()),
            "objective": result.objective_text,
        },
    )
    return run


def _engine_place(inputs: selectors.PlacementInputs) -> engine.Placement:
    """Run the engine on the inputs; its refusal becomes a ValidationError."""
    try:
        return engine.place(
            inputs.candidates,
            inputs.cohorts,
            total_awards=inputs.total_awards,
            pins=inputs.pins,
            forbidden=inputs.forbidden,
            words=engine.Words(gettext, pgettext),
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def _preview_entries_create(
    *,
    run: PlacementRun,
    inputs: selectors.PlacementInputs,
    result: engine.Placement,
    written: dict[str, engine.Placement],
) -> None:
    """Store one entry for each applicant, its explanation in every language."""
    PlacementEntry.objects.bulk_create(
        PlacementEntry(
            run=run,
            application_id=outcome.candidate_id,
            mentorship_id=outcome.cohort_id,
            choice=outcome.choice,
            score=selectors.application_score(
                inputs.applications[outcome.candidate_id]
            ),
            **{
                f"explanation_{code}": p.outcomes[outcome.candidate_id].explanation
                for code, p in written.items()
            },
        )
        for outcome in result.outcomes.values()
    )


def _in_each_language(result: engine.Placement) -> dict[str, engine.Placement]:
    """The placement written in each language of the portal, by language code."""
    written = {}
    for code in language_codes():
        with translation.override(code):
            written[code] = result.in_words(engine.Words(gettext, pgettext))
    return written


def _lock_preview(run: PlacementRun) -> PlacementRun:
    run = (
        PlacementRun.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=run.pk)
    )
    if run.status != PlacementRun.Status.PREVIEW:
        raise ValidationError(
            RUN_NOT_PREVIEW.format(status=run.get_status_display().lower())
        )
    return run


def _roster_subject(count: int) -> str:
    return ngettext(
        "Your DASH cohort: %(count)d mentee organization",
        "Your DASH cohort: %(count)d mentee organizations",
        count,
    ) % {"count": count}


def _objective_text(run: PlacementRun, placed: int, total: int, moved: int) -> str:
    return gettext(
        "%(placed)s of %(total)s applicants placed; %(moved)s moved by hand by staff "
        "after the computed placement, which remains the optimum for the rules."
    ) % {"placed": placed, "total": total, "moved": moved}


@transaction.atomic
def placement_entry_move(
    *, entry: PlacementEntry, mentorship: Mentorship | None, by
) -> PlacementEntry:
    """Move one applicant of a preview to another mentorship, or unplace it.

    Refused, with a message naming the cohort and its capacity, when the target
    mentorship would hold more than its capacity (counting the seats that
    earlier awards hold), and refused when placing the applicant would exceed
    the round's number of awards. The entry's explanation becomes who moved it
    from where to where, and the run's objective is recomputed.
    """
    run = _lock_preview(entry.run)
    entry = (
        PlacementEntry.objects.select_related("mentorship__mentor_organization")
        .select_related("application__organization")
        .get(pk=entry.pk, run=run)
    )
    if mentorship is not None:
        _entry_move_check(run=run, entry=entry, mentorship=mentorship)
    before_mentorship = entry.mentorship
    before = {
        "mentorship": _cohort_name(entry.mentorship),
        "choice": entry.choice,
    }
    preferences = list(
        entry.application.preferences.filter(mentorship__round=run.round)
        .order_by("rank")
        .values_list("mentorship_id", flat=True)
    )
    to_name = _cohort_name(mentorship)
    explanation = _moved_by_hand(by=by, before=before_mentorship, after=mentorship)
    for column, text in explanation.items():
        setattr(entry, column, text)
    entry.mentorship = mentorship
    entry.choice = (
        preferences.index(mentorship.pk) + 1
        if mentorship is not None and mentorship.pk in preferences
        else None
    )
    entry.moved_by_hand = True
    entry.save(update_fields=["mentorship", "choice", *explanation, "moved_by_hand"])
    _rescore(run)
    audit_record(
        actor=by,
        action="placement.move",
        target=entry,
        before=before,
        after={"mentorship": to_name, "choice": entry.choice},
    )
    return entry


def _entry_move_check(
    *, run: PlacementRun, entry: PlacementEntry, mentorship: Mentorship
) -> None:
    """Refuse a move to another round, to the same cohort, or past a limit.

    The target mentorship's row is locked before its seats are counted.
    """
    name = entry.application.organization.name
    if mentorship.round_id != run.round_id:
        raise ValidationError(
            MENTORSHIP_OTHER_ROUND.format(cohort=mentorship.short_name)
        )
    if mentorship.pk == entry.mentorship_id:
        raise ValidationError(
            SAME_MENTORSHIP.format(name=name, cohort=mentorship.short_name)
        )
    target = _lock_mentorships([mentorship.pk])[mentorship.pk]
    in_run = run.entries.filter(mentorship=target).count()
    if target.active_count + in_run + 1 > target.capacity:
        raise ValidationError(
            COHORT_FULL.format(cohort=target.short_name, capacity=target.capacity)
        )
    if entry.mentorship_id is None:
        placed = run.entries.filter(mentorship__isnull=False).count()
        total = run.round.awards_count
        if _round_awards_active(run.round) + placed + 1 > total:
            raise ValidationError(ROUND_AWARDS_USED.format(total=total))


def _moved_by_hand(
    *, by, before: Mentorship | None, after: Mentorship | None
) -> dict[str, str]:
    """The entry's new explanation, by column, in every language."""
    actor = getattr(by, "full_name", "") or str(by)
    return in_each_language(
        "explanation",
        lambda: (
            gettext("Moved by hand by %(actor)s from %(before)s to %(after)s.")
            % {
                "actor": actor,
                "before": _cohort_shown(before),
                "after": _cohort_shown(after),
            }
        ),
    )


def _rescore(run: PlacementRun) -> None:
    """Store the run's objective for its placement as it now stands."""
    inputs = selectors.placement_inputs(round=run.round)
    assignment = dict(run.entries.values_list("application_id", "mentorship_id"))
    candidates = [c for c in inputs.candidates if c.id in assignment]
    run.objective = list(engine.objective_of(assignment, candidates, inputs.cohorts))
    placed = sum(1 for m in assignment.values() if m is not None)
    moved = run.entries.filter(moved_by_hand=True).count()
    summary = in_each_language(
        "objective_text", lambda: _objective_text(run, placed, len(assignment), moved)
    )
    for column, text in summary.items():
        setattr(run, column, text)
    run.save(update_fields=["objective", *summary])


@transaction.atomic
def placement_discard(*, run: PlacementRun, by) -> PlacementRun:
    """Throw a preview away; nothing of it is kept but the audit row."""
    run = _lock_preview(run)
    status_move(run, PlacementRun.Status.DISCARDED)
    audit_record(actor=by, action="placement.discard", target=run)
    return run


# Commit


@transaction.atomic
def placement_commit(*, run: PlacementRun, by) -> list[Award]:
    """Turn a preview into awards, cohort members, invitations and rosters.

    All or nothing: the round's mentorship rows are locked (in id order), the
    seats that active awards hold are counted, and the commit is refused if any
    cohort or the round's number of awards would overflow, or if an applicant
    got an award since the preview. Each placed organization gets an offered
    award with the round's amount and contract dates; its primary and secondary
    contacts become members of the cohort and get an invitation e-mail; each
    mentor of each mentorship that gained someone gets the roster.
    """
    run = _lock_preview(run)
    round = run.round
    locked = _lock_mentorships(
        Mentorship.objects.filter(round=round).values_list("pk", flat=True)
    )
    entries = list(
        run.entries.filter(mentorship__isnull=False)
        .select_related("application__organization", "application__decision")
        .order_by("-score", "id")
    )
    incoming = _commit_check(round=round, locked=locked, entries=entries)
    awards = [
        _award_offer(
            entry=entry, mentorship=locked[entry.mentorship_id], run=run, by=by
        )
        for entry in entries
    ]
    for mentorship_id in sorted(incoming):
        _roster_send(mentorship=locked[mentorship_id], run=run)
    run.committed_by = by
    run.committed_at = timezone.now()
    status_move(
        run, PlacementRun.Status.COMMITTED, fields=["committed_by", "committed_at"]
    )
    audit_record(
        actor=by,
        action="placement.commit",
        target=run,
        after={"awards": len(awards)},
    )
    return awards


def _commit_check(
    *, round: Round, locked: dict[int, Mentorship], entries: list[PlacementEntry]
) -> Counter:
    """Refuse a stale preview or one that overflows; return the seats per cohort."""
    already = (
        Award.objects.filter(application__in=[e.application for e in entries])
        .select_related("application__organization")
        .first()
    )
    if already is not None:
        raise ValidationError(RUN_STALE.format(name=already.organization.name))
    incoming = Counter(e.mentorship_id for e in entries)
    for mentorship_id, count in incoming.items():
        m = locked[mentorship_id]
        if m.active_count + count > m.capacity:
            raise ValidationError(
                COHORT_FULL.format(cohort=m.short_name, capacity=m.capacity)
            )
    if sum(m.active_count for m in locked.values()) + len(entries) > (
        round.awards_count
    ):
        raise ValidationError(ROUND_AWARDS_USED.format(total=round.awards_count))
    return incoming


def _award_offer(
    *, entry: PlacementEntry, mentorship: Mentorship, run: PlacementRun, by
) -> Award:
    """Offer the entry's applicant an award, with its work plan and invitations."""
    round = run.round
    award = Award.objects.create(
        application=entry.application,
        mentorship=mentorship,
        amount=round.award_amount,
        contract_start=round.contract_start,
        contract_end=round.contract_end,
        status=Award.Status.OFFERED,
    )
    year_services.workplan_get_or_create(award=award)
    _members_invite(award=award, kind=Kind.AWARD_INVITATION)
    audit_record(
        actor=by,
        action="award.create",
        target=award,
        after={
            "mentorship": award.mentorship.short_name,
            "status": award.status,
            "amount": str(award.amount),
            "run": run.pk,
        },
    )
    return award


def _user_for(contact_email: str, name: str):
    User = get_user_model()
    email = contact_email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        # No password yet: the invitation link lets the person set one.
        user = User.objects.create_user(email=email, password=None, full_name=name)
    return user


def _members_invite(*, award: Award, kind: str) -> list[CohortMember]:
    """Make the award's primary and secondary contacts members, and invite them."""
    contacts = Contact.objects.filter(
        application_id=award.application_id,
        kind__in=[Contact.Kind.PRIMARY, Contact.Kind.SECONDARY],
    ).order_by("kind", "order", "id")
    members = []
    seen = set()
    for contact in contacts:
        email = contact.email.strip().lower()
        if email in seen:
            continue
        seen.add(email)
        user = _user_for(email, contact.name)
        member, _ = CohortMember.objects.get_or_create(
            award=award,
            email=email,
            defaults={
                "user": user,
                "name": contact.name,
                "role": CohortMember.Role(contact.kind),
                "invited_at": timezone.now(),
            },
        )
        forget_roles(user)
        members.append(member)
        _invitation_send(member=member, kind=kind)
    return members


def invitation_token(user, *, at=None) -> str:
    """A signed link token that works until the user sets a password.

    ``at`` is when it counts as made (its validity starts then): the moment
    the invitation e-mail was written, so every attempt carries the same token.
    """
    payload = {"u": user.pk, "s": _password_state(user)}
    if at is None:
        return signing.dumps(payload, salt=INVITATION_SALT)
    return links.dumps_at(payload, salt=INVITATION_SALT, at=at)


INVITATION_LINK = "cohort_invitation"
INVITATION_MEMBER_GONE = _("the cohort member or their account is gone")


def invitation_link(message) -> str:
    """The link of a cohort invitation, made when the e-mail is sent.

    A person without a password gets the set-your-password link (a sign-in
    link: it is never stored); one who has set a password since gets the
    sign-in page that leads to the cohort.
    """
    member = (
        CohortMember.objects.select_related("user", "award")
        .filter(pk=message.link_object_id)
        .first()
    )
    user = member.user if member is not None else None
    if user is None or not user.is_active:
        raise links.LinkUnavailable(
            links.LINK_GONE.format(reason=INVITATION_MEMBER_GONE)
        )
    if user.has_usable_password():
        cohort_path = reverse(
            "cohorts:cohort-detail", args=[member.award.mentorship_id]
        )
        return links.absolute(reverse("login") + f"?next={cohort_path}")
    token = invitation_token(user, at=message.created_at)
    return links.absolute(reverse("cohorts:invitation-accept", args=[token]))


def _password_state(user) -> str:
    return salted_hmac(
        INVITATION_SALT, f"{user.password}:{user.last_login}"
    ).hexdigest()[:16]


def invitation_user(token: str):
    """Return the user an invitation token names, or raise ValidationError."""
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=INVITATION_MAX_AGE.total_seconds(),
        )
    except signing.BadSignature as exc:
        raise ValidationError(INVITATION_INVALID) from exc
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("s") != _password_state(user):
        raise ValidationError(INVITATION_INVALID)
    return user


@transaction.atomic
def invitation_accept(*, user, password: str):
    """Set the invited person's password and confirm the address it came to."""
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
    user.save(update_fields=["password", "email_confirmed_at"])
    now = timezone.now()
    CohortMember.objects.filter(user=user, joined_at__isnull=True).update(joined_at=now)
    audit_record(actor=user, action="invitation.accept", target=user)
    return user


def _invitation_send(*, member: CohortMember, kind: str) -> None:
    award = member.award
    mentorship = award.mentorship
    user = member.user
    cohort_path = reverse("cohorts:cohort-detail", args=[mentorship.pk])
    has_account = user.has_usable_password()
    link_kind = "" if has_account else INVITATION_LINK
    expires = (
        timezone.localtime(award.offer_expires_at, user.zone)
        if award.offer_expires_at
        else None
    )
    is_waitlist = kind == Kind.WAITLIST_OFFER
    subject = format_lazy(
        _("A seat has opened for you in {mentorship}'s DASH cohort")
        if is_waitlist
        else _("Welcome to the DASH cohort of {mentorship}"),
        mentorship=mentorship.short_name,
    )
    message_enqueue(
        kind=kind,
        to_email=member.email,
        subject=subject,
        template="cohorts_placement_invitation",
        context={
            "member": member,
            "award": award,
            "organization": award.application.organization.name,
            "mentorship": mentorship,
            "mentor_organization": mentorship.mentor_organization.name,
            "round": award.application.round,
            # Without an account the link signs in: made at send time, never
            # stored (``invitation_link``); with one it is the sign-in page.
            "link": links.PLACEHOLDER
            if link_kind
            else settings.SITE_URL + reverse("login") + f"?next={cohort_path}",
            "has_account": has_account,
            "expires": expires,
            "expires_zone": user.time_zone,
            "is_waitlist": is_waitlist,
        },
        key=f"award-invite:{award.pk}:{member.email}",
        recipient=user,
        link_kind=link_kind,
        link_object_id=member.pk,
    )


def mentorship_mentor_users(mentorship: Mentorship):
    """The people who receive a cohort's roster: its mentors, else the org's."""
    mentors = list(mentorship.mentors.filter(is_active=True))
    if mentors:
        return mentors
    return list(
        get_user_model().objects.filter(
            is_active=True,
            memberships__organization=mentorship.mentor_organization,
            memberships__role=Membership.Role.MENTOR,
        )
    )


def _roster_send(*, mentorship: Mentorship, run: PlacementRun) -> None:
    awards = list(
        mentorship.awards.filter(status__in=Award.ACTIVE)
        .select_related("application__organization")
        .prefetch_related("members")
        .order_by("application__organization__name")
    )
    path = reverse("cohorts:cohort-detail", args=[mentorship.pk])
    for mentor in mentorship_mentor_users(mentorship):
        message_enqueue(
            kind=Kind.ROSTER,
            to_email=mentor.email,
            subject=partial(_roster_subject, len(awards)),
            template="cohorts_placement_roster",
            context={
                "mentorship": mentorship,
                "awards": awards,
                "path": path,
                "round": mentorship.round,
            },
            key=f"roster:{mentorship.pk}:{run.pk}",
            recipient=mentor,
        )


# Awards after commit


@transaction.atomic
def award_move(*, award: Award, mentorship: Mentorship, by, note: str = "") -> Award:
    """Move an awarded organization to another cohort of its round.

    The target mentorship's row is locked before its seats are counted, so of
    many moves into the same cohort at once only as many succeed as it has free
    seats; the others are refused with a message naming the cohort and its
    capacity.
    """
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__organization", "mentorship")
        .get(pk=award.pk)
    )
    if award.status not in Award.ACTIVE or award.status == Award.Status.ENDED:
        raise ValidationError(
            AWARD_NOT_ACTIVE.format(status=award.get_status_display().lower())
        )
    if mentorship.round_id != award.mentorship.round_id:
        raise ValidationError(
            MENTORSHIP_OTHER_ROUND.format(cohort=mentorship.short_name)
        )
    if mentorship.pk == award.mentorship_id:
        raise ValidationError(
            SAME_MENTORSHIP.format(
                name=award.organization.name, cohort=mentorship.short_name
            )
        )
    target = _lock_mentorships([mentorship.pk])[mentorship.pk]
    if target.active_count + 1 > target.capacity:
        raise ValidationError(
            COHORT_FULL.format(cohort=target.short_name, capacity=target.capacity)
        )
    before = {"mentorship": award.mentorship.short_name}
    # The new cohort's rows are marked by the save; the old one's here.
    dashboard_invalidate(mentorships=[award.mentorship_id])
    award.mentorship = target
    award.save(update_fields=["mentorship", "updated_at"])
    audit_record(
        actor=by,
        action="award.move",
        target=award,
        before=before,
        after={"mentorship": target.short_name},
        note=note,
    )
    return award


@transaction.atomic
def award_transition(*, award: Award, status: str, by, note: str = "") -> Award:
    """Move an award to a new status along ``Award.TRANSITIONS``, audited.

    An award that is withdrawn, declined or whose offer expired frees its seat:
    its members leave the cohort, and the waitlist page proposes the best
    waitlisted applicant for that seat.
    """
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__organization", "mentorship")
        .get(pk=award.pk)
    )
    before = {
        "status": status_move(
            award, status, fields=["updated_at"], message=TRANSITION_REFUSED
        )
    }
    if status in LEAVING:
        now = timezone.now()
        for member in award.members.filter(active=True).select_related("user"):
            member.active = False
            member.left_at = now
            member.save(update_fields=["active", "left_at"])
            if member.user:
                forget_roles(member.user)
    audit_record(
        actor=by,
        action="award.status",
        target=award,
        before=before,
        after={"status": status},
        note=note,
    )
    return award


@transaction.atomic
def award_respond(*, award: Award, accept: bool, by, now=None) -> Award:
    """Let the organization's primary or secondary contact accept or decline.

    An offer past its expiry cannot be accepted any more; declining frees the
    seat for the waitlist.
    """
    now = now or timezone.now()
    is_contact = award.members.filter(
        user=by,
        active=True,
        role__in=[CohortMember.Role.PRIMARY, CohortMember.Role.SECONDARY],
    ).exists()
    if not is_contact:
        raise ValidationError(NOT_YOUR_AWARD)
    if accept and award.offer_expires_at and award.offer_expires_at <= now:
        local = timezone.localtime(award.offer_expires_at, by.zone)
        raise ValidationError(OFFER_EXPIRED.format(date=f"{local:%B %-d, %Y}"))
    status = Award.Status.ACCEPTED if accept else Award.Status.DECLINED
    return award_transition(
        award=award, status=status, by=by, note="Answered by the organization."
    )


@transaction.atomic
def waitlist_offer(
    *, application: Application, mentorship: Mentorship, by, now=None
) -> Award:
    """Offer a free seat to a waitlisted applicant: an award that expires.

    The mentorship's row is locked and its seats and the round's awards are
    counted, so a seat is offered once. The award is marked as from the
    waitlist, expires after the round's ``waitlist_offer_days``, and the
    organization's contacts get the offer by e-mail.
    """
    now = now or timezone.now()
    target = _lock_mentorships([mentorship.pk])[mentorship.pk]
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organization", "round")
        .get(pk=application.pk)
    )
    round = application.round
    if not _waitlist_eligible(application=application, target=target):
        raise ValidationError(
            WAITLIST_NOT_ELIGIBLE.format(
                name=application.organization.name, cohort=target.short_name
            )
        )
    if target.active_count + 1 > target.capacity:
        raise ValidationError(
            COHORT_FULL.format(cohort=target.short_name, capacity=target.capacity)
        )
    if _round_awards_active(round) + 1 > round.awards_count:
        raise ValidationError(ROUND_AWARDS_USED.format(total=round.awards_count))
    award = Award.objects.create(
        application=application,
        mentorship=target,
        amount=round.award_amount,
        contract_start=round.contract_start,
        contract_end=round.contract_end,
        status=Award.Status.OFFERED,
        from_waitlist=True,
        offer_expires_at=now + dt.timedelta(days=round.waitlist_offer_days),
    )
    year_services.workplan_get_or_create(award=award)
    _members_invite(award=award, kind=Kind.WAITLIST_OFFER)
    audit_record(
        actor=by,
        action="award.waitlist_offer",
        target=award,
        after={
            "mentorship": target.short_name,
            "offer_expires_at": award.offer_expires_at.isoformat(),
        },
    )
    return award


def _waitlist_eligible(*, application: Application, target: Mentorship) -> bool:
    """Whether a waitlisted applicant without an award ranked, and may take, it."""
    return (
        target.round_id == application.round.id
        and Decision.objects.filter(
            application=application, outcome=Decision.Outcome.WAITLIST
        ).exists()
        and not Award.objects.filter(application=application).exists()
        and application.preferences.filter(mentorship=target).exists()
        and not PlacementConstraint.objects.filter(
            application=application,
            mentorship=target,
            kind=PlacementConstraint.Kind.FORBID,
        ).exists()
    )


def award_offers_expire(*, now=None) -> int:
    """Mark every offer past its expiry as expired; return how many.

    Each award is moved in its own transaction through ``award_transition``,
    which re-reads it under a row lock, so running this twice, or alongside an
    acceptance, changes each award at most once.
    """
    count = 0
    for award_id in selectors.offers_expired(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            award = Award.objects.select_for_update().get(pk=award_id)
            if award.status != Award.Status.OFFERED:
                continue
            award_transition(
                award=award,
                status=Award.Status.EXPIRED,
                by=None,
                note="The offer expired without an answer.",
            )
            count += 1
    return count


# Pins and exclusions


@transaction.atomic
def placement_constraint_create(
    *, application: Application, mentorship: Mentorship, kind: str, note: str, by
) -> PlacementConstraint:
    """Pin an accepted applicant to a mentorship, or forbid the pair."""
    name = application.organization.name
    if application.round_id != mentorship.round_id:
        raise ValidationError(CONSTRAINT_OTHER_ROUND)
    existing = PlacementConstraint.objects.filter(application=application)
    if existing.filter(mentorship=mentorship).exists():
        raise ValidationError(
            CONSTRAINT_EXISTS.format(name=name, cohort=mentorship.short_name)
        )
    if kind == PlacementConstraint.Kind.PIN:
        if not Decision.objects.filter(
            application=application, outcome=Decision.Outcome.ACCEPT
        ).exists():
            raise ValidationError(CONSTRAINT_NOT_ACCEPTED)
        pin = existing.filter(kind=PlacementConstraint.Kind.PIN).first()
        if pin is not None:
            raise ValidationError(
                CONSTRAINT_ONE_PIN.format(name=name, cohort=pin.mentorship.short_name)
            )
        target = _lock_mentorships([mentorship.pk])[mentorship.pk]
        pins = PlacementConstraint.objects.filter(
            mentorship=target, kind=PlacementConstraint.Kind.PIN
        ).count()
        if target.active_count + pins + 1 > target.capacity:
            raise ValidationError(
                CONSTRAINT_PIN_FULL.format(
                    cohort=target.short_name, capacity=target.capacity
                )
            )
    constraint = PlacementConstraint.objects.create(
        application=application,
        mentorship=mentorship,
        kind=kind,
        note=note,
        created_by=by,
    )
    audit_record(
        actor=by,
        action=f"placement.{kind}",
        target=constraint,
        after={"application": name, "mentorship": mentorship.short_name},
        note=note,
    )
    return constraint


@transaction.atomic
def placement_constraint_delete(*, constraint: PlacementConstraint, by) -> None:
    """Remove a pin or an exclusion."""
    audit_record(
        actor=by,
        action=f"placement.{constraint.kind}.remove",
        target=constraint,
        before={
            "application": constraint.application.organization.name,
            "mentorship": constraint.mentorship.short_name,
        },
    )
    constraint.delete()
