"""Challenges, threads and moderation through the services people's pages use."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dashmentor.models import AuditEvent
from discussions import permissions, rules, services
from discussions.models import Challenge, Post, Thread

from .conftest import fresh

pytestmark = pytest.mark.django_db


def start(program, *, by=None, ref=None, body="First post", token="t1"):  # noqa: S107 - a form token
    return services.thread_start(
        ref=ref or program.cohort_ref,
        title="Consent forms",
        body=body,
        by=by or program.mentee,
        form_token=token,
    )


def test_a_thread_posted_twice_with_one_form_is_one_thread(program):
    first = start(program)
    second = start(program)
    assert first.pk == second.pk
    assert Thread.objects.count() == 1
    assert Post.objects.count() == 1


def test_only_members_write_in_a_space(program):
    with pytest.raises(ValidationError) as exc:
        start(program, by=program.outsider)
    assert exc.value.messages == [str(rules.NOT_A_MEMBER)]
    with pytest.raises(ValidationError):
        start(program, by=program.requested, ref=program.group_ref)
    assert not Thread.objects.exists()


def test_empty_and_overlong_posts_are_refused_with_a_clear_message(program):
    thread = start(program)
    for body in ("", "   ", "<p> </p>", "<script>alert(1)</script>"):
        with pytest.raises(ValidationError) as exc:
            services.post_add(
                thread=thread, body=body, by=program.peer, form_token=body
            )
        assert exc.value.messages == [str(rules.EMPTY_BODY)]
    with pytest.raises(ValidationError) as exc:
        services.post_add(
            thread=thread, body="x" * 20_000, by=program.peer, form_token="long"
        )
    assert "10000" in exc.value.messages[0]
    assert Post.objects.count() == 1


def test_hostile_text_is_stored_inert(program):
    thread = start(
        program,
        body='<img src=x onerror="alert(1)"><p>Hi '
        '<a href="javascript:alert(1)">x</a></p><script>bad()</script>',
    )
    post = thread.posts.get()
    assert "onerror" not in post.body_html
    assert "javascript:" not in post.body_html
    assert "<script" not in post.body_html
    assert "Hi" in post.body_text


def test_a_moderator_hides_a_post_with_a_reason_that_is_audited(program):
    thread = start(program, ref=program.group_ref, by=program.member)
    post = thread.posts.get()
    with pytest.raises(ValidationError):
        services.post_hide(post=post, by=program.member, reason="No")
    with pytest.raises(ValidationError) as exc:
        services.post_hide(post=post, by=program.leader, reason="  ")
    assert exc.value.messages == [str(rules.REASON_REQUIRED)]
    services.post_hide(post=post, by=program.leader, reason="Names a client")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Names a client"
    assert AuditEvent.objects.filter(
        action="discussions.post_hidden", object_id=str(post.pk)
    ).exists()


def test_a_locked_thread_takes_no_post(program):
    thread = start(program, ref=program.group_ref, by=program.member)
    with pytest.raises(ValidationError):
        services.thread_lock(thread=thread, by=program.member)
    services.thread_lock(thread=thread, by=program.leader)
    with pytest.raises(ValidationError) as exc:
        services.post_add(
            thread=thread, body="Still here", by=program.member, form_token="x"
        )
    assert exc.value.messages == [str(rules.THREAD_LOCKED)]


def post_challenge(program, *, by=None, audience=None, token="c1", **extra):  # noqa: S107
    by = by or program.mentee
    return services.challenge_post(
        by=by,
        title="Sharing data with the county jail",
        context="We want to link HMIS and jail bookings.",
        tried="A data-sharing agreement draft.",
        would_help="A template that passed legal review.",
        audience=audience or f"cohort:{program.cohort.pk}",
        form_token=token,
        **extra,
    )


def test_a_challenge_reaches_its_cohort_only(program):
    challenge = post_challenge(program)
    assert challenge.audience == Challenge.Audience.COHORT
    readable = Challenge.objects.filter
    assert readable(permissions.readable_challenges_q(fresh(program.peer))).exists()
    assert readable(permissions.readable_challenges_q(fresh(program.mentor))).exists()
    assert readable(permissions.readable_challenges_q(fresh(program.staff))).exists()
    for outsider in (program.outsider, program.other_mentor, program.member):
        assert not readable(permissions.readable_challenges_q(fresh(outsider))).exists()


def test_a_challenge_to_a_cohort_one_is_not_in_is_refused(program):
    with pytest.raises(ValidationError) as exc:
        post_challenge(program, audience=f"cohort:{program.other_cohort.pk}")
    assert exc.value.messages == [str(rules.NO_SPACE_FOR_AUDIENCE)]
    assert not Challenge.objects.exists()


def test_the_author_marks_a_helpful_reply_and_closes_with_a_decision(program):
    challenge = post_challenge(program)
    reply = services.challenge_reply(
        challenge=challenge, by=program.peer, body="We used a MOU.", form_token="r1"
    )
    again = services.challenge_reply(
        challenge=challenge, by=program.peer, body="We used a MOU.", form_token="r1"
    )
    assert again.pk == reply.pk
    with pytest.raises(ValidationError):
        services.reply_mark_helpful(reply=reply, by=program.peer)
    services.reply_mark_helpful(reply=reply, by=program.mentee)
    reply.refresh_from_db()
    assert reply.helpful
    with pytest.raises(ValidationError):
        services.challenge_close(challenge=challenge, by=program.mentee, decision="")
    services.challenge_close(
        challenge=challenge, by=program.mentee, decision="We adopt the MOU."
    )
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CLOSED
    assert challenge.reply_count == 1
    with pytest.raises(ValidationError) as exc:
        services.challenge_reply(
            challenge=challenge, by=program.peer, body="Late", form_token="r2"
        )
    assert exc.value.messages == [str(rules.CHALLENGE_CLOSED)]


def test_a_challenge_is_brought_to_its_own_cohorts_event_only(program):
    from django.utils import timezone

    from cohorts.models import Event

    challenge = post_challenge(program)
    mine = Event.objects.create(
        mentorship=program.cohort,
        kind="webinar",
        title="Webinar",
        starts_at=timezone.now(),
    )
    theirs = Event.objects.create(
        mentorship=program.other_cohort,
        kind="webinar",
        title="W",
        starts_at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        services.challenge_bring(challenge=challenge, by=program.mentee, event=theirs)
    services.challenge_bring(challenge=challenge, by=program.mentee, event=mine)
    challenge.refresh_from_db()
    assert challenge.event_id == mine.pk
