"""Every write of the peer network: profiles, the matching, introductions,
blocks and group-move suggestions.

Each service is atomic and checks what it is asked before it writes; a refusal
raises ``ValidationError`` with one of the messages below (tests assert the
same constants) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from affinity.models import Group, GroupMember
from affinity.permissions import can_manage_group
from affinity.services import membership_leave
from applications.models import Application, Award, Partner
from dashmentor.broker import publish_on_commit
from dashmentor.models import Membership, Organization
from dashmentor.services import audit_record
from dashmentor.status import status_allowed, status_move, status_update
from notifications.models import Kind
from notifications.services import message_enqueue

from . import matching, permissions, rules
from .models import (
    Block,
    Challenge,
    CollaborationProfile,
    GroupMoveSuggestion,
    Introduction,
    Similarity,
    Topic,
)

PREFILL_ALREADY_ANSWERED = _("This question was already answered for this profile.")
NOT_YOUR_PROFILE = _("Only the organization's own people can change its profile.")
TOO_MANY_CHALLENGES = _("List at most {limit} challenges, one per line.")
CHALLENGE_TOO_LONG = _("Keep each challenge under {limit} characters.")
INTRO_TO_ITSELF = _(
    "That is your own organization: ask for an introduction to another."
)
INTRO_NOT_YOURS = _("You can ask only for an organization you belong to.")
INTRO_UNKNOWN = _("That profile is not open to you.")
INTRO_BLOCKED = _("An introduction between these two organizations is not possible.")
INTRO_ALREADY_OPEN = _(
    "An introduction between these two organizations is already waiting for an answer."
)
INTRO_ALREADY_CONNECTED = _("These two organizations are already introduced.")
INTRO_DAILY_LIMIT = _(
    "You have asked for {limit} introductions today, the most a day; ask again "
    "tomorrow."
)
INTRO_NOTE_TOO_LONG = _("Keep the note under {limit} characters.")
INTRO_NOT_PENDING = _("This introduction has already been answered.")
INTRO_NOT_YOURS_TO_ANSWER = _("This introduction waits for the other organization.")
INTRO_NOT_YOURS_TO_WITHDRAW = _("Only the organization that asked can withdraw it.")
BROKER_NOT_ALLOWED = _("Only mentors and program staff introduce two organizations.")
BROKER_NOT_MENTEES = _("Both organizations must be mentees or alumni of the program.")
BROKER_NOT_YOUR_COHORT = _("A mentor introduces the mentees of its own cohorts.")
BROKER_SAME = _("Choose two different organizations.")
BLOCK_ITSELF = _("An organization cannot block itself.")
BLOCK_ALREADY = _("This organization is already blocked.")
MOVE_NOT_LEADER = _("Only the group's leaders and staff suggest a move.")
MOVE_NOT_MEMBER = _("Only a member of the group can be suggested another one.")
MOVE_SAME_CYCLE = _("Suggest a different group of the same cycle.")
MOVE_ALREADY_THERE = _("This person is already in that group or asking to join it.")
MOVE_ALREADY_OPEN = _("A suggestion for this person is already waiting for an answer.")
MOVE_NOT_PENDING = _("This suggestion has already been answered.")
MOVE_NOT_YOURS = _("Only the person it concerns answers a suggestion.")

# The fields a profile's people edit; the matching reads all but visibility.
EDITABLE = (
    "visibility",
    "works_on",
    "offers",
    "partner_sectors",
    "data_systems",
    "data_systems_planned",
    "populations",
    "state",
)


# --- Profiles ------------------------------------------------------------------


def _tags(profile: CollaborationProfile, topic_ids) -> str:
    return rules.tags_index(
        sectors=profile.partner_sectors,
        data_systems=profile.data_systems,
        planned=profile.data_systems_planned,
        populations=profile.populations,
        topics=topic_ids,
    )


def search_document_build(profile: CollaborationProfile, *, topics, challenges) -> str:
    """Everything the directory's search finds a profile by, as plain text: the
    vocabularies' words in English and in Spanish, so that either finds it."""
    from dashmentor.choices import Sector, USState

    def words(choices, values) -> str:
        found = []
        for language in ("en", "es"):
            with translation.override(language):
                labels = {value: str(label) for value, label in choices}
                found += [labels.get(v, v) for v in values if v]
        return " ".join(dict.fromkeys(found))

    vocab = [*rules.DataSystem.choices, *rules.Population.choices]
    parts = [
        profile.organization.name,
        profile.works_on,
        profile.offers,
        " ".join(challenges),
        " ".join(t.name for t in topics),
        words(Sector.choices, profile.partner_sectors),
        words(vocab, [*profile.data_systems, *profile.data_systems_planned]),
        words(vocab, profile.populations),
        words(USState.choices, [profile.state]),
        words(rules.Region.choices, [profile.region]),
    ]
    return "\n".join(p for p in parts if p)


def _reindex(profile: CollaborationProfile) -> None:
    topics = list(profile.topics.all())
    challenges = list(profile.challenges.values_list("text", flat=True))
    profile.search_document = search_document_build(
        profile, topics=topics, challenges=challenges
    )
    profile.tags_index = _tags(profile, [t.pk for t in topics])


@transaction.atomic
def profile_ensure(*, organization: Organization) -> CollaborationProfile:
    """The organization's profile, made (empty, default visibility) if missing."""
    profile = CollaborationProfile.objects.filter(organization=organization).first()
    if profile is not None:
        return profile
    profile = CollaborationProfile(
        organization=organization,
        state=organization.state,
        region=rules.region_for_state(organization.state),
    )
    profile.search_document = search_document_build(profile, topics=[], challenges=[])
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:  # made meanwhile by another request
        return CollaborationProfile.objects.get(organization=organization)
    return profile


def own_organizations(user) -> list[Organization]:
    """The organizations ``user`` speaks for, by name."""
    return list(
        Organization.objects.filter(
            pk__in=permissions.organization_ids_of(user)
        ).order_by("name")
    )


def eligible_organizations():
    """Organizations that have a profile by right: they applied (submitted), were
    awarded, mentor, or have people in an affinity group."""
    applied = Application.objects.filter(first_submitted_at__isnull=False).values(
        "organization_id"
    )
    awarded = Award.objects.filter(status__in=Award.ACTIVE).values(
        "application__organization_id"
    )
    mentors = Organization.objects.filter(mentorships__isnull=False).values("pk")
    in_groups = Membership.objects.filter(
        user__affinity_memberships__status=GroupMember.Status.ADMITTED
    ).values("organization_id")
    return Organization.objects.filter(
        Q(pk__in=applied) | Q(pk__in=awarded) | Q(pk__in=mentors) | Q(pk__in=in_groups)
    )


def profiles_sync() -> int:
    """Make the missing profiles of every eligible organization; return how many.

    Safe to run at any time and twice: beat runs it daily, the seed once.
    """
    made = 0
    missing = eligible_organizations().filter(peer_profile__isnull=True)
    for organization in missing.iterator():
        profile_ensure(organization=organization)
        made += 1
    if made:
        publish_on_commit(_similarities_task())
    return made


def _similarities_task():
    from .tasks import similarities_compute_task

    return similarities_compute_task


def _latest_application(organization: Organization) -> Application | None:
    return (
        Application.objects.filter(
            organization=organization, first_submitted_at__isnull=False
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def topics_for_phrases(phrases) -> list[Topic]:
    """The topics whose name or phrases match any of ``phrases`` (any case)."""
    wanted = {" ".join(str(p).lower().split()) for p in phrases if p}
    return [
        topic
        for topic in Topic.objects.all()
        if topic.name.lower() in wanted
        or wanted & {" ".join(str(p).lower().split()) for p in topic.phrases}
    ]


@transaction.atomic
def profile_prefill_answer(
    *, profile: CollaborationProfile, consent: bool, by
) -> CollaborationProfile:
    """Record the organization's answer to "fill the profile from your
    application?" (asked once) and, on yes, fill the empty fields from its
    latest submitted application: the collaboration's description, its
    partners' sectors, its state, the data systems it names, and the topics of
    its cohort's "good fit" tags."""
    profile = CollaborationProfile.objects.select_for_update().get(pk=profile.pk)
    if not permissions.can_edit_profile(by, profile):
        raise ValidationError(NOT_YOUR_PROFILE)
    if profile.prefill_consent:
        raise ValidationError(PREFILL_ALREADY_ANSWERED)
    profile.prefill_consent = (
        CollaborationProfile.Consent.YES if consent else CollaborationProfile.Consent.NO
    )
    profile.prefill_answered_by = by
    profile.prefill_answered_at = timezone.now()
    filled = []
    application = _latest_application(profile.organization) if consent else None
    if application is not None:
        filled = _prefill_from(profile, application)
    _reindex(profile)
    profile.similar_stale = profile.similar_stale or bool(filled)
    profile.updated_by = by
    profile.save()
    audit_record(
        actor=by,
        action="peers.profile_prefill",
        target=profile,
        after={"consent": profile.prefill_consent, "filled": filled},
    )
    if filled:
        publish_on_commit(_similarities_task())
    return profile


def _prefill_from(profile: CollaborationProfile, application: Application) -> list:
    """Fill the profile's empty fields from ``application``; return their names."""
    filled = []
    if not profile.works_on:
        text = application.collaboration_description or application.learning_goal
        if application.collaboration_name and text:
            text = f"{application.collaboration_name}: {text}"
        profile.works_on = text
        filled.append("works_on")
    if not profile.partner_sectors:
        sectors = set()
        for partner in Partner.objects.filter(application=application):
            sectors.update(partner.sectors or [])
        profile.partner_sectors = sorted(sectors)
        filled.append("partner_sectors")
    if not profile.state and application.state:
        profile.state = application.state
        profile.region = rules.region_for_state(application.state)
        filled.append("state")
    if not profile.data_systems:
        profile.data_systems = sorted(
            rules.data_systems_in(
                " ".join(
                    [
                        application.collaboration_description,
                        application.learning_goal,
                    ]
                )
            )
        )
        filled.append("data_systems")
    award = Award.objects.filter(application=application).select_related("mentorship")
    award = award.first()
    if award is not None and not profile.topics.exists():
        profile.topics.set(topics_for_phrases(award.mentorship.tags))
        filled.append("topics")
    return filled


def _challenges_clean(challenges: list[str]) -> list[str]:
    challenges = [" ".join(c.split()) for c in challenges if c and c.strip()]
    if len(challenges) > rules.CHALLENGES_MAX:
        raise ValidationError(TOO_MANY_CHALLENGES.format(limit=rules.CHALLENGES_MAX))
    if any(len(c) > rules.CHALLENGE_MAX_CHARS for c in challenges):
        raise ValidationError(
            CHALLENGE_TOO_LONG.format(limit=rules.CHALLENGE_MAX_CHARS)
        )
    return list(dict.fromkeys(challenges))


@transaction.atomic
def profile_update(
    *,
    profile: CollaborationProfile,
    by,
    topics: list[Topic] | None = None,
    challenges: list[str] | None = None,
    **fields,
) -> CollaborationProfile:
    """Change what the organization says of itself; a form saved back unchanged
    writes nothing.

    ``fields`` are among ``EDITABLE``; ``challenges`` are the current challenges
    in order (the rows of those that stay are kept, as issue 20's discussions
    hang on them).
    """
    profile = CollaborationProfile.objects.select_for_update().get(pk=profile.pk)
    if not permissions.can_edit_profile(by, profile):
        raise ValidationError(NOT_YOUR_PROFILE)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    before, after = _fields_set(profile, fields)
    if topics is not None:
        old = set(profile.topics.values_list("pk", flat=True))
        new = {t.pk for t in topics}
        if old != new:
            profile.topics.set(topics)
            before["topics"], after["topics"] = sorted(old), sorted(new)
    if challenges is not None:
        _challenges_replace(profile, challenges, before, after)
    if not after:
        return profile
    _reindex(profile)
    # Visibility too: a hidden profile leaves everyone's suggestions.
    profile.similar_stale = True
    profile.updated_by = by
    profile.save()
    audit_record(
        actor=by,
        action="peers.profile_update",
        target=profile,
        before={k: v for k, v in before.items() if k != "challenges"},
        after={k: v for k, v in after.items() if k != "challenges"},
    )
    if after.get("visibility") == rules.Visibility.NOBODY:
        # Gone from everyone's suggestions at once, not at the next sweep.
        Similarity.objects.filter(Q(profile=profile) | Q(other=profile)).delete()
    publish_on_commit(_similarities_task())
    return profile


def _fields_set(profile: CollaborationProfile, fields: dict) -> tuple[dict, dict]:
    """Set the fields that change (a state moves the region with it); return
    their values before and after."""
    before, after = {}, {}
    for name, value in fields.items():
        if isinstance(value, list | tuple):
            value = sorted(set(value))
        if getattr(profile, name) != value:
            before[name] = getattr(profile, name)
            after[name] = value
            setattr(profile, name, value)
    if "state" in after:
        profile.region = rules.region_for_state(profile.state)
    return before, after


def _challenges_replace(
    profile: CollaborationProfile, challenges: list[str], before: dict, after: dict
) -> None:
    """Make the profile's challenges ``challenges``, in order, keeping the rows
    of those that stay; note the change in ``before`` and ``after``."""
    wanted = _challenges_clean(challenges)
    current = list(profile.challenges.all())
    if [c.text for c in current] != wanted:
        keep = {c.text: c for c in current}
        for challenge in current:
            if challenge.text not in wanted:
                challenge.delete()
        for order, text in enumerate(wanted):
            row = keep.get(text)
            if row is None:
                Challenge.objects.create(profile=profile, text=text, order=order)
            elif row.order != order:
                row.order = order
                row.save(update_fields=["order"])
        before["challenges"] = [c.text for c in current]
        after["challenges"] = wanted


# --- The matching ----------------------------------------------------------------


def features_of(profiles) -> list[rules.Features]:
    """What the matching reads of each profile: only what peers may see."""
    challenges: dict[int, list[str]] = {}
    for profile_id, text in Challenge.objects.filter(
        profile__in=[p.pk for p in profiles]
    ).values_list("profile_id", "text"):
        challenges.setdefault(profile_id, []).append(text)
    topics: dict[int, set[str]] = {}
    for profile_id, topic_id in CollaborationProfile.topics.through.objects.filter(
        collaborationprofile_id__in=[p.pk for p in profiles]
    ).values_list("collaborationprofile_id", "topic_id"):
        topics.setdefault(profile_id, set()).add(str(topic_id))
    return [
        rules.Features(
            key=p.pk,
            text="\n".join([p.works_on, p.offers, *challenges.get(p.pk, [])]),
            data_systems=frozenset([*p.data_systems, *p.data_systems_planned]),
            sectors=frozenset(p.partner_sectors),
            topics=frozenset(topics.get(p.pk, ())),
            populations=frozenset(p.populations),
            region=p.region,
        )
        for p in profiles
    ]


def similarities_compute() -> int:
    """Compute every visible profile's most similar peers and replace the rows.

    Profiles set to "nobody" take no part: they are neither matched nor
    suggested. Returns the number of rows written.
    """
    started = timezone.now()
    profiles = list(
        CollaborationProfile.objects.exclude(visibility=rules.Visibility.NOBODY).only(
            "pk",
            "works_on",
            "offers",
            "partner_sectors",
            "data_systems",
            "data_systems_planned",
            "populations",
            "region",
        )
    )
    found = matching.neighbours(features_of(profiles))
    rows = [
        Similarity(
            profile_id=match.key,
            other_id=match.other,
            rank=rank,
            score=match.score,
            reason_codes=match.reason_codes,
        )
        for matches in found.values()
        for rank, match in enumerate(matches, start=1)
    ]
    with transaction.atomic():
        Similarity.objects.all().delete()
        Similarity.objects.bulk_create(rows, batch_size=2000)
        # A profile edited while this ran stays marked for the next sweep.
        CollaborationProfile.objects.filter(updated_at__lt=started).update(
            similar_stale=False, similar_computed_at=started
        )
    return len(rows)


def similarities_sweep() -> int | None:
    """Compute again if any profile changed since the last computation."""
    if not CollaborationProfile.objects.filter(similar_stale=True).exists():
        return None
    return similarities_compute()


# --- Introductions ---------------------------------------------------------------


def _blocked(a: CollaborationProfile, b: CollaborationProfile) -> bool:
    return Block.objects.filter(
        Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)
    ).exists()


def _people_of(profile: CollaborationProfile):
    """Whom an organization's e-mails go to: its members and cohort members."""
    from cohorts.models import CohortMember
    from dashmentor.models import User

    ids = set(
        Membership.objects.filter(organization_id=profile.organization_id).values_list(
            "user_id", flat=True
        )
    )
    ids.update(
        CohortMember.objects.filter(
            award__application__organization_id=profile.organization_id,
            active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _check_pair(a: CollaborationProfile, b: CollaborationProfile) -> None:
    if a.pk == b.pk or a.organization_id == b.organization_id:
        raise ValidationError(INTRO_TO_ITSELF)
    if _blocked(a, b):
        raise ValidationError(INTRO_BLOCKED)
    pair = Introduction.pair_of(a.pk, b.pk)
    if Introduction.objects.filter(
        pair=pair, status=Introduction.Status.PENDING
    ).exists():
        raise ValidationError(INTRO_ALREADY_OPEN)
    if Introduction.objects.filter(
        pair=pair, status=Introduction.Status.ACCEPTED
    ).exists():
        raise ValidationError(INTRO_ALREADY_CONNECTED)


def _note_clean(note: str) -> str:
    note = (note or "").strip()
    if len(note) > rules.NOTE_MAX_CHARS:
        raise ValidationError(INTRO_NOTE_TOO_LONG.format(limit=rules.NOTE_MAX_CHARS))
    return note


def _create(**kwargs) -> Introduction:
    try:
        with transaction.atomic():
            return Introduction.objects.create(**kwargs)
    except IntegrityError:  # the other side asked at the same moment
        raise ValidationError(INTRO_ALREADY_OPEN)


def _tell(intro: Introduction, profile: CollaborationProfile, *, event: str) -> None:
    """E-mail an organization's people about ``intro`` (never a contact detail
    before acceptance: only names and the note)."""
    path = reverse("peers:introduction-detail", args=[intro.pk])
    subjects = {
        "asked": _words(
            _("%(organization)s asks to be introduced"),
            organization=str(intro.from_profile.organization),
        ),
        "brokered": _words(
            _("An introduction to %(organization)s"),
            organization=(
                intro.to_profile.organization.name
                if profile == intro.from_profile
                else intro.from_profile.organization.name
            ),
        ),
        "declined": _("Your introduction request was declined"),
    }
    for person in _people_of(profile):
        message_enqueue(
            kind=Kind.GENERAL,
            to_email=person.email,
            subject=subjects[event],
            template="peers_introduction_notice",
            context={"intro": intro, "event": event, "path": path, "profile": profile},
            key=f"peer-intro:{intro.pk}:{event}:{profile.pk}",
            recipient=person,
        )


def _fill(message, values: dict) -> str:
    return str(message) % values


def _words(message, **values):
    """A subject made in its reader's language when the message is written."""
    return partial(_fill, message, values)


@transaction.atomic
def introduction_request(
    *,
    from_profile: CollaborationProfile,
    to_profile: CollaborationProfile,
    note: str,
    by,
    now=None,
) -> Introduction:
    """Ask, for one's organization, to be introduced to another.

    Refused: to oneself, to a profile one may not read, to or from a blocked
    organization, a second open request of the pair, and past the daily limit
    of requests per person (``PEERS_INTRODUCTIONS_PER_DAY``).
    """
    from dashmentor.models import User

    now = now or timezone.now()
    if from_profile.organization_id not in permissions.organization_ids_of(by):
        raise ValidationError(INTRO_NOT_YOURS)
    if to_profile.organization_id in permissions.organization_ids_of(by):
        raise ValidationError(INTRO_TO_ITSELF)
    visible = CollaborationProfile.objects.filter(permissions.others_filter(by))
    if not visible.filter(pk=to_profile.pk).exists():
        raise ValidationError(INTRO_UNKNOWN)
    note = _note_clean(note)
    # One request at a time per person: the daily count cannot be raced past.
    User.objects.select_for_update().filter(pk=by.pk).first()
    _check_pair(from_profile, to_profile)
    limit = settings.PEERS_INTRODUCTIONS_PER_DAY
    asked_today = Introduction.objects.filter(
        requested_by=by, created_at__gte=now - dt.timedelta(days=1)
    ).count()
    if asked_today >= limit:
        raise ValidationError(INTRO_DAILY_LIMIT.format(limit=limit))
    intro = _create(
        from_profile=from_profile,
        to_profile=to_profile,
        pair=Introduction.pair_of(from_profile.pk, to_profile.pk),
        note=note,
        requested_by=by,
        from_contact=by,
        from_accepted_at=now,
        created_at=now,
    )
    audit_record(actor=by, action="peers.introduction_request", target=intro)
    _tell(intro, to_profile, event="asked")
    return intro


@transaction.atomic
def introduction_broker(
    *,
    first: CollaborationProfile,
    second: CollaborationProfile,
    note: str,
    by,
) -> Introduction:
    """A mentor or staff member introduces two mentee organizations; each
    side accepts before either sees the other's contact."""
    from cohorts.models import Mentorship

    if not permissions.can_broker(by):
        raise ValidationError(BROKER_NOT_ALLOWED)
    if first.pk == second.pk:
        raise ValidationError(BROKER_SAME)
    awarded = set(
        Award.objects.filter(
            application__organization_id__in=[
                first.organization_id,
                second.organization_id,
            ],
            status__in=Award.ACTIVE,
        ).values_list("application__organization_id", "mentorship_id")
    )
    orgs = {org for org, _ in awarded}
    if orgs != {first.organization_id, second.organization_id}:
        raise ValidationError(BROKER_NOT_MENTEES)
    if first.hidden or second.hidden:
        raise ValidationError(INTRO_UNKNOWN)
    from dashmentor.roles import Role, has_role

    if not has_role(by, Role.STAFF):
        led = set(Mentorship.objects.filter(mentors=by).values_list("pk", flat=True))
        if not any(mentorship in led for _, mentorship in awarded):
            raise ValidationError(BROKER_NOT_YOUR_COHORT)
    note = _note_clean(note)
    _check_pair(first, second)
    intro = _create(
        from_profile=first,
        to_profile=second,
        pair=Introduction.pair_of(first.pk, second.pk),
        note=note,
        introduced_by=by,
    )
    audit_record(actor=by, action="peers.introduction_broker", target=intro)
    _tell(intro, first, event="brokered")
    _tell(intro, second, event="brokered")
    return intro


def _send_contacts(intro: Introduction) -> None:
    """One e-mail to each side with the other's contact, through the outbox."""
    path = reverse("peers:introduction-detail", args=[intro.pk])
    sides = (
        (intro.from_contact, intro.to_contact, intro.to_profile),
        (intro.to_contact, intro.from_contact, intro.from_profile),
    )
    for person, other, other_profile in sides:
        if person is None or other is None:
            continue
        message_enqueue(
            kind=Kind.GENERAL,
            to_email=person.email,
            subject=_words(
                _("You are introduced to %(organization)s"),
                organization=str(other_profile.organization),
            ),
            template="peers_introduction_accepted",
            context={
                "intro": intro,
                "other": other,
                "other_profile": other_profile,
                "path": path,
            },
            key=f"peer-intro:{intro.pk}:accepted",
            recipient=person,
        )


@transaction.atomic
def introduction_respond(*, intro: Introduction, accept: bool, by) -> Introduction:
    """Accept or decline an introduction for one's organization.

    A request waits for the other side; one made by a mentor or staff waits
    for both. On the last acceptance both sides see each other's contact
    e-mail and get it by e-mail, once.
    """
    intro = Introduction.objects.select_for_update().get(pk=intro.pk)
    if intro.status != Introduction.Status.PENDING:
        raise ValidationError(INTRO_NOT_PENDING)
    sides = permissions.sides_of(by, intro)
    waiting = set()
    if intro.to_accepted_at is None:
        waiting.add("to")
    if intro.from_accepted_at is None:
        waiting.add("from")
    answering = sides & waiting
    if not answering:
        raise ValidationError(INTRO_NOT_YOURS_TO_ANSWER)
    now = timezone.now()
    if not accept:
        intro.decided_by = by
        intro.decided_at = now
        status_move(
            intro, Introduction.Status.DECLINED, fields=["decided_by", "decided_at"]
        )
        audit_record(actor=by, action="peers.introduction_decline", target=intro)
        if intro.requested_by_id:
            _tell(intro, intro.from_profile, event="declined")
        return intro
    side = "to" if "to" in answering else "from"
    setattr(intro, f"{side}_contact", by)
    setattr(intro, f"{side}_accepted_at", now)
    fields = [f"{side}_contact", f"{side}_accepted_at"]
    if intro.from_accepted_at and intro.to_accepted_at:
        intro.decided_by = by
        intro.decided_at = now
        fields += ["decided_by", "decided_at"]
        status_move(intro, Introduction.Status.ACCEPTED, fields=fields)
    else:
        intro.save(update_fields=fields)
    audit_record(
        actor=by,
        action="peers.introduction_accept",
        target=intro,
        after={"side": side, "status": intro.status},
    )
    if intro.status == Introduction.Status.ACCEPTED:
        _send_contacts(intro)
    return intro


@transaction.atomic
def introduction_withdraw(*, intro: Introduction, by) -> Introduction:
    """The asking organization (or the one who introduced) withdraws it."""
    intro = Introduction.objects.select_for_update().get(pk=intro.pk)
    if intro.status != Introduction.Status.PENDING:
        raise ValidationError(INTRO_NOT_PENDING)
    mine = "from" in permissions.sides_of(by, intro) and intro.requested_by_id
    if not (mine or (intro.introduced_by_id and intro.introduced_by_id == by.pk)):
        raise ValidationError(INTRO_NOT_YOURS_TO_WITHDRAW)
    intro.decided_by = by
    intro.decided_at = timezone.now()
    status_move(
        intro, Introduction.Status.WITHDRAWN, fields=["decided_by", "decided_at"]
    )
    audit_record(actor=by, action="peers.introduction_withdraw", target=intro)
    return intro


def contact_of(intro: Introduction, *, viewer_sides: set[str]) -> dict[str, str]:
    """The contact e-mails ``viewer_sides`` may read: its own side's, and the
    other side's only once accepted. Whoever made the introduction (a mentor,
    staff) is on neither side and reads neither."""
    shown = {}
    accepted = intro.status == Introduction.Status.ACCEPTED
    for side, other in (("from", "to"), ("to", "from")):
        person = getattr(intro, f"{side}_contact")
        if person is None:
            continue
        if side in viewer_sides or (accepted and other in viewer_sides):
            shown[side] = person.email
    return shown


# --- Blocks ----------------------------------------------------------------------


@transaction.atomic
def block_add(
    *, blocker: CollaborationProfile, blocked: CollaborationProfile, by
) -> Block:
    """Block introductions with another organization; open ones are declined."""
    if not permissions.can_edit_profile(by, blocker):
        raise ValidationError(NOT_YOUR_PROFILE)
    if blocker.pk == blocked.pk or blocker.organization_id == blocked.organization_id:
        raise ValidationError(BLOCK_ITSELF)
    if Block.objects.filter(blocker=blocker, blocked=blocked).exists():
        raise ValidationError(BLOCK_ALREADY)
    block = Block.objects.create(blocker=blocker, blocked=blocked, created_by=by)
    status_update(
        Introduction.objects.filter(pair=Introduction.pair_of(blocker.pk, blocked.pk)),
        Introduction.Status.DECLINED,
        before=[Introduction.Status.PENDING],
        decided_by=by,
        decided_at=timezone.now(),
    )
    audit_record(actor=by, action="peers.block", target=block)
    return block


@transaction.atomic
def block_remove(*, block: Block, by) -> None:
    if not permissions.can_edit_profile(by, block.blocker):
        raise ValidationError(NOT_YOUR_PROFILE)
    audit_record(actor=by, action="peers.unblock", target=block)
    block.delete()


# --- Affinity-group fit ----------------------------------------------------------


@transaction.atomic
def group_move_suggest(
    *, member: GroupMember, to_group: Group, note: str, by
) -> GroupMoveSuggestion:
    """A leader suggests that a member would fit another group of the cycle."""
    if not can_manage_group(by, member.group):
        raise ValidationError(MOVE_NOT_LEADER)
    if member.status != GroupMember.Status.ADMITTED:
        raise ValidationError(MOVE_NOT_MEMBER)
    if to_group.pk == member.group_id or to_group.cycle_id != member.group.cycle_id:
        raise ValidationError(MOVE_SAME_CYCLE)
    if GroupMember.objects.filter(
        group=to_group, user_id=member.user_id, status__in=GroupMember.LEAVABLE
    ).exists():
        raise ValidationError(MOVE_ALREADY_THERE)
    note = _note_clean(note)
    try:
        with transaction.atomic():
            suggestion = GroupMoveSuggestion.objects.create(
                member=member, to_group=to_group, note=note, suggested_by=by
            )
    except IntegrityError:
        raise ValidationError(MOVE_ALREADY_OPEN)
    audit_record(actor=by, action="peers.group_move_suggest", target=suggestion)
    message_enqueue(
        kind=Kind.GROUP_MEMBERSHIP,
        to_email=member.user.email,
        subject=_words(_("A suggestion: the %(topic)s group"), topic=to_group.topic),
        template="peers_group_move",
        context={
            "suggestion": suggestion,
            "event": "suggested",
            "path": reverse("peers:network"),
        },
        key=f"peer-move:{suggestion.pk}:suggested",
        recipient=member.user,
    )
    return suggestion


def _open_move(suggestion: GroupMoveSuggestion, by) -> GroupMoveSuggestion:
    suggestion = (
        GroupMoveSuggestion.objects.select_for_update()
        .select_related("member__group", "member__user", "to_group")
        .get(pk=suggestion.pk)
    )
    if suggestion.status != GroupMoveSuggestion.Status.PENDING:
        raise ValidationError(MOVE_NOT_PENDING)
    if suggestion.member.user_id != by.pk:
        raise ValidationError(MOVE_NOT_YOURS)
    return suggestion


def _membership_for_move(*, group, user, status: str, suggestion) -> GroupMember:
    """The person's membership of the group it moves to, in ``status``.

    A new row starts there. A row it had (it left or was declined once) moves
    through the affinity table's own steps: it asks again (requested or
    waitlisted), and a request the suggestion admits is admitted.
    """
    when = suggestion.decided_at
    member = GroupMember.objects.select_for_update().filter(group=group, user=user)
    member = member.first()
    if member is None:
        return GroupMember.objects.create(
            group=group,
            user=user,
            status=status,
            requested_at=when,
            decided_at=when,
            decided_by=suggestion.suggested_by,
        )
    member.requested_at = member.decided_at = when
    member.decided_by = suggestion.suggested_by
    member.left_at = None
    fields = ["requested_at", "decided_at", "decided_by", "left_at"]
    if member.status in (GroupMember.Status.DECLINED, GroupMember.Status.LEFT):
        ask = (
            GroupMember.Status.WAITLISTED
            if status == GroupMember.Status.WAITLISTED
            else GroupMember.Status.REQUESTED
        )
        status_move(member, ask, fields=fields)
    if member.status != status and status_allowed(GroupMember, member.status, status):
        status_move(member, status, fields=fields)
    else:
        member.save(update_fields=fields)
    return member


@transaction.atomic
def group_move_respond(
    *, suggestion: GroupMoveSuggestion, accept: bool, by
) -> GroupMoveSuggestion:
    """The member accepts (the membership moves, both groups' leaders are told)
    or declines. A full group takes the person on its waitlist."""
    from affinity import rules as affinity_rules

    suggestion = _open_move(suggestion, by)
    suggestion.decided_at = timezone.now()
    if not accept:
        status_move(
            suggestion, GroupMoveSuggestion.Status.DECLINED, fields=["decided_at"]
        )
        audit_record(actor=by, action="peers.group_move_decline", target=suggestion)
        return suggestion
    old = suggestion.member
    new_group = Group.objects.select_for_update().get(pk=suggestion.to_group_id)
    if old.status in GroupMember.LEAVABLE:
        membership_leave(member=old, by=by)
    admitted = GroupMember.objects.filter(
        group=new_group, status=GroupMember.Status.ADMITTED
    ).count()
    status = (
        GroupMember.Status.WAITLISTED
        if affinity_rules.is_full(admitted, new_group.capacity)
        else GroupMember.Status.ADMITTED
    )
    moved = _membership_for_move(
        group=new_group, user=old.user, status=status, suggestion=suggestion
    )
    status_move(suggestion, GroupMoveSuggestion.Status.ACCEPTED, fields=["decided_at"])
    audit_record(
        actor=by,
        action="peers.group_move_accept",
        target=suggestion,
        after={"from_group": old.group_id, "to_group": new_group.pk, "status": status},
    )
    leaders = {}
    for group in (old.group, new_group):
        for person in [*group.leaders.all(), *group.support_staff.all()]:
            leaders[person.pk] = person
    for person in leaders.values():
        message_enqueue(
            kind=Kind.GROUP_MEMBERSHIP,
            to_email=person.email,
            subject=f"{old.user} moved from {old.group.topic} to {new_group.topic}",
            template="peers_group_move",
            context={
                "suggestion": suggestion,
                "event": "moved",
                "moved": moved,
                "path": reverse("affinity:roster", args=[new_group.pk]),
            },
            key=f"peer-move:{suggestion.pk}:moved",
            recipient=person,
        )
    return suggestion
