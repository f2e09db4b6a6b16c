"""The cycle report: attendance taper, members by organization, cross-over."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affinity import rules, selectors, services
from surveys.models import Answer, Choice, Question, Response, Section, Survey
from tests.factories import (
    AwardFactory,
    CohortMemberFactory,
    MembershipFactory,
    UserFactory,
)

from .factories import CycleFactory, GroupFactory, GroupMemberFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    """A cycle during the factories' awards' contract year."""
    today = timezone.localdate()
    return CycleFactory(
        name="2021",
        starts_on=today + dt.timedelta(days=90),
        ends_on=today + dt.timedelta(days=330),
    )


def mentee(award, role="colleague", active=True):
    return CohortMemberFactory(award=award, role=role, active=active).user


@pytest.fixture
def crossover_fixture(cycle, staff_user):
    """Five mentee collaborations, two of which took part.

    A: two mentees in two groups (counts once). B: attended, then left (took
    part). C: only asked to join. D: an inactive mentee. E: left without
    attending. Outsiders and another cycle's group do not count.
    """
    g1 = GroupFactory(cycle=cycle, topic="Behavioral Health")
    g2 = GroupFactory(cycle=cycle, topic="Data Law")
    g3 = GroupFactory(cycle=cycle, topic="Care Coordination")
    later = GroupFactory(cycle=CycleFactory(name="2022"))
    awards = {
        k: AwardFactory(application__collaboration_name=f"Collaboration {k}")
        for k in "ABCDE"
    }
    a1, a2 = mentee(awards["A"], "primary"), mentee(awards["A"])
    GroupMemberFactory(group=g1, user=a1)
    GroupMemberFactory(group=g2, user=a2)
    b1 = mentee(awards["B"])
    b_member = GroupMemberFactory(group=g1, user=b1)
    meeting = MeetingFactory(group=g1)
    services.attendance_record(meeting=meeting, present=[b_member.pk], by=staff_user)
    services.membership_leave(member=b_member, by=b1)
    GroupMemberFactory(group=g2, user=mentee(awards["C"]), status="requested")
    GroupMemberFactory(group=g1, user=mentee(awards["D"], active=False))
    GroupMemberFactory(group=g3, user=mentee(awards["E"]), status="left")
    GroupMemberFactory(group=later, user=mentee(awards["C"], "secondary"))
    for _ in range(3):
        GroupMemberFactory(group=g1)  # All In members outside the program
    return {"groups": (g1, g2, g3), "awards": awards}


def test_crossover_counts_distinct_collaborations_on_a_known_fixture(
    cycle, crossover_fixture
):
    g1, g2, g3 = crossover_fixture["groups"]
    a = crossover_fixture["awards"]
    report = selectors.crossover_report(cycle=cycle)
    assert report.figures.count == 2
    assert report.figures.by_group == {
        g1.pk: {a["A"].pk, a["B"].pk},
        g2.pk: {a["A"].pk},
    }
    assert report.figures.by_collaboration[a["A"].pk] == {g1.pk, g2.pk}
    assert report.collaborations_total == 4  # A, B, C, E have active mentees
    assert report.share == 50
    assert report.mentees == 3
    rows = dict(report.collaboration_rows())
    assert rows["Collaboration A (" + a["A"].application.organization.name + ")"] == [
        "Behavioral Health",
        "Data Law",
    ]


def test_last_years_mentees_are_not_this_cycles_collaborations(
    cycle, crossover_fixture
):
    """A mentee of an award whose contract ended before the cycle began (last
    year's cohort) neither counts among the collaborations nor as taking part."""
    g1, _g2, _g3 = crossover_fixture["groups"]
    last_year = AwardFactory(
        application__collaboration_name="Collaboration Z",
        contract_start=cycle.starts_on - dt.timedelta(days=400),
        contract_end=cycle.starts_on - dt.timedelta(days=100),
    )
    GroupMemberFactory(group=g1, user=mentee(last_year, "primary"))
    mentee(AwardFactory(contract_end=cycle.starts_on - dt.timedelta(days=1)))
    report = selectors.crossover_report(cycle=cycle)
    assert report.collaborations_total == 4
    assert report.figures.count == 2
    assert last_year.pk not in report.figures.by_collaboration


def test_report_page_answers_how_many_collaborations_took_part(
    client_as, cycle, crossover_fixture, staff_user
):
    page = client_as(staff_user).get(reverse("affinity:report"), {"cycle": cycle.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<div class="stat" id="crossover-count">2</div>' in html
    assert "took part in at least one group (of 4, 50%)" in html


def make_exit_survey(pairs, min_group_size=5):
    survey = Survey.objects.create(
        title="Mentee exit survey",
        kind=Survey.Kind.EXIT,
        audience=Survey.Audience.ROUND,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
        anonymous=True,
        min_group_size=min_group_size,
    )
    section = Section.objects.create(survey=survey, title="Affinity groups")
    questions = {}
    for key, values in [
        (rules.PARTICIPATION_KEY, [rules.TOOK_PART, rules.DID_NOT_TAKE_PART]),
        (rules.PLANS_KEY, [rules.PLAN_CONTINUE, rules.PLAN_JOIN, rules.NO_PLANS]),
    ]:
        q = Question.objects.create(section=section, key=key, kind="single", prompt=key)
        for value in values:
            Choice.objects.create(question=q, value=value, label=value)
        questions[key] = q
    for participation, plans in pairs:
        response = Response.objects.create(survey=survey, submitted_on="2021-11-30")
        Answer.objects.create(
            response=response,
            question=questions[rules.PARTICIPATION_KEY],
            choices=[participation],
        )
        if plans:
            Answer.objects.create(
                response=response, question=questions[rules.PLANS_KEY], choices=[plans]
            )
    return survey


def test_exit_survey_figures_come_from_answers(client_as, cycle, staff_user):
    """37% took part and plan to continue, 35% have not and plan to join."""
    make_exit_survey(
        [(rules.TOOK_PART, rules.PLAN_CONTINUE)] * 16
        + [(rules.TOOK_PART, rules.NO_PLANS)] * 3
        + [(rules.DID_NOT_TAKE_PART, rules.PLAN_JOIN)] * 15
        + [(rules.DID_NOT_TAKE_PART, None)] * 9
    )
    page = client_as(staff_user).get(reverse("affinity:report"), {"cycle": cycle.pk})
    html = page.content.decode()
    assert (
        "<strong>37%</strong> took part and plan to continue; "
        "<strong>35%</strong> have not taken part and plan to join." in html
    )


def test_exit_figures_accept_choice_ids_as_answers(cycle):
    survey = make_exit_survey([])
    question = Question.objects.get(section__survey=survey, key=rules.PARTICIPATION_KEY)
    took_part = question.choices.get(value=rules.TOOK_PART)
    for _ in range(5):
        response = Response.objects.create(survey=survey, submitted_on="2021-11-30")
        Answer.objects.create(
            response=response, question=question, choices=[took_part.pk]
        )
    figures = selectors.exit_figures(survey)
    assert figures.respondents == 5 and figures.took_part_no_plans == 5


def test_small_exit_surveys_stay_hidden(client_as, cycle, staff_user):
    make_exit_survey([(rules.TOOK_PART, rules.PLAN_CONTINUE)] * 2)
    page = client_as(staff_user).get(reverse("affinity:report"), {"cycle": cycle.pk})
    assert "too few to show" in page.content.decode()


def test_members_by_organization_type_and_sector(cycle):
    group = GroupFactory(cycle=cycle)
    other = GroupFactory(cycle=cycle)
    public = MembershipFactory(
        organization__org_type="public", organization__sector="public_health"
    ).user
    GroupMemberFactory(group=group, user=public)
    GroupMemberFactory(group=other, user=public)
    nonprofit = MembershipFactory(
        organization__org_type="501c3", organization__sector="housing"
    ).user
    GroupMemberFactory(group=group, user=nonprofit)
    GroupMemberFactory(group=group)  # no organization
    GroupMemberFactory(group=group, status="requested")  # not a member yet
    data = selectors.members_by_organization(cycle=cycle)
    by_type = {b.label: (b.people, b.memberships) for b in data["org_type"]}
    assert by_type == {
        "Public entity": (1, 2),
        "501(c)(3) nonprofit": (1, 1),
        "Unknown": (1, 1),
    }
    by_sector = {b.label: b.people for b in data["sector"]}
    assert by_sector == {"Public health": 1, "Housing": 1, "Unknown": 1}
    assert (data["people"], data["memberships"]) == (3, 4)


def test_attendance_report_shows_a_taper(cycle, staff_user):
    group = GroupFactory(cycle=cycle)
    members = [GroupMemberFactory(group=group) for _ in range(10)]
    start = timezone.now() - dt.timedelta(days=200)
    for i, present in enumerate([9, 8, 8, 5, 4, 3]):
        meeting = MeetingFactory(
            group=group, starts_at=start + dt.timedelta(days=30 * i)
        )
        services.attendance_record(
            meeting=meeting, present=[m.pk for m in members[:present]], by=staff_user
        )
    steady = GroupFactory(cycle=cycle)
    report = selectors.attendance_report(cycle=cycle)
    series = {s.group.pk: s for s in report.series}
    assert [p.percent for p in series[group.pk].points] == [90, 80, 80, 50, 40, 30]
    assert series[group.pk].tapers
    assert not series[steady.pk].tapers
    assert report.tapering == [series[group.pk]]


def build_cycle(cycle, groups, meetings, members, by):
    for _ in range(groups):
        group = GroupFactory(cycle=cycle)
        roster = [GroupMemberFactory(group=group) for _ in range(members)]
        for _ in range(meetings):
            meeting = MeetingFactory(group=group)
            services.attendance_record(
                meeting=meeting, present=[m.pk for m in roster[::2]], by=by
            )


@pytest.mark.parametrize("groups,meetings,members", [(2, 2, 2), (8, 8, 12)])
def test_the_report_runs_a_fixed_number_of_queries(
    client_as,
    cycle,
    staff_user,
    django_assert_max_num_queries,
    groups,
    meetings,
    members,
):
    """The attendance report costs the same with 2 groups or 8 groups of 12."""
    build_cycle(cycle, groups, meetings, members, staff_user)
    mentee(AwardFactory())
    client = client_as(staff_user)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("affinity:report"), {"cycle": cycle.pk})
    assert page.status_code == 200
    assert len(page.context["attendance"].series) == groups


@pytest.mark.parametrize("groups,meetings,members", [(1, 2, 2), (4, 8, 12)])
def test_the_attendance_selector_alone_is_two_queries(
    cycle, staff_user, django_assert_num_queries, groups, meetings, members
):
    build_cycle(cycle, groups, meetings, members, staff_user)
    with django_assert_num_queries(2):
        report = selectors.attendance_report(cycle=cycle)
        assert sum(len(s.points) for s in report.series) == groups * meetings


@pytest.mark.parametrize("size", [2, 15])
def test_the_group_list_and_roster_run_fixed_queries(
    client_as, cycle, leader, django_assert_max_num_queries, size
):
    for _ in range(size):
        GroupFactory(cycle=cycle, leaders=[UserFactory()])
    group = GroupFactory(cycle=cycle, leaders=[leader])
    for _ in range(size):
        GroupMemberFactory(group=group, user=MembershipFactory().user)
    client = client_as(leader)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("affinity:group-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("affinity:roster", args=[group.pk])).status_code == 200
        )


def test_only_staff_see_the_report(client_as, cycle, leader):
    GroupFactory(cycle=cycle, leaders=[leader])
    assert client_as(leader).get(reverse("affinity:report")).status_code == 403
    csv_url = reverse("affinity:report-csv", args=["attendance"])
    assert client_as(leader).get(csv_url).status_code == 403


def test_every_table_exports_as_csv(client_as, cycle, crossover_fixture, staff_user):
    client = client_as(staff_user)
    for which, header in [
        ("attendance", "group,meeting,title,date,present,recorded"),
        ("members", "breakdown,value,people,group memberships"),
        ("crossover", "collaboration,groups"),
    ]:
        response = client.get(
            reverse("affinity:report-csv", args=[which]), {"cycle": cycle.pk}
        )
        assert response["Content-Type"].startswith("text/csv")
        # The first line names the language, then the table.
        language, table = response.content.decode().split("\r\n", 1)
        assert language == "Language: English"
        assert table.startswith(header)
    crossover = client.get(reverse("affinity:report-csv", args=["crossover"]))
    assert "Behavioral Health; Data Law" in crossover.content.decode()
    missing = client.get(reverse("affinity:report-csv", args=["secrets"]))
    assert missing.status_code == 404
