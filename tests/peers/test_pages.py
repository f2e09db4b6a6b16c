"""The directory, profiles and their privacy, the pre-fill, group moves and the
staff's report, through the pages."""

import pytest
from django.urls import reverse

from affinity.models import Cycle, Group, GroupMember
from dashmentor.models import AuditEvent
from notifications.models import Message
from peers import services
from peers.models import CollaborationProfile, Similarity
from tests import factories

from .factories import fill, mentee_org

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _profiles(n, **fields):
    made = []
    for i in range(n):
        profile, user = mentee_org(name=f"Collaborative {i:03d}", state="TX")
        fill(
            profile,
            user,
            works_on=f"Linking HMIS with jail bookings, number {i}",
            data_systems=["hmis", "jail"],
            partner_sectors=["housing"],
            challenges=[f"Challenge {i}"],
            **fields,
        )
        made.append((profile, user))
    return made


def test_an_applicant_who_is_no_participant_cannot_use_the_directory(client):
    applicant = factories.ApplicationFactory().created_by
    client.force_login(applicant)
    assert client.get(reverse("peers:directory")).status_code == 403


def test_the_directory_finds_by_words_and_data_system(client):
    (a, user), (b, _) = _profiles(2)
    other, other_user = mentee_org(name="School Data Collaborative")
    fill(other, other_user, works_on="School attendance", data_systems=["school"])
    client.force_login(user)
    page = client.get(reverse("peers:directory"), {"data_system": "hmis"})
    text = page.content.decode()
    assert "Collaborative 001" in text
    assert "School Data Collaborative" not in text
    page = client.get(reverse("peers:directory"), {"q": "attendance"})
    assert "School Data Collaborative" in page.content.decode()
    assert "Collaborative 001" not in page.content.decode()


def test_a_hidden_profile_is_absent_everywhere_and_404_to_everyone_else(client):
    (seen, user), (hidden, hider) = _profiles(2)
    fill(hidden, hider, challenges=["Our secret struggle"])
    services.profile_update(profile=hidden, by=hider, visibility="nobody")
    services.similarities_compute()
    url = reverse("peers:profile-detail", args=[hidden.pk])
    for viewer in (user, factories.StaffFactory()):
        client.force_login(viewer)
        assert client.get(url).status_code == 404
        listing = client.get(reverse("peers:directory"), {"q": "HMIS"})
        assert "Collaborative 001" not in listing.content.decode()
    client.force_login(user)
    page = client.get(reverse("peers:profile-detail", args=[seen.pk])).content
    assert b"Collaborative 001" not in page  # not among peers like us
    assert (
        b"Our secret struggle" not in client.get(reverse("peers:alumni-home")).content
    )
    assert not Similarity.objects.filter(other=hidden).exists()
    # Its own people still read and edit it.
    client.force_login(hider)
    assert client.get(url).status_code == 200


def test_a_profile_for_everyone_signed_in_is_readable_by_an_applicant_by_address(
    client,
):
    ((profile, user),) = _profiles(1)
    applicant = factories.ApplicationFactory().created_by
    client.force_login(applicant)
    url = reverse("peers:profile-detail", args=[profile.pk])
    assert client.get(url).status_code == 404
    services.profile_update(profile=profile, by=user, visibility="signed_in")
    assert client.get(url).status_code == 200


def test_contact_details_never_show_on_a_profile(client):
    (profile, owner), (_other, viewer) = _profiles(2)
    client.force_login(viewer)
    page = client.get(reverse("peers:profile-detail", args=[profile.pk]))
    assert owner.email not in page.content.decode()


def test_hostile_text_in_every_field_renders_inert(client):
    profile, owner = mentee_org(name="Hostile Org")
    fill(profile, owner, works_on=HOSTILE, offers=HOSTILE, challenges=[HOSTILE[:150]])
    viewer_profile, viewer = mentee_org()
    services.similarities_compute()
    intro = services.introduction_request(
        from_profile=viewer_profile, to_profile=profile, note=HOSTILE, by=viewer
    )
    client.force_login(owner)
    for url in (
        reverse("peers:profile-detail", args=[profile.pk]),
        reverse("peers:introduction-detail", args=[intro.pk]),
        reverse("peers:network"),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body
    client.force_login(viewer)
    body = client.get(reverse("peers:directory")).content.decode()
    assert "<script>alert" not in body


def test_saving_the_profile_form_back_unchanged_writes_nothing(client):
    ((profile, owner),) = _profiles(1)
    client.force_login(owner)
    url = reverse("peers:profile-edit", args=[profile.pk])
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "topics":
            value = [t.pk for t in value]
        if value in (None, ""):
            continue
        data[name] = value
    before = CollaborationProfile.objects.get(pk=profile.pk).updated_at
    audits = AuditEvent.objects.count()
    assert client.post(url, data).status_code == 302
    assert CollaborationProfile.objects.get(pk=profile.pk).updated_at == before
    assert AuditEvent.objects.count() == audits


def test_too_many_challenges_is_refused_with_a_message_and_nothing_changed(client):
    ((profile, owner),) = _profiles(1)
    client.force_login(owner)
    response = client.post(
        reverse("peers:profile-edit", args=[profile.pk]),
        {"visibility": "participants", "challenges": "\n".join("abcdef")},
    )
    assert "List at most 5 challenges" in response.content.decode()
    assert list(profile.challenges.values_list("text", flat=True)) == ["Challenge 0"]


def test_the_prefill_is_asked_once_and_fills_from_the_application(client):
    profile, owner = mentee_org(state="")
    application = profile.organization.applications.get()
    application.collaboration_description = "We link our HMIS with the county jail."
    application.first_submitted_at = application.created_at
    application.state = "AZ"
    application.save()
    factories.PartnerFactory(application=application, sectors=["criminal_justice"])
    client.force_login(owner)
    url = reverse("peers:profile-prefill", args=[profile.pk])
    client.post(url, {"consent": "yes"})
    profile.refresh_from_db()
    assert profile.prefill_consent == "yes"
    assert profile.prefill_answered_by == owner
    assert "county jail" in profile.works_on
    assert profile.data_systems == ["hmis", "jail"]
    assert profile.partner_sectors == ["criminal_justice"]
    assert profile.region == "southwest"
    response = client.post(url, {"consent": "no"}, follow=True)
    assert str(services.PREFILL_ALREADY_ANSWERED) in response.content.decode()
    profile.refresh_from_db()
    assert profile.prefill_consent == "yes"


def test_someone_else_cannot_edit_or_prefill_a_profile(client):
    (profile, _owner), (_other, stranger) = _profiles(2)
    client.force_login(stranger)
    assert (
        client.get(reverse("peers:profile-edit", args=[profile.pk])).status_code == 404
    )
    client.post(reverse("peers:profile-prefill", args=[profile.pk]), {"consent": "yes"})
    profile.refresh_from_db()
    assert profile.prefill_consent == ""


def test_peers_like_us_leave_out_the_viewers_own_cohort(client):
    mentorship = factories.MentorshipFactory()
    mine, me = mentee_org(mentorship=mentorship)
    same, same_user = mentee_org(mentorship=mentorship, name="Same Cohort Org")
    other, other_user = mentee_org(name="Other Cohort Org")
    for profile, user in ((mine, me), (same, same_user), (other, other_user)):
        fill(profile, user, works_on="HMIS and jail bookings", data_systems=["hmis"])
    services.similarities_compute()
    client.force_login(me)
    page = client.get(reverse("peers:profile-detail", args=[mine.pk])).content.decode()
    assert "Other Cohort Org" in page
    assert "both use HMIS" in page
    assert "Same Cohort Org" not in page


@pytest.mark.parametrize("rows", [3, 12])
def test_the_directory_runs_a_fixed_number_of_queries(
    client, rows, django_assert_max_num_queries
):
    made = _profiles(rows)
    client.force_login(made[0][1])
    client.get(reverse("peers:directory"))
    with django_assert_max_num_queries(14):
        client.get(reverse("peers:directory"), {"data_system": "hmis"})


@pytest.mark.parametrize("rows", [2, 8])
def test_the_report_runs_a_fixed_number_of_queries(
    client, rows, django_assert_max_num_queries
):
    made = _profiles(rows)
    for (a, user), (b, other) in zip(made, made[1:], strict=False):
        intro = services.introduction_request(
            from_profile=a, to_profile=b, note="hi", by=user
        )
        services.introduction_respond(intro=intro, accept=True, by=other)
    client.force_login(factories.StaffFactory())
    client.get(reverse("peers:report"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("peers:report"))
    assert page.context["report"].totals["accepted"] == rows - 1
    svg = client.get(reverse("peers:report-svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.count(b"<circle") >= rows
    csv = client.get(reverse("peers:report-csv", args=["connections"]))
    assert b"Collaborative 000" in b"".join(csv)


def test_the_report_csv_escapes_formulas(client):
    ((a, user),) = _profiles(1)
    b, other = mentee_org(name="=HYPERLINK(evil)")
    intro = services.introduction_request(
        from_profile=a, to_profile=b, note="x", by=user
    )
    services.introduction_respond(intro=intro, accept=True, by=other)
    client.force_login(factories.StaffFactory())
    body = b"".join(client.get(reverse("peers:report-csv", args=["connections"])))
    assert b"'=HYPERLINK" in body


def test_a_leader_suggests_another_group_and_the_member_moves_with_one_click(client):
    cycle = Cycle.objects.create(
        name="2030", starts_on="2030-01-01", ends_on="2030-12-31"
    )
    here = Group.objects.create(cycle=cycle, topic="Data law", slug="law")
    there = Group.objects.create(cycle=cycle, topic="Housing", slug="housing")
    leader, other_leader = factories.UserFactory(), factories.UserFactory()
    here.leaders.add(leader)
    there.leaders.add(other_leader)
    person = factories.UserFactory()
    member = GroupMember.objects.create(group=here, user=person, status="admitted")
    client.force_login(person)
    assert (
        client.get(reverse("peers:group-move-suggest", args=[member.pk])).status_code
        == 404
    )  # a member cannot suggest for itself
    client.force_login(leader)
    client.post(
        reverse("peers:group-move-suggest", args=[member.pk]),
        {"to_group": there.pk, "note": "You ask about housing every time."},
    )
    client.force_login(person)
    page = client.get(reverse("peers:network")).content.decode()
    assert "You ask about housing every time." in page
    suggestion = page  # the one-click button
    assert "Move me to Housing" in suggestion
    from peers.models import GroupMoveSuggestion

    move = GroupMoveSuggestion.objects.get()
    client.post(
        reverse("peers:group-move-respond", args=[move.pk]), {"answer": "accept"}
    )
    member.refresh_from_db()
    assert member.status == "left"
    assert GroupMember.objects.get(group=there, user=person).status == "admitted"
    told = set(
        Message.objects.filter(subject__contains="moved from").values_list(
            "to_email", flat=True
        )
    )
    assert told == {leader.email, other_leader.email}
    # A second click changes nothing.
    client.post(
        reverse("peers:group-move-respond", args=[move.pk]), {"answer": "accept"}
    )
    assert GroupMember.objects.filter(user=person, status="admitted").count() == 1


def test_the_report_csv_speaks_spanish_to_a_spanish_reader(client):
    """The network report's CSV heads its columns and says yes and no in
    Spanish, and names its language."""
    ((a, user),) = _profiles(1)
    b, other = mentee_org(name="Socio Uno")
    intro = services.introduction_request(
        from_profile=a, to_profile=b, note="x", by=user
    )
    services.introduction_respond(intro=intro, accept=True, by=other)
    client.force_login(factories.StaffFactory(language="es"))
    response = client.get(reverse("peers:report-csv", args=["connections"]))
    assert response["Content-Language"] == "es"
    lines = b"".join(response).decode().splitlines()
    assert lines[0] == "Idioma: español"
    assert lines[1].startswith("organización,cohortes,años del programa,")
    assert lines[2].count(",no,") + lines[2].count(",sí,") >= 1
