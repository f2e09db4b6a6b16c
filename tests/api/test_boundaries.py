"""No wider reach through the API than through the pages.

Each test takes a role's token and tries every door a curious integrator
would: another organization's application, another cohort's people and
events, another reviewer's work, blinded fields, anonymous answers. Rows out
of reach answer 404 (their existence is not told) or are absent from lists;
resources of another role answer 403.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import ReviewAssignment
from cohorts.models import Attendance, Event, Measure, SuccessGoal
from tests import factories
from tests.applications import review_factories as rf
from tests.applications.test_blind_review import blind_round, leaks  # noqa: F401
from tests.surveys.conftest import invite  # noqa: F401
from tests.surveys.test_views import _answered

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    round_ = factories.RoundFactory()
    mine = factories.MentorshipFactory(round=round_)
    theirs = factories.MentorshipFactory(round=round_)
    mentor = factories.UserFactory()
    mine.mentors.add(mentor)
    member = factories.CohortMemberFactory(
        award__application__round=round_, award__mentorship=mine
    )
    other_member = factories.CohortMemberFactory(
        award__application__round=round_, award__mentorship=theirs
    )
    applicant = factories.UserFactory()
    own = rf.SubmittedApplicationFactory(round=round_, created_by=applicant)
    other = rf.SubmittedApplicationFactory(round=round_)
    reviewer = factories.ReviewerFactory()
    assigned = rf.AssignmentFactory(application=own, reviewer=reviewer)
    not_assigned = rf.AssignmentFactory(application=other)
    events = {
        name: Event.objects.create(
            mentorship=m,
            kind=Event.Kind.WEBINAR,
            title=f"{name} webinar",
            starts_at=timezone.now() - dt.timedelta(hours=1),
        )
        for name, m in (("mine", mine), ("theirs", theirs))
    }
    measures = {}
    for name, m in (("mine", member), ("theirs", other_member)):
        goal = SuccessGoal.objects.create(award=m.award, statement="Link data.")
        measures[name] = Measure.objects.create(
            success_goal=goal, name="Partners sharing data", target=Decimal(5)
        )
    return {
        "round": round_,
        "mine": mine,
        "theirs": theirs,
        "mentor": mentor,
        "mentee": member.user,
        "member": member,
        "other_member": other_member,
        "applicant": applicant,
        "own": own,
        "other": other,
        "reviewer": reviewer,
        "assigned": assigned,
        "not_assigned": not_assigned,
        "events": events,
        "measures": measures,
        "staff": factories.StaffFactory(),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_an_applicant_reads_only_its_organizations_application(world):
    client = client_for(world["applicant"])
    assert ids(client.get("/api/v1/applications/")) == {world["own"].pk}
    assert client.get(f"/api/v1/applications/{world['other'].pk}/").status_code == 404
    mine = client.get(f"/api/v1/applications/{world['own'].pk}/").json()
    # No scores, eligibility or unreleased decision for the applicant.
    assert "score_mean" not in mine and "eligibility_results" not in mine
    assert mine["decision"] is None


def test_an_unreleased_decision_stays_internal(world):
    from applications.models import Decision

    Decision.objects.create(application=world["own"], outcome="decline")
    mine = client_for(world["applicant"]).get(
        f"/api/v1/applications/{world['own'].pk}/"
    )
    assert mine.json()["decision"] is None
    staff = client_for(world["staff"]).get(f"/api/v1/applications/{world['own'].pk}/")
    assert staff.json()["decision"]["outcome"] == "decline"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/awards/",
        "/api/v1/reports/program/?round=x",
        "/api/v1/reports/affinity-attendance/?cycle=1",
        "/api/v1/cohort-members/",
        "/api/v1/attendance/",
        "/api/v1/assignments/",
    ],
)
def test_an_applicant_reaches_no_staff_mentor_or_reviewer_resource(world, url):
    assert client_for(world["applicant"]).get(url).status_code == 403


def test_a_reviewer_reads_its_assignments_and_nothing_else(world):
    client = client_for(world["reviewer"])
    assert ids(client.get("/api/v1/assignments/")) == {world["assigned"].pk}
    other = world["not_assigned"].pk
    assert client.get(f"/api/v1/assignments/{other}/").status_code == 404
    assert client.get("/api/v1/applications/").status_code == 403
    assert client.get(f"/api/v1/applications/{world['own'].pk}/").status_code == 403
    # A removed assignment is gone, as on the review desk.
    ReviewAssignment.objects.filter(pk=world["assigned"].pk).update(
        status=ReviewAssignment.Status.REMOVED
    )
    assert ids(client.get("/api/v1/assignments/")) == set()


def test_a_reviewer_reads_only_its_own_reviews(world):
    rf.rubric(world["round"])
    rf.submit_review(world["assigned"], [4, 4, 4, 4])
    rf.submit_review(world["not_assigned"], [2, 2, 2, 2])
    rows = client_for(world["reviewer"]).get("/api/v1/reviews/").json()["results"]
    assert [row["assignment"] for row in rows] == [world["assigned"].pk]
    assert {s["value"] for s in rows[0]["scores"]} == {4}


def test_an_external_reviewer_reads_no_withheld_name_through_the_api(blind_round):  # noqa: F811
    client = client_for(blind_round["external"])
    listing = client.get("/api/v1/assignments/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert rows
    texts = [json.dumps(listing.json())]
    for row in rows:
        detail = client.get(f"/api/v1/assignments/{row['id']}/")
        assert detail.status_code == 200
        assert detail.json()["application_file"]["blind"] is True
        texts.append(json.dumps(detail.json()))
    assert leaks(" ".join(texts), blind_round["withheld"]) == []
    # The same file read by an internal reviewer names the organization.
    internal = client_for(blind_round["internal"]).get("/api/v1/assignments/")
    assert "Yakima" in json.dumps(internal.json())


def test_a_mentor_reads_its_own_cohort_only(world):
    client = client_for(world["mentor"])
    assert ids(client.get("/api/v1/cohort-members/")) == {world["member"].pk}
    other = world["other_member"].pk
    assert client.get(f"/api/v1/cohort-members/{other}/").status_code == 404
    assert ids(client.get("/api/v1/events/")) == {world["events"]["mine"].pk}
    theirs = world["events"]["theirs"].pk
    assert client.get(f"/api/v1/events/{theirs}/").status_code == 404
    assert ids(client.get("/api/v1/measures/")) == {world["measures"]["mine"].pk}
    assert client.get("/api/v1/awards/").status_code == 403
    assert client.get("/api/v1/applications/").status_code == 403


def test_a_mentor_cannot_record_attendance_at_another_cohorts_event(world):
    client = client_for(world["mentor"], "write:attendance")
    response = client.post(
        f"/api/v1/events/{world['events']['theirs'].pk}/attendance/",
        {"marks": [{"member": world["other_member"].pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == 404
    # Nor mark someone of another cohort at its own event: nothing written.
    response = client.post(
        f"/api/v1/events/{world['events']['mine'].pk}/attendance/",
        {"marks": [{"member": world["other_member"].pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_mentee_reads_its_own_records_not_its_peers(world):
    client = client_for(world["mentee"], "write:attendance", "write:progress")
    assert client.get("/api/v1/cohort-members/").status_code == 403
    assert client.get("/api/v1/attendance/").status_code == 403
    assert ids(client.get("/api/v1/measures/")) == {world["measures"]["mine"].pk}
    theirs = world["measures"]["theirs"].pk
    assert client.get(f"/api/v1/measures/{theirs}/").status_code == 404
    response = client.post(
        f"/api/v1/measures/{theirs}/progress/",
        {"date": str(timezone.localdate()), "value": "2"},
        format="json",
    )
    assert response.status_code == 404
    # A mentee does not record attendance, even at its own cohort's event.
    response = client.post(
        f"/api/v1/events/{world['events']['mine'].pk}/attendance/",
        {"marks": [{"member": world["member"].pk, "status": "present"}]},
        format="json",
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_staff_read_every_application_with_scores(world):
    client = client_for(world["staff"])
    from applications.models import Application

    listed = ids(client.get("/api/v1/applications/"))
    assert listed == set(Application.objects.values_list("pk", flat=True))
    assert {world["own"].pk, world["other"].pk} <= listed
    row = client.get(f"/api/v1/applications/{world['own'].pk}/").json()
    assert "score_normalized" in row and "eligibility" in row


def test_anonymous_answers_leave_only_as_figures(
    invite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The report through the API has counts and shares, never an answer's
    text or a row per person; below the minimum group size, nothing."""
    survey, _q = _answered(6, invite, django_capture_on_commit_callbacks, extra_small=4)
    staff = factories.StaffFactory()
    report = client_for(staff).get(f"/api/v1/reports/surveys/{survey.pk}/")
    assert report.status_code == 200
    body = json.dumps(report.json())
    assert "Note 0" not in body and "Note 5" not in body
    figures = report.json()
    assert figures["completed"] == 10
    text_questions = [q for q in figures["questions"] if q["kind"].endswith("_text")]
    assert text_questions and all(
        isinstance(q["text_answers"], int) for q in text_questions
    )
    # No resource of the API lists survey responses or answers.
    schema = client_for(staff).get("/api/schema/?format=json").content.decode()
    paths = " ".join(json.loads(schema)["paths"]).lower()
    assert "response" not in paths and "answer" not in paths


def test_a_survey_below_the_minimum_shows_nothing_through_the_api(
    invite,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    survey, _q = _answered(3, invite, django_capture_on_commit_callbacks)
    report = client_for(factories.StaffFactory()).get(
        f"/api/v1/reports/surveys/{survey.pk}/"
    )
    figures = report.json()
    assert figures["released"] == 0
    assert all(q["answered"] == 0 for q in figures["questions"])
    assert all(c["count"] == 0 for q in figures["questions"] for c in q["choices"])


def test_the_survey_report_is_for_staff_only(world, invite):  # noqa: F811
    from tests.surveys.factories import SurveyFactory

    survey = SurveyFactory()
    for role in ("applicant", "reviewer", "mentor", "mentee"):
        response = client_for(world[role]).get(f"/api/v1/reports/surveys/{survey.pk}/")
        assert response.status_code == 403, role


def test_collaboration_profiles_are_read_as_their_visibility_says(world):
    from peers.models import CollaborationProfile

    def profile(organization, visibility):
        return CollaborationProfile.objects.create(
            organization=organization, visibility=visibility, works_on="Data"
        )

    mine = profile(world["member"].award.application.organization, "nobody")
    hidden = profile(world["other_member"].award.application.organization, "nobody")
    shared = profile(world["other"].organization, "participants")
    mentee = client_for(world["mentee"])
    assert ids(mentee.get("/api/v1/collaboration-profiles/")) == {mine.pk, shared.pk}
    assert mentee.get(f"/api/v1/collaboration-profiles/{hidden.pk}/").status_code == 404
    # Hidden from everyone outside the organization, staff included.
    staff = client_for(world["staff"])
    assert staff.get(f"/api/v1/collaboration-profiles/{hidden.pk}/").status_code == 404
    # An applicant that is no participant reads only what is open to all.
    applicant = client_for(world["applicant"])
    assert ids(applicant.get("/api/v1/collaboration-profiles/")) == set()
    body = mentee.get(f"/api/v1/collaboration-profiles/{shared.pk}/").json()
    assert "email" not in json.dumps(body)
