"""The program office's admin for review: the changelist, the audit trail on
the application's page, decision actions and audited eligibility overrides."""

import pytest
from django.urls import reverse

from applications.admin import EstimatedCountPaginator
from applications.models import Decision, Round
from applications.review import services
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


def _counts_of_applications(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and '"applications_application"' in q["sql"]
    ]


@pytest.mark.postgres
def test_the_unfiltered_changelist_takes_its_total_from_the_statistics(
    client_as, admin_user, monkeypatch
):
    """Unfiltered, a large table's total is PostgreSQL's estimate and no
    COUNT reads every row; filtered, the total is counted exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rf.bulk_round(factories.RoundFactory(), applications=60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applications_application")
    client = client_as(admin_user)
    url = reverse("admin:applications_application_changelist")
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert _counts_of_applications(small.captured_queries)
    assert response.context["cl"].result_count == 60

    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 50)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert _counts_of_applications(large.captured_queries) == []
    assert response.context["cl"].result_count == 60
    assert len(response.context["cl"].result_list) == 50

    with CaptureQueriesContext(connection) as filtered:
        response = client.get(url, {"status__exact": "under_review"})
    assert _counts_of_applications(filtered.captured_queries)
    assert response.context["cl"].result_count == 60


def test_the_changelist_lists_the_newest_first(client_as, admin_user):
    apps = rf.bulk_round(factories.RoundFactory(), applications=3)
    response = client_as(admin_user).get(
        reverse("admin:applications_application_changelist")
    )
    assert list(response.context["cl"].result_list) == apps[::-1]


def test_the_not_decided_filter_lists_only_the_undecided(client_as, admin_user):
    apps = rf.bulk_round(factories.RoundFactory(), applications=4)
    response = client_as(admin_user).get(
        reverse("admin:applications_application_changelist"), {"decided": "none"}
    )
    assert set(response.context["cl"].result_list) == set(apps[1::2])


def test_a_weight_changed_in_the_admin_is_recomputed_in_the_background(
    client_as, admin_user, django_capture_on_commit_callbacks
):
    assignment = rf.AssignmentFactory()
    first, *_ = rf.rubric(assignment.application.round)
    rf.submit_review(assignment, [5, 1, 1, 1])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client_as(admin_user).post(
            reverse("admin:applications_criterion_change", args=[first.pk]),
            {
                "round": first.round_id,
                "key": first.key,
                "order": first.order,
                "name": first.name,
                "description": "",
                "weight": "3",
                "scale_min": "1",
                "scale_max": "5",
                "required": "on",
            },
        )
    assert response.status_code == 302
    assert len(queued) == 1
    assignment.review.refresh_from_db()
    # (5×3 + 1×1.5 + 1×1.5 + 1×1.5) / (3 + 1.5 + 1.5 + 1.5)
    assert str(assignment.review.weighted_total) == "2.600"
    round_ = Round.objects.get(pk=first.round_id)
    assert not round_.totals_recomputing
    assert round_.totals_computed_at is not None


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
