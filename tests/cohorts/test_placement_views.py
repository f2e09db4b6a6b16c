"""Placement pages as staff, mentors, mentees and others use them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Award, Decision
from cohorts.models import PlacementConstraint, PlacementRun
from cohorts.placement import services
from dashmentor.models import User
from notifications.models import Kind, Message
from tests import factories
from tests.cohorts.placement_factories import applicant, mentorships

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return factories.RoundFactory(awards_count=20)


@pytest.fixture
def staff_client(client_as, staff_user):
    return client_as(staff_user)


def _populate(round_, n_mentorships, n_applicants, mentor=None):
    ms = mentorships(round_, [3] * n_mentorships, mentor=mentor)
    apps = [
        applicant(round_, prefs=ms[i % n_mentorships :][:3], score=str(1 + i % 5))
        for i in range(n_applicants)
    ]
    return ms, apps


def test_staff_pages_refuse_anonymous_applicants_and_mentors(
    client, client_as, round_, applicant_user, mentor_user
):
    """Anonymous visitors go to sign in; other roles get 403, on GET and POST."""
    urls = [
        reverse("cohorts:placement-rounds"),
        reverse("cohorts:placement-round", args=[round_.pk]),
        reverse("cohorts:placement-constraints", args=[round_.pk]),
        reverse("cohorts:award-list", args=[round_.pk]),
        reverse("cohorts:placement-waitlist", args=[round_.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    for user in (applicant_user, mentor_user):
        c = client_as(user)
        for url in urls:
            assert c.get(url).status_code == 403
        compute = reverse("cohorts:placement-compute", args=[round_.pk])
        assert c.post(compute).status_code == 403
        c.logout()
    assert not PlacementRun.objects.exists()


def test_staff_computes_reads_moves_and_commits(
    staff_client, round_, django_capture_on_commit_callbacks
):
    """The whole flow through the pages: one click computes, the entry page
    explains, a move into a full cohort is refused with its name and capacity,
    a valid move is saved, and commit offers the awards and sends the e-mails."""
    mentor = factories.UserFactory(email="meg@example.org")
    small, big = mentorships(round_, [1, 3], mentor=mentor)
    top = applicant(round_, prefs=[small, big], score="5", name="Top Org")
    next_ = applicant(round_, prefs=[small, big], score="4", name="Next Org")
    response = staff_client.post(
        reverse("cohorts:placement-compute", args=[round_.pk]), follow=True
    )
    assert response.status_code == 200
    run = PlacementRun.objects.get(round=round_)
    page = response.content.decode()
    assert "Top Org" in page and "Next Org" in page
    entry = run.entries.get(application=next_)
    url = reverse("cohorts:placement-entry", args=[round_.pk, run.pk, entry.pk])
    page = staff_client.get(url).content.decode()
    assert entry.explanation in page
    refused = staff_client.post(url, {"mentorship": small.pk})
    assert refused.status_code == 400
    message = services.COHORT_FULL.format(cohort=small.short_name, capacity=1)
    assert message in refused.content.decode()
    top_entry = run.entries.get(application=top)
    move_url = reverse(
        "cohorts:placement-entry", args=[round_.pk, run.pk, top_entry.pk]
    )
    response = staff_client.post(move_url, {"mentorship": big.pk})
    assert response.status_code == 302
    top_entry.refresh_from_db()
    assert top_entry.mentorship == big and top_entry.moved_by_hand
    commit = reverse("cohorts:placement-commit", args=[round_.pk, run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(commit)
        again = staff_client.post(commit, follow=True)
    assert response.status_code == 302
    assert "only a preview can be changed" in again.content.decode()
    assert Award.objects.filter(application__round=round_).count() == 2
    assert Award.objects.get(application=top).mentorship == big
    assert Message.objects.filter(kind=Kind.AWARD_INVITATION).count() == 4
    assert Message.objects.filter(kind=Kind.ROSTER, to_email=mentor.email).count() == 1


def test_an_entry_of_another_round_is_404(staff_client, round_):
    (m,) = mentorships(round_, [2])
    applicant(round_, prefs=[m])
    run = services.placement_preview(round=round_, by=None)
    entry = run.entries.get()
    other = factories.RoundFactory()
    url = reverse("cohorts:placement-entry", args=[other.pk, run.pk, entry.pk])
    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 6])
def test_placement_pages_run_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    round_ = factories.RoundFactory(awards_count=100)
    ms, apps = _populate(round_, size, size * 3)
    applicant(round_, prefs=ms[:2], outcome=Decision.Outcome.WAITLIST)
    run = services.placement_preview(round=round_, by=None)
    urls = [
        reverse("cohorts:placement-rounds"),
        reverse("cohorts:placement-round", args=[round_.pk]),
        reverse("cohorts:placement-mentorship", args=[round_.pk, run.pk, ms[0].pk]),
        reverse(
            "cohorts:placement-entry",
            args=[round_.pk, run.pk, run.entries.first().pk],
        ),
        reverse("cohorts:placement-constraints", args=[round_.pk]),
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            assert staff_client.get(url).status_code == 200
    services.placement_commit(run=run, by=None)
    award = Award.objects.filter(application__round=round_).first()
    services.award_transition(award=award, status=Award.Status.DECLINED, by=None)
    urls = [
        reverse("cohorts:award-list", args=[round_.pk]),
        reverse("cohorts:placement-waitlist", args=[round_.pk]),
        reverse("cohorts:cohort-detail", args=[ms[0].pk]),
        reverse("cohorts:award-detail", args=[award.pk]),
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            assert staff_client.get(url).status_code == 200


def test_cohort_page_shows_contacts_to_mentors_and_names_to_mentees(
    client_as, mentorship, mentor_user, mentee_user
):
    """Mentors see contacts and award status; a mentee sees its peers'
    organization names, not their contacts; another cohort's mentor gets 404."""
    peer = factories.CohortMemberFactory(
        award__application__round=mentorship.round,
        award__mentorship=mentorship,
        award__application__organization__name="Peer Collaborative",
        user__email="peer.contact@example.org",
    )
    url = reverse("cohorts:cohort-detail", args=[mentorship.pk])
    page = client_as(mentor_user).get(url).content.decode()
    assert "Peer Collaborative" in page
    assert "peer.contact@example.org" in page
    assert "Contracted" in page
    page = client_as(mentee_user).get(url).content.decode()
    assert "Peer Collaborative" in page
    assert "peer.contact@example.org" not in page
    other_mentor = factories.UserFactory()
    factories.MentorshipFactory(mentors=[other_mentor])
    assert client_as(other_mentor).get(url).status_code == 404
    assert peer.award.mentorship == mentorship


def test_cohort_page_runs_fixed_queries_for_mentors(
    client_as, mentorship, mentor_user, django_assert_max_num_queries
):
    mentor_client = client_as(mentor_user)
    for n in (1, 5):
        for _ in range(n):
            factories.CohortMemberFactory(
                award__application__round=mentorship.round,
                award__mentorship=mentorship,
            )
        with django_assert_max_num_queries(10):
            response = mentor_client.get(
                reverse("cohorts:cohort-detail", args=[mentorship.pk])
            )
        assert response.status_code == 200


def test_invitation_link_sets_the_password_signs_in_and_opens_the_cohort(
    client, round_, django_capture_on_commit_callbacks
):
    (m,) = mentorships(round_, [2])
    app = applicant(round_, prefs=[m])
    run = services.placement_preview(round=round_, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.placement_commit(run=run, by=None)
    primary = app.contacts.get(kind="primary")
    # The link is made when the e-mail is sent: it is in the e-mail only.
    assert (
        "/cohorts/invitation/"
        not in Message.objects.get(to_email=primary.email).body_text
    )
    body = next(m.body for m in mail.outbox if m.to == [primary.email])
    path = re.search(r"https?://[^/\s]+(/cohorts/invitation/\S+/)", body).group(1)
    assert "Choose a password" in client.get(path).content.decode()
    weak = client.post(path, {"new_password1": "x", "new_password2": "x"})
    assert weak.status_code == 400
    password = "a-much-better-password-42"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response.url == reverse("cohorts:cohort-detail", args=[m.pk])
    assert client.get(response.url).status_code == 200
    user = User.objects.get(email=primary.email)
    assert user.check_password(password)
    client.logout()
    reused = client.get(path)
    assert reused.status_code == 400
    assert str(services.INVITATION_INVALID) in reused.content.decode()


def test_a_forged_invitation_is_refused(client):
    response = client.get(reverse("cohorts:invitation-accept", args=["nope"]))
    assert response.status_code == 400
    assert str(services.INVITATION_INVALID) in response.content.decode()


def test_staff_add_and_remove_rules(staff_client, round_):
    (m,) = mentorships(round_, [2])
    app = applicant(round_, prefs=[m], name="Conflicted Org")
    waiting = applicant(round_, prefs=[m], outcome=Decision.Outcome.WAITLIST)
    url = reverse("cohorts:placement-constraints", args=[round_.pk])
    bad = staff_client.post(
        url, {"application": waiting.pk, "mentorship": m.pk, "kind": "pin"}
    )
    assert bad.status_code == 400
    assert str(services.CONSTRAINT_NOT_ACCEPTED) in bad.content.decode()
    ok = staff_client.post(
        url,
        {
            "application": app.pk,
            "mentorship": m.pk,
            "kind": "forbid",
            "note": "Board overlap",
        },
    )
    assert ok.status_code == 302
    rule = PlacementConstraint.objects.get()
    assert "Conflicted Org" in staff_client.get(url).content.decode()
    staff_client.post(
        reverse("cohorts:placement-constraint-delete", args=[round_.pk, rule.pk])
    )
    assert not PlacementConstraint.objects.exists()


def test_withdrawing_an_award_leads_to_a_one_click_waitlist_offer(
    staff_client, round_, django_capture_on_commit_callbacks
):
    (m,) = mentorships(round_, [1])
    award = factories.AwardFactory(
        application__round=round_, mentorship=m, status=Award.Status.ACCEPTED
    )
    waiting = applicant(
        round_, prefs=[m], outcome=Decision.Outcome.WAITLIST, name="Next In Line"
    )
    url = reverse("cohorts:award-detail", args=[award.pk])
    response = staff_client.post(
        url, {"action": "status", "status": "withdrawn"}, follow=True
    )
    page = response.content.decode()
    assert "Next In Line" in page and "Offer the seat" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("cohorts:placement-waitlist-offer", args=[round_.pk]),
            {"application": waiting.pk, "mentorship": m.pk},
        )
    offer = Award.objects.get(application=waiting)
    assert offer.from_waitlist and offer.offer_expires_at
    assert Message.objects.filter(kind=Kind.WAITLIST_OFFER).count() == 2


def test_moving_an_award_into_a_full_cohort_shows_the_refusal(staff_client, round_):
    full, other = mentorships(round_, [1, 2])
    factories.AwardFactory(application__round=round_, mentorship=full)
    award = factories.AwardFactory(application__round=round_, mentorship=other)
    response = staff_client.post(
        reverse("cohorts:award-detail", args=[award.pk]),
        {"action": "move", "mentorship": full.pk},
    )
    assert response.status_code == 400
    assert (
        services.COHORT_FULL.format(cohort=full.short_name, capacity=1)
        in response.content.decode()
    )
    award.refresh_from_db()
    assert award.mentorship == other


def test_a_mentee_contact_accepts_its_offer_and_others_cannot(
    client_as, round_, django_capture_on_commit_callbacks
):
    """The primary contact sees the offer on the cohort page and accepts it; a
    mentee of another organization cannot answer it (404)."""
    (m,) = mentorships(round_, [3])
    app = applicant(round_, prefs=[m])
    run = services.placement_preview(round=round_, by=None)
    (award,) = services.placement_commit(run=run, by=None)
    primary = User.objects.get(email=app.contacts.get(kind="primary").email)
    outsider = factories.CohortMemberFactory(
        award__application__round=round_, award__mentorship=m
    ).user
    url = reverse("cohorts:award-respond", args=[award.pk])
    assert client_as(outsider).post(url, {"answer": "decline"}).status_code == 404
    mentee = client_as(primary)
    page = mentee.get(reverse("cohorts:cohort-detail", args=[m.pk])).content.decode()
    assert "Your award offer" in page
    response = mentee.post(url, {"answer": "accept"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.status == Award.Status.ACCEPTED


def test_an_expired_offer_cannot_be_accepted(client_as, round_):
    import datetime as dt

    from django.utils import timezone

    (m,) = mentorships(round_, [3])
    waiting = applicant(round_, prefs=[m], outcome=Decision.Outcome.WAITLIST)
    award = services.waitlist_offer(
        application=waiting,
        mentorship=m,
        by=None,
        now=timezone.now() - dt.timedelta(days=30),
    )
    primary = User.objects.get(email=waiting.contacts.get(kind="primary").email)
    response = client_as(primary).post(
        reverse("cohorts:award-respond", args=[award.pk]),
        {"answer": "accept"},
        follow=True,
    )
    assert "This offer expired on" in response.content.decode()
    award.refresh_from_db()
    assert award.status == Award.Status.OFFERED


PLACEMENT_WORDS = {
    "en": ["Placed in its 2nd choice", "Moved by hand by", "applicants placed"],
    "es": [
        "Asignado a su 2.ª opción",
        "Movido manualmente por",
        "solicitantes asignados",
    ],
}


@pytest.mark.parametrize(("written_in", "read_in"), [("es", "en"), ("en", "es")])
def test_a_placement_reads_in_each_readers_language(
    client_as, round_, staff_user, written_in, read_in
):
    """A placement computed and moved by staff reading one language explains
    itself in the language of whoever reads it later: on the round's page, the
    entry's and the mentorship's pages, and the admin."""
    small, big = mentorships(round_, [1, 3])
    applicant(round_, prefs=[small, big], score="5", name="Top Org")
    second = applicant(round_, prefs=[small, big], score="4", name="Next Org")
    last = applicant(round_, prefs=[big], score="3", name="Last Org")
    staff_user.language = written_in
    staff_user.save(update_fields=["language"])
    writer = client_as(staff_user)
    writer.post(reverse("cohorts:placement-compute", args=[round_.pk]))
    run = PlacementRun.objects.get(round=round_)
    moved = run.entries.get(application=last)
    writer.post(
        reverse("cohorts:placement-entry", args=[round_.pk, run.pk, moved.pk]),
        {"mentorship": ""},
    )
    entry = run.entries.get(application=second)
    placed, by_hand, summary = PLACEMENT_WORDS[read_in]
    pages = {
        reverse("cohorts:placement-round", args=[round_.pk]): [by_hand, summary],
        reverse("cohorts:placement-entry", args=[round_.pk, run.pk, entry.pk]): [
            placed
        ],
        reverse("cohorts:placement-mentorship", args=[round_.pk, run.pk, big.pk]): [
            placed
        ],
        reverse("admin:cohorts_placementrun_change", args=[run.pk]): [
            placed,
            by_hand,
            summary,
        ],
    }
    reader = client_as(factories.StaffFactory(is_superuser=True, language=read_in))
    for url, expected in pages.items():
        page = reader.get(url).content.decode()
        assert [w for w in expected if w not in page] == [], url
        assert [w for w in PLACEMENT_WORDS[written_in] if w in page] == [], url
