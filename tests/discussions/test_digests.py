"""Digests: one e-mail per person and period, never twice, nothing when
nothing is new, hidden posts left out, links made at send time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from discussions import digests, services
from discussions.models import Frequency
from notifications import links
from notifications.models import Message

from .conftest import fresh

NEXT_WEEK = dt.timedelta(days=7)


def digest_messages():
    return Message.objects.filter(idempotency_key__contains="discussions-digest:")


def week_with_news(program):
    challenge = services.challenge_post(
        by=program.mentee,
        title="Consent across agencies",
        context="How did you get consent to share across agencies?",
        audience=f"cohort:{program.cohort.pk}",
        form_token="c1",
    )
    services.challenge_reply(
        challenge=challenge, by=program.peer, body="We used one form.", form_token="r1"
    )
    thread = services.thread_start(
        ref=program.cohort_ref,
        title="Next webinar",
        body="Who presents?",
        by=program.mentor,
        form_token="t1",
    )
    return challenge, thread


@pytest.mark.django_db
def test_each_member_gets_one_weekly_digest_listing_the_challenge_once(program):
    challenge, _thread = week_with_news(program)
    now = timezone.now() + NEXT_WEEK
    written = digests.digests_send(frequency=Frequency.WEEKLY, now=now)
    assert written == 3  # the mentor, the mentee and the peer
    by_address = {m.to_email: m for m in digest_messages()}
    assert set(by_address) == {
        program.mentor.email,
        program.mentee.email,
        program.peer.email,
    }
    for message in by_address.values():
        assert message.body_text.count(challenge.title) == 1
        assert message.link_kind == services.SIGNIN_LINK
        # The sign-in link is never stored: the placeholder is.
        assert links.PLACEHOLDER in message.body_text
        assert "/discussions/in/" not in message.body_text
    # A second run, and the beat's run, write nothing more.
    digests.digests_send(frequency=Frequency.WEEKLY, now=now)
    digests.digests_run(now=now)
    assert digest_messages().count() == 3
    assert program.outsider.email not in by_address


@pytest.mark.django_db
def test_nothing_new_no_digest_and_hidden_posts_are_left_out(program):
    thread = services.thread_start(
        ref=program.group_ref,
        title="A client's story",
        body="Names a client",
        by=program.member,
        form_token="t1",
    )
    services.post_hide(post=thread.posts.get(), by=program.leader, reason="Privacy")
    now = timezone.now() + NEXT_WEEK
    assert digests.digests_send(frequency=Frequency.WEEKLY, now=now) == 0
    assert not digest_messages().exists()
    # And a week later, with nothing new, nothing again.
    assert digests.digests_send(frequency=Frequency.WEEKLY, now=now + NEXT_WEEK) == 0


@pytest.mark.django_db
def test_each_member_gets_the_rhythm_it_chose(program):
    services.setting_update(
        user=fresh(program.peer), ref=program.cohort_ref, frequency=Frequency.NONE
    )
    services.setting_update(
        user=fresh(program.mentor), ref=program.cohort_ref, frequency=Frequency.DAILY
    )
    week_with_news(program)
    now = timezone.now() + NEXT_WEEK
    digests.digests_send(frequency=Frequency.WEEKLY, now=now)
    assert [m.to_email for m in digest_messages()] == [program.mentee.email]
    digests.digests_send(
        frequency=Frequency.DAILY, now=timezone.now() + dt.timedelta(days=1)
    )
    daily = digest_messages().filter(idempotency_key__contains=":daily:")
    assert [m.to_email for m in daily] == [program.mentor.email]


@pytest.mark.django_db
def test_every_post_mails_those_who_chose_it_and_mentions_reach_the_mentioned(
    program,
):
    services.setting_update(
        user=fresh(program.peer), ref=program.cohort_ref, frequency=Frequency.EVERY
    )
    services.thread_start(
        ref=program.cohort_ref,
        title="Data law",
        body="Thoughts?",
        by=program.mentee,
        form_token="t1",
        mentions=[program.mentor, program.outsider],
    )
    sent = Message.objects.filter(idempotency_key__contains="discussions-post:")
    assert sorted(m.to_email for m in sent) == sorted(
        [program.peer.email, program.mentor.email]
    )
    assert "mentioned" in sent.get(to_email=program.mentor.email).subject


@pytest.mark.django_db
def test_the_reply_link_signs_in_with_a_button_and_opens_the_page(program, client):
    _challenge, thread = week_with_news(program)
    digests.digests_send(frequency=Frequency.WEEKLY, now=timezone.now() + NEXT_WEEK)
    message = digest_messages().get(to_email=program.mentee.email)
    text, html = links.render(message, message.body_text, message.body_html)
    assert links.PLACEHOLDER not in text and links.PLACEHOLDER not in html
    line = next(
        line
        for line in text.splitlines()
        if "/discussions/in/" in line and "threads" in line
    )
    url = line.split(" ")[-1].replace("http://testserver", "")
    url = url[url.index("/discussions/in/") :]
    assert 'href="http' in html and "next=" in html
    page = client.get(url)
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session  # a GET signs nobody in
    answer = client.post(url, {"next": thread.get_absolute_url()})
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == program.mentee.pk
    # A forged or altered token signs nobody in.
    client.logout()
    token = url.split("/discussions/in/")[1].split("/")[0]
    forged = url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert client.get(forged).status_code == 400


@pytest.mark.django_db
def test_unsubscribe_works_without_signing_in_and_only_for_its_purpose(program, client):
    token = services.unsubscribe_token(program.peer, program.cohort_ref.key)
    url = f"/discussions/unsubscribe/{token}/"
    assert client.get(url).status_code == 200
    assert services.frequencies(None, [program.peer.pk])[program.peer.pk] == "weekly"
    client.post(url)
    space = services.space_get(program.cohort_ref)
    assert services.frequencies(space, [program.peer.pk])[program.peer.pk] == "none"
    # The sign-in salt does not open it, nor it the sign-in.
    assert client.post(f"/discussions/in/{token}/").status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_challenges_you_could_help_with_go_to_participants_not_staff_by_default(
    program,
):
    services.challenge_post(
        by=program.mentee,
        title="Dashboards for the county",
        context="Which indicators first?",
        audience="program",
        form_token="c1",
    )
    now = timezone.now() + NEXT_WEEK
    digests.challenge_mails_send(now=now)
    digests.challenge_mails_send(now=now)
    sent = Message.objects.filter(idempotency_key__contains="discussions-challenges:")
    addresses = {m.to_email for m in sent}
    assert program.staff.email not in addresses
    assert program.mentee.email not in addresses  # not one's own
    assert {
        program.peer.email,
        program.outsider.email,
        program.mentor.email,
    } <= addresses
    assert len(addresses) == sent.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest_per_person(program):
    """Two beats run the digest at the same moment: one e-mail per person."""
    week_with_news(program)
    now = timezone.now() + NEXT_WEEK
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            digests.digests_run(now=now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    addresses = [m.to_email for m in digest_messages()]
    assert sorted(addresses) == sorted(
        [program.mentor.email, program.mentee.email, program.peer.email]
    )


def post_everywhere(program):
    """One open challenge of each audience, by different authors."""
    return [
        services.challenge_post(
            by=program.mentee,
            title="Consent across agencies",
            context="How?",
            audience=f"cohort:{program.cohort.pk}",
            form_token="c-cohort",
        ),
        services.challenge_post(
            by=program.member,
            title="Group data law",
            context="Which statute?",
            audience=f"group:{program.group.pk}",
            form_token="c-group",
        ),
        services.challenge_post(
            by=program.outsider,
            title="Dashboards for the county",
            context="Which indicators first?",
            audience="program",
            form_token="c-program",
        ),
    ]


@pytest.mark.django_db
def test_the_weekly_e_mail_reads_challenges_exactly_as_the_pages_do(program):
    """The e-mail's matching decides in Python who may read a challenge; for
    every person and challenge it agrees with the pages' filter."""
    from discussions.models import Challenge
    from discussions.permissions import challenge_readable, readable_challenges_q

    challenges = post_everywhere(program)
    people = [
        program.mentor,
        program.mentee,
        program.peer,
        program.outsider,
        program.other_mentor,
        program.staff,
        program.leader,
        program.member,
        program.requested,
    ]
    for person in people:
        by_query = set(
            Challenge.objects.filter(readable_challenges_q(fresh(person))).values_list(
                "pk", flat=True
            )
        )
        loaded = Challenge.objects.select_related("space")
        by_python = {c.pk for c in loaded if challenge_readable(fresh(person), c)}
        assert by_python == by_query, person.email
    assert len(challenges) == 3


@pytest.mark.django_db
def test_the_weekly_e_mail_reads_its_readers_in_a_fixed_number_of_queries(
    program, django_assert_max_num_queries
):
    """More people in the program cost no more reading: only a person who gets
    the e-mail costs the writing of it."""
    from tests.discussions.conftest import mentee_of

    services.challenge_post(
        by=program.mentee,
        title="Consent across agencies",
        context="How?",
        audience=f"cohort:{program.cohort.pk}",
        form_token="c-cohort",
    )
    now = timezone.now() + NEXT_WEEK
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Mentees of the other cohort take part but may not read the challenge.
    with CaptureQueriesContext(connection) as few:
        digests.challenge_mails_send(now=now)
    Message.objects.all().delete()
    for k in range(12):
        mentee_of(program.other_cohort, f"other{k}@example.org")
    with django_assert_max_num_queries(len(few.captured_queries)):
        written = digests.challenge_mails_send(now=now)
    assert written == 2  # the mentor and the peer, as before
    addresses = {
        m.to_email
        for m in Message.objects.filter(
            idempotency_key__contains="discussions-challenges:"
        )
    }
    assert addresses == {program.mentor.email, program.peer.email}
