"""Every list resource runs a fixed number of queries, whatever its rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from affinity.models import Cycle, Group, GroupMember, Meeting, MeetingAttendance
from cohorts.models import Attendance, Event, Measure, ProgressEntry, SuccessGoal
from peers.models import CollaborationProfile
from tests import factories
from tests.applications import review_factories as rf

from .conftest import client_for

pytestmark = pytest.mark.django_db


def fill(n: int, staff, reviewer):
    round_ = factories.RoundFactory()
    rf.rubric(round_)
    mentorship = factories.MentorshipFactory(round=round_)
    cycle, _ = Cycle.objects.get_or_create(
        name="2030", starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 12, 31)
    )
    for i in range(n):
        app = rf.SubmittedApplicationFactory(round=round_)
        rf.eligibility_results(app)
        factories.PreferenceFactory(application=app, mentorship=mentorship)
        assignment = rf.AssignmentFactory(application=app, reviewer=reviewer)
        rf.submit_review(assignment, [3, 4, 5, 4])
        member = factories.CohortMemberFactory(
            award__application__round=round_, award__mentorship=mentorship
        )
        event = Event.objects.create(
            mentorship=mentorship,
            kind=Event.Kind.WEBINAR,
            title=f"Webinar {i}",
            starts_at=timezone.now() - dt.timedelta(hours=1),
        )
        Attendance.objects.create(event=event, member=member, status="present")
        goal = SuccessGoal.objects.create(award=member.award, statement="x")
        measure = Measure.objects.create(success_goal=goal, name="m", target=Decimal(3))
        ProgressEntry.objects.create(
            measure=measure, date=timezone.localdate(), value=Decimal(1)
        )
        group = Group.objects.create(cycle=cycle, topic=f"Topic {i}", slug=f"t-{i}")
        joined = GroupMember.objects.create(
            group=group, user=factories.UserFactory(), status="admitted"
        )
        meeting = Meeting.objects.create(
            group=group, title="Kickoff", starts_at=timezone.now()
        )
        MeetingAttendance.objects.create(meeting=meeting, member=joined, present=True)
        profile = CollaborationProfile.objects.create(
            organization=app.organization, visibility="participants", works_on="x"
        )
        profile.challenges.create(text="Data sharing agreements")


LISTS = [
    "/api/v1/rounds/",
    "/api/v1/mentorships/",
    "/api/v1/applications/",
    "/api/v1/awards/",
    "/api/v1/cohort-members/",
    "/api/v1/events/",
    "/api/v1/attendance/",
    "/api/v1/measures/",
    "/api/v1/affinity-groups/",
    "/api/v1/affinity-meetings/",
    "/api/v1/affinity-attendance/",
    "/api/v1/collaboration-profiles/",
]
REVIEWER_LISTS = ["/api/v1/assignments/", "/api/v1/reviews/"]


@pytest.mark.parametrize("size", [2, 12])
def test_every_list_runs_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    staff = factories.StaffFactory()
    reviewer = factories.ReviewerFactory()
    fill(size, staff, reviewer)
    as_staff = client_for(staff)
    as_reviewer = client_for(reviewer)
    for client, urls in ((as_staff, LISTS), (as_reviewer, REVIEWER_LISTS)):
        client.get("/api/v1/me/")  # the token's user and roles, once
        for url in urls:
            # The token (1), the page of rows and each prefetched relation.
            with django_assert_max_num_queries(6, info=url):
                response = client.get(url)
            assert response.status_code == 200, url
            assert response.json()["results"], url
