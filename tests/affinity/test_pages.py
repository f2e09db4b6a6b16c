"""The members' pages: the group list, a mentor's groups, the group page."""

import pytest
from django.urls import reverse
from django.utils import translation

from affinity import services
from tests.factories import CohortMemberFactory, MentorshipFactory, UserFactory

from .factories import GroupFactory, GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_mentees_see_which_groups_their_mentor_leads(client_as):
    mentor = UserFactory(full_name="Meg Mentor")
    mentorship = MentorshipFactory(mentors=[mentor])
    mentee = CohortMemberFactory(
        award__mentorship=mentorship, award__application__round=mentorship.round
    ).user
    led = GroupFactory(topic="Community Indicator Dashboards", leaders=[mentor])
    GroupFactory(cycle=led.cycle, topic="Data Law", leaders=[UserFactory()])
    page = client_as(mentee).get(reverse("affinity:group-list"))
    assert [(g.topic, m) for g, m in page.context["mentor_groups"]] == [
        ("Community Indicator Dashboards", [mentor])
    ]
    assert "Led by your mentor" in page.content.decode()


def test_people_outside_the_program_see_no_mentor_section(client_as):
    GroupFactory(leaders=[UserFactory()])
    page = client_as(UserFactory()).get(reverse("affinity:group-list"))
    assert page.context["mentor_groups"] == []
    assert "Led by your mentor" not in page.content.decode()


def test_the_list_shows_my_groups_and_full_groups(client_as, outsider):
    mine = GroupFactory(topic="Behavioral Health")
    GroupMemberFactory(group=mine, user=outsider, status="waitlisted")
    full = GroupFactory(cycle=mine.cycle, capacity=1)
    GroupMemberFactory(group=full)
    page = client_as(outsider).get(reverse("affinity:group-list"))
    html = page.content.decode()
    assert [g.topic for g in page.context["my_groups"]] == ["Behavioral Health"]
    assert "Join the waitlist" in html


def test_the_list_shows_the_latest_cycle_or_the_one_asked_for(client_as, outsider):
    from .factories import CycleFactory

    old = GroupFactory(cycle=CycleFactory(name="2021"), topic="Old topic")
    import datetime as dt

    new_cycle = CycleFactory(
        name="2022", starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 10, 31)
    )
    GroupFactory(cycle=new_cycle, topic="New topic")
    client = client_as(outsider)
    assert "New topic" in client.get(reverse("affinity:group-list")).content.decode()
    older = client.get(reverse("affinity:group-list"), {"cycle": old.cycle_id})
    assert "Old topic" in older.content.decode()


def test_the_group_page_shows_goals_expectations_and_leaders(
    client_as, group, outsider
):
    group.expectations_before = "Read the pre-read."
    group.save()
    html = client_as(outsider).get(group.get_absolute_url()).content.decode()
    for text in ["Learn from each other.", "Read the pre-read.", "Lena Leader"]:
        assert text in html
    assert "Roster" not in html  # no management links for a visitor


def test_a_missing_group_is_not_found(client_as, outsider):
    assert client_as(outsider).get("/groups/9999/").status_code == 404


@pytest.mark.parametrize("meetings", [1, 12])
def test_the_group_page_runs_fixed_queries(
    client_as, group, leader, django_assert_max_num_queries, meetings
):
    for _ in range(meetings):
        MeetingFactory(group=group)
    for _ in range(meetings):
        GroupMemberFactory(group=group)
    client = client_as(leader)
    with django_assert_max_num_queries(12):
        page = client.get(group.get_absolute_url())
    assert len(page.context["meetings"]) == meetings


def test_leaders_draft_goals_and_expectations(client_as, group, leader):
    response = client_as(leader).post(
        reverse("affinity:group-edit", args=[group.pk]),
        {
            "description_en": "Health and housing data, together.",
            "learning_goals_en": "Map our data.\nShare one dataset.",
            "learning_goals_es": "Mapear nuestros datos.\nCompartir un conjunto.",
            "expectations_before_en": "Read the pre-read.",
            "expectations_during_en": "Bring a challenge.",
            "expectations_after_en": "Try one idea.",
            "cadence_en": "Monthly",
            "capacity": 25,
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.learning_goals == "Map our data.\nShare one dataset."
    assert group.learning_goals_es == "Mapear nuestros datos.\nCompartir un conjunto."
    # Left empty, the Spanish shows the English.
    assert group.description_es is None
    with translation.override("es"):
        assert group.description == "Health and housing data, together."
        assert group.learning_goals == "Mapear nuestros datos.\nCompartir un conjunto."
    assert group.capacity == 25


def test_capacity_below_the_members_is_refused_next_to_the_field(
    client_as, group, leader
):
    for _ in range(3):
        GroupMemberFactory(group=group)
    response = client_as(leader).post(
        reverse("affinity:group-edit", args=[group.pk]),
        {"description_en": "x", "cadence_en": "Monthly", "capacity": 2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        services.CAPACITY_BELOW_MEMBERS.format(count=3)
    ]
    assert response.content.decode().count("the capacity cannot be lower") == 1
    group.refresh_from_db()
    assert group.capacity == 5 and group.description != "x"


def test_a_member_cannot_edit_the_group_page(client_as, group, member):
    url = reverse("affinity:group-edit", args=[group.pk])
    assert client_as(member.user).post(url, {"capacity": 99}).status_code == 403
