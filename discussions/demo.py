"""Demo data of the challenges and discussions.

In the demo mentee's cohort, a challenge posted last week that a peer
answered and its author marked helpful (so last week's digest, written here
through the outbox as beat would, lists it once for each member); a challenge
of another cohort closed with its decision; an open challenge to the whole
program; threads in two cohorts and two affinity groups, one of whose leaders
hid a post and locked a thread. Idempotent: every write carries a form token
of its own, so a second seed finds what the first wrote.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from affinity.models import Group, GroupMember
from applications.models import Award
from cohorts.models import CohortMember
from dashmentor.demo import DemoContext
from peers.models import Topic

from . import digests, permissions, rules, services
from .models import Challenge, Frequency, Post, Reply, Space, Thread
from .permissions import Ref


def _cohort_people(mentorship_id: int) -> list:
    return [
        m.user
        for m in CohortMember.objects.filter(
            award__mentorship_id=mentorship_id,
            active=True,
            award__status__in=permissions.IN_COHORT,
            user__isnull=False,
        )
        .select_related("user")
        .order_by("pk")
    ]


def _at(model, pk, when) -> None:
    model.objects.filter(pk=pk).update(created_at=when)


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def seed(ctx: DemoContext) -> None:
    mentee = ctx.users.get("mentee")
    if mentee is None:
        return
    own = (
        CohortMember.objects.filter(user=mentee, active=True)
        .exclude(award__status=Award.Status.ENDED)
        .select_related("award__mentorship")
        .first()
    )
    if own is None:
        return
    cohort = own.award.mentorship
    people = [p for p in _cohort_people(cohort.pk) if p.pk != mentee.pk]
    mentor = cohort.mentors.order_by("pk").first()
    if not people or mentor is None:
        return
    peer = people[0]
    now = timezone.now()
    last_week = rules.period_ending_before(Frequency.WEEKLY, now)
    posted_at = last_week.start + dt.timedelta(days=2, hours=15)
    topics = list(Topic.objects.order_by("order")[:2])

    _seed_cohort_challenge(cohort, mentee, peer, topics, posted_at)
    _seed_cohort_thread(cohort, mentee, mentor, posted_at)
    _seed_other_cohort(cohort, topics)
    _seed_program_challenge(peer, topics)
    _seed_group_threads(ctx)

    # Last week's digest, as the hourly beat writes it.
    digests.digests_send(frequency=Frequency.WEEKLY, period=last_week)
    ctx.log.append(
        "discussions: challenges with replies (one closed with its decision), "
        "threads in two cohorts and two groups, last week's digests"
    )


def _seed_cohort_challenge(cohort, mentee, peer, topics, posted_at) -> None:
    """The mentee's challenge to its cohort, answered and marked helpful."""
    challenge = services.challenge_post(
        by=_fresh(mentee),
        title="Matching jail bookings with our HMIS records",
        context=(
            "Our county wants to know how many people in the shelter system "
            "were booked into jail in the last year. The two systems share no "
            "identifier."
        ),
        tried="A manual match on names for one month: slow, and many near misses.",
        would_help="Someone who has matched two systems without a shared ID.",
        topics=topics,
        data_systems=["hmis"],
        audience=f"cohort:{cohort.pk}",
        form_token="demo-challenge-matching",
    )
    reply = services.challenge_reply(
        challenge=challenge,
        by=_fresh(peer),
        body=(
            "We matched on last name, date of birth and the first three "
            "letters of the first name, then checked the doubtful pairs by "
            "hand. Our data-sharing agreement named the match rule."
        ),
        form_token="demo-reply-matching",
    )
    services.reply_mark_helpful(reply=reply, by=_fresh(mentee))
    _at(Challenge, challenge.pk, posted_at)
    _at(Reply, reply.pk, posted_at + dt.timedelta(hours=20))


def _seed_cohort_thread(cohort, mentee, mentor, posted_at) -> None:
    """A thread in the mentee's cohort, started by its mentor."""
    thread = services.thread_start(
        ref=Ref(Space.Kind.COHORT, cohort.pk),
        title="Before the next webinar: what to bring",
        body="Bring one question about your data-sharing agreement.",
        by=mentor,
        form_token="demo-thread-cohort",
    )
    answer = services.post_add(
        thread=thread,
        body="We will bring our consent form: is one form enough for three agencies?",
        by=_fresh(mentee),
        form_token="demo-post-cohort",
    )
    _at(Post, thread.posts.order_by("pk").first().pk, posted_at)
    _at(Post, answer.pk, posted_at + dt.timedelta(hours=3))
    Thread.objects.filter(pk=thread.pk).update(
        created_at=posted_at, last_post_at=posted_at + dt.timedelta(hours=3)
    )


def _seed_other_cohort(cohort, topics) -> None:
    """A thread in the first other cohort of the round with people enough, and a
    challenge of that cohort closed with its decision."""
    other = (
        Award.objects.filter(status__in=permissions.IN_COHORT)
        .exclude(mentorship=cohort)
        .filter(mentorship__round=cohort.round)
        .select_related("mentorship")
        .order_by("mentorship__order", "pk")
    )
    for award in other:
        their_people = _cohort_people(award.mentorship_id)
        their_mentor = award.mentorship.mentors.order_by("pk").first()
        if len(their_people) < 2 or their_mentor is None:
            continue
        their = award.mentorship
        theirs = services.thread_start(
            ref=Ref(Space.Kind.COHORT, their.pk),
            title="Sharing dashboards with partners",
            body="Which indicators did your partners ask for first?",
            by=their_mentor,
            form_token="demo-thread-cohort-2",
        )
        services.post_add(
            thread=theirs,
            body="Emergency visits and days housed, by month.",
            by=their_people[0],
            form_token="demo-post-cohort-2",
        )
        _seed_closed_challenge(their_people, topics)
        break


def _seed_closed_challenge(their_people, topics) -> None:
    """A challenge from another cohort, answered and closed with its decision."""
    closed = services.challenge_post(
        by=their_people[1],
        title="Who signs the data-sharing agreement?",
        context="Our county counsel and the hospital disagree on who signs.",
        tried="Two drafts, one from each side.",
        would_help="An agreement others signed, and who signed it.",
        topics=topics[:1],
        audience="program",
        form_token="demo-challenge-closed",
    )
    services.challenge_reply(
        challenge=closed,
        by=their_people[0],
        body="Ours is signed by each agency's director; counsel only reviews.",
        form_token="demo-reply-closed",
    )
    if closed.status == Challenge.Status.OPEN:
        services.challenge_close(
            challenge=closed,
            by=their_people[1],
            decision=(
                "Each agency's director signs; county counsel reviews the "
                "template once a year."
            ),
        )


def _seed_program_challenge(peer, topics) -> None:
    """An open challenge to the whole program."""
    services.challenge_post(
        by=_fresh(peer),
        title="Keeping partners at the table after the first year",
        context="Two partners stopped coming to our monthly meeting.",
        would_help="What kept your partners engaged.",
        topics=topics[1:],
        audience="program",
        form_token="demo-challenge-program",
    )


def _seed_group_threads(ctx: DemoContext) -> None:
    """Threads in two affinity groups; in the first a leader hides a post and
    locks a thread."""
    groups = (
        Group.objects.filter(cycle__ends_on__gte=ctx.today, leaders__isnull=False)
        .distinct()
        .order_by("pk")
    )
    done = 0
    for group in groups:
        leader = group.leaders.order_by("pk").first()
        members = [
            m.user
            for m in GroupMember.objects.filter(
                group=group, status=GroupMember.Status.ADMITTED
            )
            .select_related("user")
            .order_by("pk")[:2]
        ]
        if leader is None or len(members) < 2:
            continue
        ref = Ref(Space.Kind.GROUP, group.pk)
        opening = services.thread_start(
            ref=ref,
            title="Between meetings: your questions",
            body="Post what you want the next meeting to cover.",
            by=leader,
            form_token=f"demo-thread-group-{done}",
        )
        services.post_add(
            thread=opening,
            body="How did you explain the data use to residents?",
            by=members[0],
            form_token=f"demo-post-group-{done}",
        )
        if done == 0:
            _seed_moderation(ref, opening, leader, members[1])
        done += 1
        if done == 2:
            break


def _seed_moderation(ref, opening, leader, member) -> None:
    """A stray post the leader hides, and a settled thread the leader locks."""
    stray = services.post_add(
        thread=opening,
        body="Call me about our client Jane Roe's file at 555-0100.",
        by=member,
        form_token="demo-post-group-stray",
    )
    if not Post.objects.get(pk=stray.pk).is_hidden:
        services.post_hide(
            post=stray,
            by=leader,
            reason="Names a client and a phone number; please write "
            "to the person directly.",
        )
    settled = services.thread_start(
        ref=ref,
        title="Meeting time for the spring",
        body="We keep the first Tuesday at 2 pm.",
        by=leader,
        form_token="demo-thread-group-locked",
    )
    services.thread_lock(thread=settled, by=leader)
