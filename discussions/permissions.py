"""Who reads and writes which space and challenge.

A cohort's space belongs to its mentors and the active people of its awarded
organizations (alumni have left it); an affinity group's to its leaders,
support staff and admitted members. Program staff read and moderate every
space. Nobody else learns that a thread or a challenge exists: ids out of
reach answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404

from affinity.models import Group, GroupMember
from applications.models import Award
from cohorts.models import CohortMember, Mentorship
from dashmentor.roles import Role, has_role
from peers.permissions import is_participant

from .models import Challenge, Space

# The awards whose people are in their cohort's space (an ended award's people
# are alumni: the cohort's pages close to them).
IN_COHORT = (Award.Status.OFFERED, Award.Status.ACCEPTED, Award.Status.CONTRACTED)


def is_staff(user) -> bool:
    return user.is_authenticated and has_role(user, Role.STAFF)


@dataclass(frozen=True)
class Ref:
    """A space named by its owner, whether or not its row exists yet."""

    kind: str
    owner_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.owner_id}"


def ref_of(space: Space) -> Ref:
    return Ref(space.kind, space.owner_id)


def memberships(user) -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """(cohorts in, cohorts led, groups in, groups led) of ``user``, read once."""
    if not user.is_authenticated:
        return frozenset(), frozenset(), frozenset(), frozenset()
    cached = getattr(user, "_discussion_memberships", None)
    if cached is None:
        # One query: the four sources as a UNION, each row one text "tag:id"
        # (a single column: a union of annotated pairs may give its columns
        # in another order than asked, on SQLite).
        def tagged(qs, tag, field):
            key = Concat(Value(f"{tag}:"), Cast(field, CharField()))
            return qs.annotate(key=key).values_list("key", flat=True).order_by()

        rows = tagged(Mentorship.objects.filter(mentors=user), "lc", "pk").union(
            tagged(
                CohortMember.objects.filter(
                    user=user, active=True, award__status__in=IN_COHORT
                ),
                "c",
                "award__mentorship_id",
            ),
            tagged(
                Group.objects.filter(Q(leaders=user) | Q(support_staff=user)),
                "lg",
                "pk",
            ),
            tagged(
                GroupMember.objects.filter(
                    user=user, status=GroupMember.Status.ADMITTED
                ),
                "g",
                "group_id",
            ),
            all=True,
        )
        found: dict[str, set[int]] = {"lc": set(), "c": set(), "lg": set(), "g": set()}
        for key in rows:
            tag, _, pk = key.partition(":")
            found[tag].add(int(pk))
        cached = _memberships_from(found)
        user._discussion_memberships = cached
    return cached


def _memberships_from(found: dict[str, set[int]]) -> tuple:
    """``memberships``' four sets from the ids found under each tag (a cohort
    or group one leads is one it is in)."""
    led_cohorts = frozenset(found["lc"])
    led_groups = frozenset(found["lg"])
    return (
        frozenset(found["c"]) | led_cohorts,
        led_cohorts,
        frozenset(found["g"]) | led_groups,
        led_groups,
    )


def memberships_prefill(users) -> None:
    """Give each of ``users`` its ``memberships``, read for all in four queries
    (the memberships of every active person) instead of one query each."""
    found = {u.pk: {"lc": set(), "c": set(), "lg": set(), "g": set()} for u in users}
    sources = [
        (
            "lc",
            Mentorship.mentors.through.objects.filter(user__is_active=True),
            "user_id",
            "mentorship_id",
        ),
        (
            "c",
            CohortMember.objects.filter(
                user__is_active=True, active=True, award__status__in=IN_COHORT
            ),
            "user_id",
            "award__mentorship_id",
        ),
        (
            "lg",
            Group.leaders.through.objects.filter(user__is_active=True),
            "user_id",
            "group_id",
        ),
        (
            "lg",
            Group.support_staff.through.objects.filter(user__is_active=True),
            "user_id",
            "group_id",
        ),
        (
            "g",
            GroupMember.objects.filter(
                user__is_active=True, status=GroupMember.Status.ADMITTED
            ),
            "user_id",
            "group_id",
        ),
    ]
    for tag, rows, who, what in sources:
        for user_id, pk in rows.values_list(who, what):
            if user_id in found:
                found[user_id][tag].add(pk)
    for user in users:
        user._discussion_memberships = _memberships_from(found[user.pk])


def is_member(user, ref: Ref) -> bool:
    cohorts, _led_c, groups, _led_g = memberships(user)
    if ref.kind == Space.Kind.COHORT:
        return ref.owner_id in cohorts
    return ref.owner_id in groups


def can_read(user, ref: Ref) -> bool:
    return is_staff(user) or is_member(user, ref)


def can_moderate(user, ref: Ref) -> bool:
    if is_staff(user):
        return True
    _cohorts, led_cohorts, _groups, led_groups = memberships(user)
    if ref.kind == Space.Kind.COHORT:
        return ref.owner_id in led_cohorts
    return ref.owner_id in led_groups


def readable_spaces_q(user, prefix: str = "") -> Q:
    """A filter on ``Space`` (or on a relation to it, ``prefix``) to the spaces
    ``user`` reads."""
    if is_staff(user):
        return Q()
    cohorts, _lc, groups, _lg = memberships(user)
    return Q(**{f"{prefix}mentorship_id__in": cohorts}) | Q(
        **{f"{prefix}group_id__in": groups}
    )


def owner_of(ref: Ref):
    """The mentorship or group a space belongs to; 404 when there is none."""
    model = Mentorship if ref.kind == Space.Kind.COHORT else Group
    try:
        return model.objects.get(pk=ref.owner_id)
    except model.DoesNotExist:
        raise Http404("No such space.")


def get_ref_for_reader(user, kind: str, owner_id: int) -> Ref:
    if kind not in Space.Kind.values:
        raise Http404("No such space.")
    ref = Ref(kind, int(owner_id))
    if not can_read(user, ref):
        raise Http404("No such space.")
    return ref


def space_members(ref: Ref):
    """The people of a space (for its digests, mentions and every-post e-mails)."""
    User = get_user_model()
    if ref.kind == Space.Kind.COHORT:
        q = Q(mentorships_led=ref.owner_id) | Q(
            cohort_memberships__award__mentorship_id=ref.owner_id,
            cohort_memberships__active=True,
            cohort_memberships__award__status__in=IN_COHORT,
        )
    else:
        q = (
            Q(affinity_groups_led=ref.owner_id)
            | Q(affinity_groups_supported=ref.owner_id)
            | Q(
                affinity_memberships__group_id=ref.owner_id,
                affinity_memberships__status=GroupMember.Status.ADMITTED,
            )
        )
    ids = User.objects.filter(q, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


# --- Challenges -------------------------------------------------------------------


def readable_challenges_q(user) -> Q:
    """A filter on ``Challenge``: those ``user`` may read (hidden ones aside)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_staff(user):
        return Q()
    own = Q(author=user)
    spaces = readable_spaces_q(user, prefix="space__")
    mine = Q(space__isnull=False) & spaces
    if is_participant(user):
        program = Q(audience=Challenge.Audience.PROGRAM)
    else:
        program = Q(pk__in=[])
    return own | program | mine


def challenge_readable(user, challenge: Challenge) -> bool:
    """``readable_challenges_q`` for one loaded challenge (with its space), in
    Python: no query once the reader's roles and memberships are read."""
    if not user.is_authenticated:
        return False
    if is_staff(user) or challenge.author_id == user.pk:
        return True
    if challenge.audience == Challenge.Audience.PROGRAM and is_participant(user):
        return True
    if challenge.space_id is None:
        return False
    cohorts, _lc, groups, _lg = memberships(user)
    space = challenge.space
    return space.mentorship_id in cohorts or space.group_id in groups


def can_post_challenge(user) -> bool:
    return is_participant(user)


def get_challenge_for_reader(user, pk: int) -> Challenge:
    challenge = (
        Challenge.objects.filter(readable_challenges_q(user))
        .select_related(
            "author",
            "organization",
            "space__mentorship",
            "space__group",
            "meeting__group",
            "event",
            "closed_by",
            "hidden_by",
        )
        .filter(pk=pk)
        .first()
    )
    if challenge is None:
        raise Http404("No such challenge.")
    if challenge.is_hidden and not (
        challenge.author_id == user.pk or can_moderate_challenge(user, challenge)
    ):
        raise Http404("No such challenge.")
    return challenge


def can_moderate_challenge(user, challenge: Challenge) -> bool:
    if is_staff(user):
        return True
    if challenge.space_id is None:
        return False
    return can_moderate(user, ref_of(challenge.space))
