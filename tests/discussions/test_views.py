"""The pages, as their people use them: posting, replying, marking, the
mentor's dashboard, moderation, search, and the boundaries between spaces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discussions import rules, services
from discussions.models import Challenge, Post, Reply, Thread

from .conftest import fresh

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_mentee_posts_a_peer_replies_the_author_marks_it_and_the_mentor_sees_it(
    program, client
):
    signed_in(client, program.mentee)
    page = client.get(reverse("discussions:challenge-create"))
    token = page.context["form"]["form_token"].value()
    data = {
        "title": "Matching jail and HMIS records",
        "context": "Our county wants to find frequent users.",
        "tried": "A manual match.",
        "would_help": "Someone who did it.",
        "audience": f"cohort:{program.cohort.pk}",
        "form_token": token,
    }
    first = client.post(reverse("discussions:challenge-create"), data)
    second = client.post(reverse("discussions:challenge-create"), data)  # double
    assert first.status_code == second.status_code == 302
    challenge = Challenge.objects.get()
    assert first["Location"] == challenge.get_absolute_url()

    signed_in(client, program.peer)
    listing = client.get(reverse("discussions:challenges"))
    assert challenge.title in listing.content.decode()
    detail = client.get(challenge.get_absolute_url())
    token = detail.context["reply_form"]["form_token"].value()
    url = reverse("discussions:challenge-reply", args=[challenge.pk])
    for _ in range(2):
        client.post(
            url, {"body": "We matched on name and birth date.", "form_token": token}
        )
    reply = Reply.objects.get()

    signed_in(client, program.mentee)
    client.post(reverse("discussions:reply-helpful", args=[reply.pk]))
    reply.refresh_from_db()
    assert reply.helpful

    signed_in(client, program.mentor)
    home = client.get(reverse("cohorts:mentor-home"))
    assert challenge.title in home.content.decode()

    signed_in(client, program.mentee)
    client.post(
        reverse("discussions:challenge-close", args=[challenge.pk]),
        {"decision": "We match on three fields."},
    )
    challenge.refresh_from_db()
    assert challenge.status == "closed"
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "We match on three fields." in page


def test_another_cohorts_thread_and_challenge_answer_404(program, client):
    thread = services.thread_start(
        ref=program.cohort_ref,
        title="Ours",
        body="Ours",
        by=program.mentee,
        form_token="t",
    )
    challenge = services.challenge_post(
        by=program.mentee,
        title="Ours",
        context="Ours",
        audience=f"cohort:{program.cohort.pk}",
        form_token="c",
    )
    for user in (program.outsider, program.other_mentor, program.member):
        signed_in(client, user)
        assert client.get(thread.get_absolute_url()).status_code == 404
        assert client.get(challenge.get_absolute_url()).status_code == 404
        response = client.post(
            reverse("discussions:post-create", args=[thread.pk]),
            {"body": "Hi", "form_token": "x"},
        )
        assert response.status_code == 404
        search = client.get(reverse("discussions:search"), {"q": "Ours"})
        assert thread.get_absolute_url() not in search.content.decode()
    assert Post.objects.count() == 1


def test_a_group_member_not_yet_admitted_reads_nothing(program, client):
    thread = services.thread_start(
        ref=program.group_ref,
        title="Law",
        body="Law",
        by=program.member,
        form_token="t",
    )
    signed_in(client, program.requested)
    assert client.get(thread.get_absolute_url()).status_code == 404
    url = reverse("discussions:space", args=["group", program.group.pk])
    assert client.get(url).status_code == 404


def test_a_leader_hides_a_post_and_locks_the_thread(program, client):
    thread = services.thread_start(
        ref=program.group_ref,
        title="Stories",
        body="A client called Jane Roe said",
        by=program.member,
        form_token="t",
    )
    post = thread.posts.get()
    signed_in(client, program.member)
    assert (
        client.post(
            reverse("discussions:post-hide", args=[post.pk]), {"reason": "x"}
        ).status_code
        == 302
    )
    assert not Post.objects.get().is_hidden  # a member cannot hide

    signed_in(client, program.leader)
    client.post(
        reverse("discussions:post-hide", args=[post.pk]), {"reason": "Names a client"}
    )
    client.post(reverse("discussions:thread-lock", args=[thread.pk]))
    thread.refresh_from_db()
    assert thread.is_locked

    other = services.thread_start(
        ref=program.group_ref,
        title="Other",
        body="x",
        by=program.leader,
        form_token="o",
    )
    services.setting_update  # noqa: B018 - keeps the import honest
    signed_in(client, fresh(program.member))
    own = client.get(thread.get_absolute_url()).content.decode()
    assert "Names a client" in own  # the author reads why
    assert "This thread is locked" in own
    search = client.get(
        reverse("discussions:search"), {"q": "Jane Roe"}
    ).content.decode()
    assert thread.get_absolute_url() not in search
    assert other.pk


def test_a_hidden_post_is_gone_for_other_members(program, client):
    thread = services.thread_start(
        ref=program.cohort_ref,
        title="Stories",
        body="Visible opening",
        by=program.mentor,
        form_token="t",
    )
    hidden = services.post_add(
        thread=thread, body="Secret words here", by=program.peer, form_token="p"
    )
    services.post_hide(post=hidden, by=program.mentor, reason="Off topic")
    signed_in(client, program.mentee)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Secret words here" not in page
    assert "Visible opening" in page


def test_hostile_long_and_empty_posts_from_the_page(program, client):
    thread = services.thread_start(
        ref=program.cohort_ref, title="T", body="Hi", by=program.mentor, form_token="t"
    )
    signed_in(client, program.mentee)
    url = reverse("discussions:post-create", args=[thread.pk])
    response = client.post(url, {"body": "", "form_token": "a"}, follow=True)
    assert str(rules.EMPTY_BODY) in response.content.decode()
    response = client.post(url, {"body": "y" * 20_000, "form_token": "b"}, follow=True)
    assert "10000" in response.content.decode()
    client.post(
        url, {"body": "<script>alert('x')</script><b>bold</b>", "form_token": "c"}
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "<b>bold</b>" in page
    assert Post.objects.count() == 2


def _threads(program, n):
    for i in range(n):
        services.thread_start(
            ref=program.cohort_ref,
            title=f"Thread {i}",
            body=f"Body {i}",
            by=program.mentee,
            form_token=f"t{i}",
        )


def _posts(program, thread, n):
    for i in range(n):
        services.post_add(
            thread=thread, body=f"Post {i}", by=program.peer, form_token=f"p{i}"
        )


def _challenges(program, n):
    for i in range(n):
        challenge = services.challenge_post(
            by=program.mentee,
            title=f"Challenge {i}",
            context="Context",
            audience="program" if i % 2 else f"cohort:{program.cohort.pk}",
            form_token=f"c{i}",
        )
        services.challenge_reply(
            challenge=challenge, by=program.peer, body="Reply", form_token=f"r{i}"
        )


@pytest.mark.parametrize("size", [2, 30])
def test_list_pages_keep_a_fixed_query_count(
    program, client, django_assert_max_num_queries, size
):
    _threads(program, size)
    thread = Thread.objects.first()
    _posts(program, thread, size)
    _challenges(program, size)
    signed_in(client, program.mentee)
    client.get(reverse("discussions:challenges"))  # the session's first page
    pages = [
        reverse("discussions:challenges"),
        reverse("discussions:challenges") + "?status=all&q=Challenge",
        reverse("discussions:space", args=["cohort", program.cohort.pk]),
        thread.get_absolute_url(),
        reverse("discussions:spaces"),
        reverse("discussions:search") + "?q=Thread",
    ]
    for url in pages:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_a_challenge_is_found_by_its_words_and_by_the_decision_it_closed_with(
    program, client
):
    """Search reads what the challenge says when posted and, once closed, the
    decision too (on PostgreSQL the stored vector follows each change)."""
    challenge = services.challenge_post(
        by=program.mentee,
        title="Consent across agencies",
        context="How did you get consent to share records?",
        audience=f"cohort:{program.cohort.pk}",
        form_token="c-search",
    )
    signed_in(client, program.peer)
    url = reverse("discussions:challenges")

    def found(words):
        page = client.get(url, {"status": "all", "q": words}).content.decode()
        return challenge.get_absolute_url() in page

    assert found("consent records")
    assert not found("memorandum")
    services.challenge_close(
        challenge=challenge,
        by=program.mentee,
        decision="We signed a memorandum of understanding with the county.",
    )
    assert found("memorandum")
    assert found("consent")
