"""Introductions: asked, answered, refused, and what each side sees."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from applications.models import Award
from notifications.models import Message
from peers import services
from peers.models import Block, Introduction
from tests import factories

from .factories import mentee_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    mine, me = mentee_org(name="Lakeside Partnership", state="MI")
    theirs, them = mentee_org(name="Desert Valley Network", state="AZ")
    return mine, me, theirs, them


def _ask(mine, me, theirs, note="Could we compare notes on HMIS?"):
    return services.introduction_request(
        from_profile=mine, to_profile=theirs, note=note, by=me
    )


def test_accepting_shows_each_side_the_others_email_and_sends_one_email_each(
    pair, client, django_capture_on_commit_callbacks
):
    mine, me, theirs, them = pair
    intro = _ask(mine, me, theirs)
    url = reverse("peers:introduction-detail", args=[intro.pk])

    client.force_login(me)
    assert them.email not in client.get(url).content.decode()
    client.force_login(them)
    page = client.get(url).content.decode()
    assert me.email not in page  # not before acceptance
    assert "Could we compare notes on HMIS?" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("peers:introduction-respond", args=[intro.pk]),
            {"answer": "accept"},
        )
    assert response.status_code == 302
    assert me.email in client.get(url).content.decode()
    client.force_login(me)
    assert them.email in client.get(url).content.decode()

    sent = Message.objects.filter(subject__startswith="You are introduced")
    assert sorted(m.to_email for m in sent) == sorted([me.email, them.email])
    assert them.email in sent.get(to_email=me.email).body_text
    assert me.email in sent.get(to_email=them.email).body_text

    # A second click on "accept" changes nothing and sends nothing more.
    client.force_login(them)
    client.post(
        reverse("peers:introduction-respond", args=[intro.pk]), {"answer": "accept"}
    )
    assert Message.objects.filter(subject__startswith="You are introduced").count() == 2


def test_a_decline_shares_nothing(pair, client):
    mine, me, theirs, them = pair
    intro = _ask(mine, me, theirs)
    services.introduction_respond(intro=intro, accept=False, by=them)
    client.force_login(me)
    page = client.get(reverse("peers:introduction-detail", args=[intro.pk]))
    assert them.email not in page.content.decode()
    assert not Message.objects.filter(subject__startswith="You are introduced")


def test_the_asker_cannot_accept_its_own_request(pair):
    mine, me, theirs, them = pair
    intro = _ask(mine, me, theirs)
    with pytest.raises(ValidationError) as exc:
        services.introduction_respond(intro=intro, accept=True, by=me)
    assert exc.value.messages == [services.INTRO_NOT_YOURS_TO_ANSWER]


def test_a_request_to_oneself_is_refused_with_a_message_and_nothing_written(
    pair, client
):
    mine, me, _theirs, _them = pair
    client.force_login(me)
    response = client.post(
        reverse("peers:introduction-request", args=[mine.pk]),
        {"from_profile": mine.pk, "note": "hi"},
    )
    assert response.status_code == 404  # no form to ask oneself
    with pytest.raises(ValidationError) as exc:
        _ask(mine, me, mine)
    assert exc.value.messages == [services.INTRO_TO_ITSELF]
    assert not Introduction.objects.exists()


def test_a_second_open_request_of_the_pair_is_refused_either_way(pair, client):
    mine, me, theirs, them = pair
    _ask(mine, me, theirs)
    client.force_login(me)
    response = client.post(
        reverse("peers:introduction-request", args=[theirs.pk]),
        {"from_profile": mine.pk, "note": "again"},
    )
    assert str(services.INTRO_ALREADY_OPEN) in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        _ask(theirs, them, mine)
    assert exc.value.messages == [services.INTRO_ALREADY_OPEN]
    assert Introduction.objects.count() == 1


def test_a_double_submitted_request_makes_one(pair, client):
    mine, me, theirs, _them = pair
    client.force_login(me)
    url = reverse("peers:introduction-request", args=[theirs.pk])
    for _ in range(2):
        client.post(url, {"from_profile": mine.pk, "note": "hello"})
    assert Introduction.objects.count() == 1


def test_a_blocked_organization_cannot_ask(pair):
    mine, me, theirs, them = pair
    services.block_add(blocker=theirs, blocked=mine, by=them)
    with pytest.raises(ValidationError) as exc:
        _ask(mine, me, theirs)
    assert exc.value.messages == [services.INTRO_BLOCKED]
    assert not Introduction.objects.exists()


def test_blocking_declines_the_open_request(pair):
    mine, me, theirs, them = pair
    intro = _ask(mine, me, theirs)
    services.block_add(blocker=theirs, blocked=mine, by=them)
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.DECLINED
    assert Block.objects.count() == 1


@override_settings(PEERS_INTRODUCTIONS_PER_DAY=2)
def test_the_daily_limit_per_person():
    mine, me = mentee_org()
    others = [mentee_org()[0] for _ in range(3)]
    _ask(mine, me, others[0])
    _ask(mine, me, others[1])
    with pytest.raises(ValidationError) as exc:
        _ask(mine, me, others[2])
    assert exc.value.messages == [services.INTRO_DAILY_LIMIT.format(limit=2)]
    assert Introduction.objects.count() == 2


def test_a_hidden_profile_cannot_be_asked(pair):
    mine, me, theirs, them = pair
    services.profile_update(profile=theirs, by=them, visibility="nobody")
    with pytest.raises(ValidationError) as exc:
        _ask(mine, me, theirs)
    assert exc.value.messages == [services.INTRO_UNKNOWN]


def test_a_mentor_introduces_its_mentee_and_both_must_accept(client):
    mentorship = factories.MentorshipFactory()
    mentor = factories.UserFactory()
    mentorship.mentors.add(mentor)
    mine, me = mentee_org(mentorship=mentorship)
    theirs, them = mentee_org()
    client.force_login(mentor)
    client.post(
        reverse("peers:introduction-broker"),
        {"first": mine.pk, "second": theirs.pk, "note": "Meet"},
    )
    intro = Introduction.objects.get()
    assert intro.introduced_by == mentor
    services.introduction_respond(intro=intro, accept=True, by=them)
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.PENDING  # waits for the other side
    services.introduction_respond(intro=intro, accept=True, by=me)
    intro.refresh_from_db()
    assert intro.status == Introduction.Status.ACCEPTED
    # The mentor who made it reads neither contact.
    page = client.get(reverse("peers:introduction-detail", args=[intro.pk]))
    assert me.email not in page.content.decode()
    assert them.email not in page.content.decode()


def test_a_mentor_cannot_introduce_two_mentees_of_other_cohorts():
    mentor = factories.UserFactory()
    factories.MentorshipFactory().mentors.add(mentor)
    a, _ = mentee_org()
    b, _ = mentee_org()
    with pytest.raises(ValidationError) as exc:
        services.introduction_broker(first=a, second=b, note="x", by=mentor)
    assert exc.value.messages == [services.BROKER_NOT_YOUR_COHORT]


def test_an_alumnus_keeps_the_network_but_not_the_cohort(client):
    profile, alumnus = mentee_org(status=Award.Status.ENDED)
    award = Award.objects.get(application__organization=profile.organization)
    client.force_login(alumnus)
    assert client.get(reverse("home")).url == reverse("peers:alumni-home")
    assert client.get(reverse("peers:alumni-home")).status_code == 200
    assert client.get(reverse("peers:directory")).status_code == 200
    assert (
        client.get(reverse("peers:profile-detail", args=[profile.pk])).status_code
        == 200
    )
    cohort = client.get(reverse("cohorts:cohort-detail", args=[award.mentorship_id]))
    assert cohort.status_code in (403, 404)
    plan = client.get(reverse("cohorts:workplan-detail", args=[award.pk]))
    assert plan.status_code in (403, 404)


def test_a_profile_says_where_the_introduction_stands_instead_of_offering_another(
    pair, client
):
    """Asked for, the peer's profile says it waits for an answer; accepted, it
    says the two are introduced; neither offers the request form again. The
    refusal, if posted anyway, is said once."""
    mine, me, theirs, them = pair
    profile_url = reverse("peers:profile-detail", args=[theirs.pk])
    request_url = reverse("peers:introduction-request", args=[theirs.pk])
    client.force_login(me)
    assert request_url in client.get(profile_url).content.decode()

    intro = _ask(mine, me, theirs)
    page = client.get(profile_url).content.decode()
    assert "waiting for an answer" in page and request_url not in page

    services.introduction_respond(intro=intro, accept=True, by=them)
    page = client.get(profile_url).content.decode()
    assert "You are introduced" in page and request_url not in page

    refused = client.post(request_url, {"from_profile": mine.pk, "note": "again"})
    body = refused.content.decode()
    assert body.count(str(services.INTRO_ALREADY_CONNECTED)) == 1
