"""The eligibility override has one path: the review file's inline form and the
eligibility page post the same form to the same service."""

import pytest
from django.urls import reverse

from applications.models import Application, EligibilityResult
from applications.rules import JUSTIFICATION_REQUIRED
from dashmentor.models import AuditEvent
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened():
    app = rf.SubmittedApplicationFactory(eligibility="ineligible")
    rf.eligibility_results(app, ["pass", "pass", "fail", "pass", "pass"])
    return app


def _result(app, criterion) -> EligibilityResult:
    return app.eligibility_results.get(criterion=criterion)


def test_the_review_file_records_an_override_and_comes_back(
    client_as, staff_user, screened
):
    """Staff override from the review file and land on it again."""
    client = client_as(staff_user)
    review_file = reverse("applications:staff-application-review", args=[screened.pk])
    page = client.get(review_file).content.decode()
    action = reverse(
        "applications:staff-eligibility-override", args=[_result(screened, 3).pk]
    )
    assert f'action="{action}"' in page
    response = client.post(
        action,
        {
            "c3-outcome": "pass",
            "c3-justification": "The partner letter arrived.",
            "next": review_file,
        },
    )
    assert response.status_code == 302 and response["Location"] == review_file
    assert _result(screened, 3).override_outcome == "pass"
    assert Application.objects.get(pk=screened.pk).eligibility == "eligible"


def test_an_override_without_a_reason_is_refused_and_changes_nothing(
    client_as, staff_user, screened
):
    """The refusal is shown next to the justification on the eligibility page."""
    client = client_as(staff_user)
    action = reverse(
        "applications:staff-eligibility-override", args=[_result(screened, 3).pk]
    )
    response = client.post(action, {"c3-outcome": "pass", "c3-justification": " "})
    assert response.status_code == 200
    assert str(JUSTIFICATION_REQUIRED) in response.content.decode()
    assert _result(screened, 3).override_outcome == ""
    assert not AuditEvent.objects.filter(action="eligibility.overridden").exists()


def test_no_outcome_restores_the_screening_and_saving_it_again_changes_nothing(
    client_as, staff_user, screened
):
    client = client_as(staff_user)
    url = reverse("applications:eligibility-override", args=[screened.pk])
    client.post(
        url,
        {"criterion": "3", "c3-outcome": "pass", "c3-justification": "Arrived."},
    )
    assert _result(screened, 3).override_outcome == "pass"
    for _ in range(2):
        response = client.post(
            url, {"criterion": "3", "c3-outcome": "", "c3-justification": ""}
        )
        assert response.status_code == 302
    assert _result(screened, 3).override_outcome == ""
    assert Application.objects.get(pk=screened.pk).eligibility == "ineligible"
    assert AuditEvent.objects.filter(action="eligibility.override_cleared").count() == 1


def test_a_reviewer_cannot_override(client_as, reviewer_user, screened):
    client = client_as(reviewer_user)
    action = reverse(
        "applications:staff-eligibility-override", args=[_result(screened, 3).pk]
    )
    response = client.post(action, {"c3-outcome": "pass", "c3-justification": "x"})
    assert response.status_code == 403
    assert _result(screened, 3).override_outcome == ""
