"""The reviewer's desk and the staff review pages, through the paths people
take: boundaries, bad input, decisions, exports and fixed query counts."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Decision, ReviewAssignment, Round
from applications.review import rules, services, tasks
from dashmentor.models import AuditEvent
from tests import factories
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    r = factories.RoundFactory(blind_review=True)
    rf.rubric(r)
    return r


@pytest.fixture
def assignment(round_, reviewer_user):
    app = rf.SubmittedApplicationFactory(
        round=round_,
        organization__name="Riverbend Health Partners",
        collaboration_name="Riverbend Data Table",
        learning_goal="Riverbend Health Partners wants to link housing data.",
    )
    factories.ContactFactory(application=app, name="Casey Contact")
    return ReviewAssignment.objects.create(application=app, reviewer=reviewer_user)


def review_url(application_id):
    return reverse("applications:review-form", args=[application_id])


def score_post(round_, values, action="save", **extra):
    data = {"action": action, "overall_comment": "", **extra}
    for c, v in zip(round_.criteria.order_by("order", "pk"), values, strict=False):
        if v is not None:
            data[f"score_{c.pk}"] = str(v)
    return data


# --------------------------------------------------------------------------
# The reviewer's boundaries


def test_anonymous_visitors_are_sent_to_sign_in(client, assignment):
    for url in (
        reverse("applications:reviewer-queue"),
        review_url(assignment.application_id),
        reverse("applications:staff-review-list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_an_applicant_cannot_open_the_reviewer_desk(client_as, applicant_user):
    response = client_as(applicant_user).get(reverse("applications:reviewer-queue"))
    assert response.status_code == 403


def test_a_reviewer_gets_404_for_an_application_it_is_not_assigned(
    client_as, assignment
):
    other = rf.SubmittedApplicationFactory(round=assignment.application.round)
    client = client_as(assignment.reviewer)
    assert client.get(review_url(other.pk)).status_code == 404
    post = client.post(review_url(other.pk), {"action": "submit"})
    assert post.status_code == 404
    conflict = client.post(
        reverse("applications:review-conflict", args=[other.pk]),
        {"kind": "other", "note": "x"},
    )
    assert conflict.status_code == 404


def test_a_reviewer_cannot_reach_staff_pages(client_as, assignment):
    client = client_as(assignment.reviewer)
    round_ = assignment.application.round
    for url in (
        reverse("applications:staff-review-list"),
        reverse(
            "applications:staff-application-review", args=[assignment.application_id]
        ),
        reverse("applications:staff-ranked", args=[round_.slug]),
        reverse("applications:staff-round-review", args=[round_.slug]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(
        reverse("applications:staff-decide", args=[assignment.application_id]),
        {"outcome": "accept", "seen_version": 0},
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_queue_lists_only_the_reviewers_own_assignments(client_as, assignment):
    someone_else = rf.AssignmentFactory(application__round=assignment.application.round)
    response = client_as(assignment.reviewer).get(
        reverse("applications:reviewer-queue")
    )
    assert response.status_code == 200
    assignments = response.context["assignments"]
    assert [a.pk for a in assignments] == [assignment.pk]
    assert someone_else.pk not in [a.pk for a in assignments]
    assert response.context["progress"] == {"done": 0, "total": 1, "percent": 0}


def test_blind_review_hides_identifying_fields_from_external_reviewers(
    client_as, assignment
):
    reviewer = assignment.reviewer
    reviewer.is_external_reviewer = True
    reviewer.save()
    page = client_as(reviewer).get(review_url(assignment.application_id))
    html = page.content.decode()
    assert "Riverbend" not in html
    assert "Casey Contact" not in html
    assert str(rules.REDACTED) in html
    queue = client_as(reviewer).get(reverse("applications:reviewer-queue"))
    assert "Riverbend" not in queue.content.decode()


def test_staff_reviewers_see_the_full_application(client_as, assignment):
    html = client_as(assignment.reviewer).get(review_url(assignment.application_id))
    assert "Riverbend Health Partners" in html.content.decode()


def test_other_reviewers_scores_stay_hidden_until_the_reviewer_submits(
    client_as, assignment
):
    round_ = assignment.application.round
    peer = rf.AssignmentFactory(application=assignment.application)
    rf.submit_review(peer, [1, 1, 1, 1])
    client = client_as(assignment.reviewer)
    page = client.get(review_url(assignment.application_id))
    assert page.context["peers"] is None
    assert "Other reviewers" not in page.content.decode()
    client.post(
        review_url(assignment.application_id),
        score_post(round_, [4, 4, 4, 4], action="submit"),
    )
    page = client.get(review_url(assignment.application_id))
    assert [p.weighted_total for p in page.context["peers"]] == [1]


# --------------------------------------------------------------------------
# Scoring through the page


def test_save_come_back_and_submit(client_as, assignment):
    """A reviewer saves two scores, comes back to find them, then submits."""
    round_ = assignment.application.round
    client = client_as(assignment.reviewer)
    url = review_url(assignment.application_id)
    first = round_.criteria.order_by("order").first()
    response = client.post(
        url,
        score_post(
            round_,
            [4, 3],
            **{
                f"comment_{first.pk}": "Answers every question.",
                f"shareable_{first.pk}": "on",
            },
        ),
    )
    assert response.status_code == 302
    page = client.get(url)
    assert page.context["form"].initial[f"score_{first.pk}"] == 4
    assert "Answers every question." in page.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.IN_PROGRESS
    response = client.post(url, score_post(round_, [4, 3, 5, 2], action="submit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:reviewer-queue")
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    app = Application.objects.get(pk=assignment.application_id)
    assert app.reviews_done == 1


def test_a_score_out_of_the_scale_is_refused_next_to_the_criterion(
    client_as, assignment
):
    round_ = assignment.application.round
    response = client_as(assignment.reviewer).post(
        review_url(assignment.application_id),
        score_post(round_, [7, 3, 3, 3], action="submit"),
    )
    assert response.status_code == 200
    first = round_.criteria.order_by("order").first()
    assert response.context["form"].errors[f"score_{first.pk}"] == [
        rules.SCORE_OUT_OF_SCALE.format(low=1, high=5)
    ]
    assert rules.SCORE_OUT_OF_SCALE.format(low=1, high=5) in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ASSIGNED


def test_a_missing_required_score_is_refused_on_submit(client_as, assignment):
    round_ = assignment.application.round
    response = client_as(assignment.reviewer).post(
        review_url(assignment.application_id),
        score_post(round_, [3, None, 3, 3], action="submit"),
    )
    assert response.status_code == 200
    assert str(rules.SCORE_REQUIRED) in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ASSIGNED


def test_declaring_a_conflict_takes_the_application_off_the_queue(
    client_as, assignment
):
    replacement = factories.ReviewerFactory()
    client = client_as(assignment.reviewer)
    response = client.post(
        reverse("applications:review-conflict", args=[assignment.application_id]),
        {"kind": "colleague", "note": "I worked there until last year."},
    )
    assert response.status_code == 302
    assert client.get(review_url(assignment.application_id)).status_code == 404
    assert (
        ReviewAssignment.objects.get(
            application=assignment.application, status="assigned"
        ).reviewer
        == replacement
    )


# --------------------------------------------------------------------------
# Staff pages


def test_two_staff_deciding_at_once_the_later_sees_the_earlier(
    client_as, staff_user, assignment
):
    """Both pages were loaded before any decision; the second save is refused
    with the first decision on the page and nothing is overwritten."""
    other = factories.StaffFactory(full_name="Earlier Staff")
    app_id = assignment.application_id
    url = reverse("applications:staff-decide", args=[app_id])
    client_as(other).post(url, {"outcome": "accept", "seen_version": 0})
    response = client_as(staff_user).post(
        url, {"outcome": "decline", "seen_version": 0, "note": "Weak plan"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Earlier Staff" in html and "Accept" in html
    assert Decision.objects.get(application_id=app_id).outcome == "accept"
    # The form now carries the version it has shown: saving again is a choice.
    assert response.context["decision_form"]["seen_version"].value() == "1"


def test_staff_review_file_explains_the_rank(client_as, staff_user, assignment):
    rf.submit_review(assignment, [4, 4, 4, 4])
    response = client_as(staff_user).get(
        reverse(
            "applications:staff-application-review", args=[assignment.application_id]
        )
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "z-score" in html and "normalized =" in html
    assert "Riverbend Health Partners" in html


def test_bulk_decision_and_release_from_the_pages(
    client_as, staff_user, round_, django_capture_on_commit_callbacks
):
    from django.core import mail

    apps = rf.SubmittedApplicationFactory.create_batch(3, round=round_)
    client = client_as(staff_user)
    response = client.post(
        reverse("applications:staff-bulk-decision"),
        {
            "outcome": "waitlist",
            "note": "Strong but late",
            "pick": [f"{a.pk}:0" for a in apps[:2]],
        },
    )
    assert response.status_code == 302
    assert Decision.objects.filter(outcome="waitlist").count() == 2
    release = reverse("applications:staff-release", args=[round_.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(release)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(release)
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="decision.release").count() == 2


def test_auto_assign_from_the_review_desk(client_as, staff_user, round_):
    rf.SubmittedApplicationFactory.create_batch(2, round=round_)
    [factories.ReviewerFactory() for _ in range(3)]
    response = client_as(staff_user).post(
        reverse("applications:staff-auto-assign", args=[round_.slug])
    )
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(application__round=round_).count() == 6


def test_the_list_filters_sorts_and_exports_what_it_shows(client_as, staff_user):
    round_ = factories.RoundFactory()
    rf.bulk_round(round_, applications=12)
    Application.objects.filter(round=round_).update(state="CA")
    Application.objects.filter(
        round=round_,
        pk__in=Application.objects.filter(round=round_).order_by("pk").values("pk")[:3],
    ).update(state="TX")
    client = client_as(staff_user)
    url = reverse("applications:staff-review-list")
    response = client.get(url, {"round": round_.pk, "state": "TX", "sort": "mean"})
    rows = response.context["rows"]
    assert len(rows) == 3 and all(a.state == "TX" for a in rows)
    means = [a.score_mean for a in rows]
    assert means == sorted(means, reverse=True)
    export = client.get(
        url, {"round": round_.pk, "state": "TX", "sort": "mean", "export": "csv"}
    )
    text = b"".join(export.streaming_content).decode()
    # The first line names the language.
    lines = list(csv.reader(io.StringIO(text)))[1:]
    assert lines[0][1] == "Organization"
    assert [line[1] for line in lines[1:]] == [a.organization.name for a in rows]
    undecided = client.get(url, {"round": round_.pk, "decision": "none"})
    assert all(
        not Decision.objects.filter(application=a).exists()
        for a in undecided.context["rows"]
    )


def test_csv_cells_cannot_run_as_formulas(client_as, staff_user):
    app = rf.SubmittedApplicationFactory(organization__name="=HYPERLINK(1)")
    response = client_as(staff_user).get(
        reverse("applications:staff-review-list"),
        {"round": app.round_id, "export": "csv"},
    )
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize(
    "name,params",
    [
        ("staff-review-list", {"sort": "normalized"}),
        (
            "staff-review-list",
            {"eligibility": "eligible", "sector": "housing", "sort": "-mean"},
        ),
        ("staff-ranked", {}),
    ],
)
def test_lists_run_the_same_queries_at_10_and_500_applications(
    client_as, staff_user, name, params
):
    """Three reviews each; the list (plain and filtered) and the ranked view
    cost no more queries for 500 applications than for 10, and at most 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = factories.RoundFactory(), factories.RoundFactory()
    rf.bulk_round(small, applications=10)
    rf.bulk_round(large, applications=500)
    client = client_as(staff_user)
    # A user's roles are read once, then kept (dashmentor/roles.py): count pages
    # as a running server serves them, not the first one after sign-in.
    client.get(reverse("home"))
    counts = []
    for r in (small, large):
        if name == "staff-ranked":
            url = reverse("applications:" + name, args=[r.slug])
            data = params
        else:
            url = reverse("applications:" + name)
            data = {"round": r.pk, **params}
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, data)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def _rubric_post(round_, weights):
    criteria = list(round_.criteria.order_by("order", "pk"))
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, (c, weight) in enumerate(zip(criteria, weights, strict=True)):
        data.update(
            {
                f"criteria-{i}-id": str(c.pk),
                f"criteria-{i}-round": str(round_.pk),
                f"criteria-{i}-order": str(c.order),
                f"criteria-{i}-key": c.key,
                f"criteria-{i}-name": c.name,
                f"criteria-{i}-description": "",
                f"criteria-{i}-weight": weight,
                f"criteria-{i}-scale_min": "1",
                f"criteria-{i}-scale_max": "5",
                f"criteria-{i}-required": "on",
            }
        )
    return data


RECOMPUTING = "being recomputed"


def test_the_rubric_page_saves_weights_and_rescores_in_the_background(
    client_as, staff_user, assignment, django_capture_on_commit_callbacks
):
    """Saving new weights answers at once; the totals and ranks follow in a
    task, and until it has run every staff page of the round says so."""
    round_: Round = assignment.application.round
    rf.submit_review(assignment, [5, 1, 1, 1])
    assignment.review.refresh_from_db()
    before = assignment.review.weighted_total
    client = client_as(staff_user)
    url = reverse("applications:staff-rubric", args=[round_.slug])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, _rubric_post(round_, ["3", "1", "1", "1"]))
    assert response.status_code == 302, response.context["formset"].errors
    assert len(queued) == 1
    assignment.review.refresh_from_db()
    assert assignment.review.weighted_total == before
    for page in (
        url,
        reverse("applications:staff-ranked", args=[round_.slug]),
        reverse("applications:staff-review-list") + f"?round={round_.pk}",
        reverse("applications:staff-round-review", args=[round_.slug]),
    ):
        assert RECOMPUTING in client.get(page).content.decode(), page

    queued[0]()  # the worker runs the task

    assignment.review.refresh_from_db()
    # (5×3 + 1 + 1 + 1) / 6
    assert str(assignment.review.weighted_total) == "3.000"
    application = Application.objects.get(pk=assignment.application_id)
    assert application.score_mean == assignment.review.weighted_total
    page = client.get(url).content.decode()
    assert RECOMPUTING not in page
    assert "last recomputed" in page
    assert AuditEvent.objects.filter(action="review.rescored").count() == 1


def test_a_recompute_lost_with_its_task_is_queued_again_by_the_sweep(
    client_as, staff_user, assignment, django_capture_on_commit_callbacks
):
    """The broker was down when the rubric changed: the task never ran. Beat's
    sweep queues it again once the mark is old, and the round's pages clear."""
    round_: Round = assignment.application.round
    rf.submit_review(assignment, [5, 1, 1, 1])
    client = client_as(staff_user)
    url = reverse("applications:staff-rubric", args=[round_.slug])
    with django_capture_on_commit_callbacks() as queued:
        client.post(url, _rubric_post(round_, ["3", "1", "1", "1"]))
    assert len(queued) == 1  # ...and lost: never run

    # A fresh mark is left to the task that may still be running.
    assert tasks.rounds_rescore_sweep_task() == 0
    assert RECOMPUTING in client.get(url).content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert tasks.rounds_rescore_sweep_task() == 1  # runs in process in tests

    assignment.review.refresh_from_db()
    assert str(assignment.review.weighted_total) == "3.000"
    assert RECOMPUTING not in client.get(url).content.decode()
    assert tasks.rounds_rescore_sweep_task() == 0


def test_saving_an_unchanged_rubric_queues_no_recompute(
    client_as, staff_user, assignment, django_capture_on_commit_callbacks
):
    round_: Round = assignment.application.round
    weights = [str(c.weight) for c in round_.criteria.order_by("order", "pk")]
    with django_capture_on_commit_callbacks() as queued:
        response = client_as(staff_user).post(
            reverse("applications:staff-rubric", args=[round_.slug]),
            _rubric_post(round_, weights),
        )
    assert response.status_code == 302
    assert queued == []
    round_.refresh_from_db()
    assert not round_.totals_recomputing


def test_a_new_threshold_flags_disagreements_in_the_background(
    client_as, staff_user, round_, django_capture_on_commit_callbacks
):
    """The review settings' threshold sets each application's disagreement
    flag; the desk saves it at once and the flags follow in the task."""
    split, agreed = rf.SubmittedApplicationFactory.create_batch(2, round=round_)
    reviewers = [factories.ReviewerFactory() for _ in range(2)]
    for application, scores in ((split, (5, 4)), (agreed, (3, 3))):
        for reviewer, value in zip(reviewers, scores, strict=True):
            rf.submit_review(
                ReviewAssignment.objects.create(
                    application=application, reviewer=reviewer
                ),
                [value] * 4,
            )
    assert not Application.objects.filter(round=round_, disagreement=True).exists()
    client = client_as(staff_user)
    url = reverse("applications:staff-round-review", args=[round_.slug])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(
            url,
            {
                "reviews_per_application": round_.reviews_per_application,
                "reviewer_cap": round_.reviewer_cap,
                "disagreement_threshold": "0.50",
                "blind_fields": round_.blind_fields,
            },
        )
    assert response.status_code == 302
    assert len(queued) == 1
    flagged = Application.objects.filter(round=round_, disagreement=True)
    assert list(flagged) == [split]
    assert RECOMPUTING not in client.get(url).content.decode()


def test_every_staff_page_renders_for_staff(client_as, staff_user, assignment):
    """The review desk's staff pages open, with the round's figures."""
    rf.submit_review(assignment, [3, 4, 5, 4])
    round_ = assignment.application.round
    client = client_as(staff_user)
    for url in (
        reverse("applications:staff-review-list"),
        reverse("applications:staff-round-review", args=[round_.slug]),
        reverse("applications:staff-ranked", args=[round_.slug]),
        reverse("applications:staff-rubric", args=[round_.slug]),
        reverse(
            "applications:staff-application-review", args=[assignment.application_id]
        ),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_ranked_view_ranks_within_each_first_choice(client_as, staff_user):
    """Each mentorship lists its first-choice applicants best first, the top
    50 by default, and one group in full on demand."""
    round_ = factories.RoundFactory()
    rf.bulk_round(round_, applications=180, decided=False)
    client = client_as(staff_user)
    url = reverse("applications:staff-ranked", args=[round_.slug])
    groups = client.get(url).context["groups"]
    assert [len(g.rows) for g in groups] == [50, 50, 50]
    assert [g.total for g in groups] == [60, 60, 60]
    for g in groups:
        scores = [a.score_normalized for a in g.rows]
        assert scores == sorted(scores, reverse=True)
        assert [a.rank for a in g.rows] == list(range(1, 51))
        assert all(a.first_preference_id == g.mentorship.pk for a in g.rows)
    one = client.get(url, {"mentorship": groups[1].mentorship.pk}).context["groups"]
    assert len(one) == 1 and len(one[0].rows) == 60


def test_the_ranked_view_puts_the_unscored_last_and_leaves_out_the_ineligible(
    client_as, staff_user
):
    """An application without scores ranks below every scored one of its
    mentorship; an ineligible one is not ranked; one without a first choice
    is ranked in its own group."""
    round_ = factories.RoundFactory()
    apps = rf.bulk_round(round_, applications=9, decided=False)
    unscored, ineligible, no_choice = apps[0], apps[3], apps[1]
    Application.objects.filter(pk=unscored.pk).update(
        score_normalized=None, score_mean=None
    )
    Application.objects.filter(pk=ineligible.pk).update(
        eligibility=Application.Eligibility.INELIGIBLE
    )
    Application.objects.filter(pk=no_choice.pk).update(first_preference=None)
    groups = {
        g.key: g
        for g in client_as(staff_user)
        .get(reverse("applications:staff-ranked", args=[round_.slug]))
        .context["groups"]
    }
    first = groups[unscored.first_preference_id]
    assert [a.pk for a in first.rows] == [apps[6].pk, unscored.pk]
    assert [a.rank for a in first.rows] == [1, 2]
    assert first.total == 2
    assert [a.pk for a in groups["none"].rows] == [no_choice.pk]
    assert groups["none"].total == 1


def test_the_list_shows_unscored_applications_after_the_scored(client_as, staff_user):
    round_ = factories.RoundFactory()
    apps = rf.bulk_round(round_, applications=4, decided=False)
    Application.objects.filter(pk=apps[0].pk).update(score_normalized=None)
    rows = (
        client_as(staff_user)
        .get(reverse("applications:staff-review-list"), {"round": round_.pk})
        .context["rows"]
    )
    assert rows[-1].pk == apps[0].pk
    scores = [a.score_normalized for a in rows[:-1]]
    assert scores == sorted(scores, reverse=True)


def test_the_ranked_view_shows_what_changed_since_it_was_last_seen(
    client_as, staff_user
):
    """The ranked tables are kept rendered between views, but a decision or
    a renamed organization shows on the next view."""
    round_ = factories.RoundFactory()
    apps = rf.bulk_round(round_, applications=6, decided=False)
    client = client_as(staff_user)
    url = reverse("applications:staff-ranked", args=[round_.slug])
    before = client.get(url).content.decode()
    assert "Waitlist" not in before
    services.decision_record(
        application=apps[0], outcome="waitlist", by=staff_user, seen_version=0
    )
    apps[1].organization.name = "Renamed Riverbend Alliance"
    apps[1].organization.save()
    after = client.get(url).content.decode()
    assert "Waitlist" in after
    assert "Renamed Riverbend Alliance" in after
