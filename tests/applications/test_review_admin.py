"""The program office's admin for review: the changelist, the audit trail on
the application's page, decision actions and audited eligibility overrides."""

import pytest
from django.urls import reverse

from applications import review_services as services
from applications.models import Decision
from dashmentor.models import AuditEvent
from tests import factories
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return factories.StaffFactory(is_superuser=True, full_name="Ad Min")


def test_the_changelist_runs_the_same_queries_at_two_sizes(client_as, admin_user):
    small, large = factories.RoundFactory(), factories.RoundFactory()
    rf.bulk_round(small, applications=5)
    rf.bulk_round(large, applications=120)
    client = client_as(admin_user)
    # A user's roles are read once, then kept (dashmentor/roles.py): count pages
    # as a running server serves them, not the first one after sign-in.
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:applications_application_changelist")
    counts = []
    for r in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"round__id__exact": r.pk})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_application_page_shows_who_changed_what(client_as, admin_user):
    assignment = rf.AssignmentFactory()
    rf.rubric(assignment.application.round)
    rf.submit_review(assignment, [4, 4, 4, 4])
    rf.submit_review(assignment, [2, 4, 4, 4])
    services.decision_record(
        application=assignment.application,
        outcome="waitlist",
        note="Strong but late",
        by=admin_user,
        seen_version=0,
    )
    response = client_as(admin_user).get(
        reverse(
            "admin:applications_application_change",
            args=[assignment.application_id],
        )
    )
    html = response.content.decode()
    assert "Submitted scores changed" in html
    assert "Decision recorded" in html
    assert "Strong but late" in html
    assert "Ad Min" in html


def test_the_decide_action_never_replaces_an_existing_decision(client_as, admin_user):
    a, b = rf.SubmittedApplicationFactory.create_batch(2)
    services.decision_record(
        application=b, outcome="accept", by=admin_user, seen_version=0
    )
    response = client_as(admin_user).post(
        reverse("admin:applications_application_changelist"),
        {"action": "decide_decline", "_selected_action": [a.pk, b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Decision.objects.get(application=a).outcome == "decline"
    assert Decision.objects.get(application=b).outcome == "accept"
    assert "left unchanged" in response.content.decode()


def test_an_override_in_the_admin_goes_through_the_audited_service(
    client_as, admin_user
):
    app = rf.SubmittedApplicationFactory(eligibility="ineligible")
    results = rf.eligibility_results(app, ["pass", "fail", "pass", "pass", "pass"])
    url = reverse("admin:applications_application_change", args=[app.pk])
    client = client_as(admin_user)
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and not isinstance(v, (list, dict))
    }
    data.update(
        {
            "round": app.round_id,
            "organization": app.organization_id,
            "created_by": app.created_by_id,
            "status": app.status,
            "version": app.version,
            "sectors_index": app.sectors_index,
            "state": app.state,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
            "partners-TOTAL_FORMS": 0,
            "partners-INITIAL_FORMS": 0,
            "assignments-TOTAL_FORMS": 0,
            "assignments-INITIAL_FORMS": 0,
            "eligibility_results-TOTAL_FORMS": 5,
            "eligibility_results-INITIAL_FORMS": 5,
        }
    )
    for i, r in enumerate(results):
        data[f"eligibility_results-{i}-id"] = r.pk
        data[f"eligibility_results-{i}-application"] = app.pk
        data[f"eligibility_results-{i}-override_outcome"] = "pass" if i == 1 else ""
        data[f"eligibility_results-{i}-override_justification"] = (
            "Checked the partner list by phone." if i == 1 else ""
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    app.refresh_from_db()
    assert app.eligibility == "eligible"
    event = AuditEvent.objects.get(action="eligibility.overridden")
    assert event.actor == admin_user
    assert event.note == "Checked the partner list by phone."
