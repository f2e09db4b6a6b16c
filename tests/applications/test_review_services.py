"""The review desk's services: assignment, conflicts, scoring, aggregates,
decisions and their release."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from applications import services as applicant_services
from applications.models import (
    Application,
    Conflict,
    Decision,
    ReviewAssignment,
)
from applications.review import rules, selectors, services
from dashmentor.models import AuditEvent, Membership
from notifications.models import Kind, Message
from tests import factories
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    r = factories.RoundFactory(reviews_per_application=3, reviewer_cap=25)
    rf.rubric(r)
    return r


@pytest.fixture
def staff():
    return factories.StaffFactory()


def reviewers(n):
    return [factories.ReviewerFactory() for _ in range(n)]


def active(application):
    return set(
        ReviewAssignment.objects.filter(
            application=application, status__in=services.ACTIVE
        ).values_list("reviewer_id", flat=True)
    )


# --------------------------------------------------------------------------
# Assignment


def test_auto_assignment_gives_k_reviewers_and_balances_load(round_, staff):
    """Ten applications, four reviewers, three each: 30 assignments, every
    reviewer has 7 or 8, and the applications move to "under review"."""
    revs = reviewers(4)
    apps = rf.SubmittedApplicationFactory.create_batch(10, round=round_)
    result = services.review_assign_auto(round=round_, by=staff)
    assert result.created == 30 and result.shortfalls == {}
    loads = services.reviewer_loads(round=round_, reviewers=[r.pk for r in revs])
    assert max(loads.values()) - min(loads.values()) <= 1
    for app in apps:
        app.refresh_from_db()
        assert len(active(app)) == 3
        assert app.status == Application.Status.UNDER_REVIEW
        assert app.reviews_assigned == 3


def test_auto_assignment_skips_ineligible_applications_and_fills_only_gaps(
    round_, staff
):
    reviewers(4)
    eligible = rf.SubmittedApplicationFactory(round=round_)
    ineligible = rf.SubmittedApplicationFactory(
        round=round_, eligibility=Application.Eligibility.INELIGIBLE
    )
    services.review_assign_auto(round=round_, by=staff)
    again = services.review_assign_auto(round=round_, by=staff)
    assert again.created == 0
    assert len(active(eligible)) == 3
    assert active(ineligible) == set()


def test_conflicted_reviewers_are_never_assigned(round_, staff):
    """Conflicts cover organizations, not only people: a declared conflict on
    the application or the applicant organization, a conflict with a partner
    organization, membership of the applicant or of a partner."""
    app = rf.SubmittedApplicationFactory(round=round_)
    partner_org = factories.OrganizationFactory(kind="partner")
    factories.PartnerFactory(application=app, organization=partner_org)
    on_app, on_org, on_partner, member, partner_member, free1, free2, free3 = reviewers(
        8
    )
    Conflict.objects.create(reviewer=on_app, application=app, kind="other")
    Conflict.objects.create(
        reviewer=on_org, organization=app.organization, kind="funder"
    )
    Conflict.objects.create(
        reviewer=on_partner, organization=partner_org, kind="colleague"
    )
    Membership.objects.create(user=member, organization=app.organization)
    Membership.objects.create(user=partner_member, organization=partner_org)
    services.review_assign_auto(round=round_, by=staff)
    assert active(app) == {free1.pk, free2.pk, free3.pk}


def test_shortfall_when_conflicts_leave_too_few_reviewers(round_, staff):
    app = rf.SubmittedApplicationFactory(round=round_)
    a, b = reviewers(2)
    Conflict.objects.create(reviewer=a, application=app, kind="other")
    result = services.review_assign_auto(round=round_, by=staff)
    assert result.shortfalls == {app.pk: 2}
    assert active(app) == {b.pk}


def test_the_cap_per_reviewer_holds(round_, staff):
    round_.reviewer_cap = 2
    round_.save()
    revs = reviewers(3)
    rf.SubmittedApplicationFactory.create_batch(4, round=round_)
    result = services.review_assign_auto(round=round_, by=staff)
    loads = services.reviewer_loads(round=round_, reviewers=[r.pk for r in revs])
    assert max(loads.values()) == 2
    assert sum(result.shortfalls.values()) == 4 * 3 - 6


def test_assigning_by_hand_refuses_a_conflicted_reviewer(round_, staff):
    app = rf.SubmittedApplicationFactory(round=round_)
    rev = factories.ReviewerFactory(full_name="Con Flicted")
    Conflict.objects.create(
        reviewer=rev, organization=app.organization, kind="same_org"
    )
    with pytest.raises(ValidationError) as exc:
        services.review_assign(application=app, reviewer=rev, by=staff)
    assert exc.value.message_dict["reviewer"] == [
        services.CONFLICTED.format(name="Con Flicted")
    ]
    assert not ReviewAssignment.objects.exists()


def test_declaring_a_conflict_reassigns_to_the_least_loaded_reviewer(
    round_, staff, django_capture_on_commit_callbacks
):
    first, busy, idle = reviewers(3)
    app = rf.SubmittedApplicationFactory(round=round_)
    other = rf.SubmittedApplicationFactory(round=round_)
    assignment = ReviewAssignment.objects.create(application=app, reviewer=first)
    ReviewAssignment.objects.create(application=other, reviewer=busy)
    with django_capture_on_commit_callbacks(execute=True):
        conflict, replacement = services.conflict_declare(
            assignment=assignment,
            kind="colleague",
            note="I used to work there.",
            by=first,
        )
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.CONFLICT
    assert conflict.reviewer == first and conflict.application == app
    assert replacement.reviewer == idle
    assert active(app) == {idle.pk}
    assert Message.objects.filter(kind=Kind.REVIEW_ASSIGNMENT, recipient=idle).exists()
    # The conflict is remembered: auto-assignment never gives it back.
    services.review_assign_auto(round=round_, by=staff)
    assert first.pk not in active(app)


# --------------------------------------------------------------------------
# Scoring


@pytest.fixture
def assignment(round_):
    return rf.AssignmentFactory(application__round=round_)


def test_a_score_out_of_the_scale_is_refused_and_nothing_is_saved(assignment):
    criterion = assignment.application.round.criteria.first()
    with pytest.raises(ValidationError) as exc:
        services.review_save(
            assignment=assignment,
            scores={criterion.pk: services.ScoreInput(9)},
            overall_comment="",
            by=assignment.reviewer,
        )
    assert exc.value.message_dict[services.score_field(criterion.pk)] == [
        rules.SCORE_OUT_OF_SCALE.format(low=1, high=5)
    ]
    assert not hasattr(ReviewAssignment.objects.get(pk=assignment.pk), "review_x")
    assert assignment.application.round.criteria.first().scores.count() == 0


def test_a_draft_saves_half_a_review_but_submission_needs_every_score(assignment):
    criteria = list(assignment.application.round.criteria.all())
    review = services.review_save(
        assignment=assignment,
        scores={criteria[0].pk: services.ScoreInput(4, "Clear answers.")},
        overall_comment="Half done",
        by=assignment.reviewer,
    )
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.IN_PROGRESS
    assert review.scores.get().comment == "Clear answers."
    with pytest.raises(ValidationError) as exc:
        services.review_save(
            assignment=assignment,
            scores={criteria[0].pk: services.ScoreInput(4)},
            overall_comment="",
            by=assignment.reviewer,
            submit=True,
        )
    missing = {services.score_field(c.pk) for c in criteria[1:]}
    assert set(exc.value.message_dict) == missing
    assert all(m == [rules.SCORE_REQUIRED] for m in exc.value.message_dict.values())
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.IN_PROGRESS


def test_submission_computes_the_total_and_the_applications_figures(assignment):
    rf.submit_review(assignment, [4, 4, 4, 4])
    app = Application.objects.get(pk=assignment.application_id)
    assert app.reviews_done == 1
    assert app.score_mean == Decimal("4.000")
    assert app.score_normalized is not None


def test_a_changed_score_after_submission_is_audited_with_before_and_after(
    assignment,
):
    rf.submit_review(assignment, [4, 4, 4, 4])
    rf.submit_review(assignment, [2, 4, 4, 4])
    event = AuditEvent.objects.filter(action="review.scores_changed").get()
    assert event.actor == assignment.reviewer
    assert event.before["Responsiveness to all application questions"] == 4
    assert event.after["Responsiveness to all application questions"] == 2


def test_scores_are_locked_once_decided(assignment, staff):
    rf.submit_review(assignment, [4, 4, 4, 4])
    services.decision_record(
        application=assignment.application, outcome="accept", by=staff, seen_version=0
    )
    with pytest.raises(ValidationError) as exc:
        rf.submit_review(assignment, [1, 1, 1, 1])
    assert exc.value.messages == [services.REVIEW_LOCKED]


def test_one_submission_renormalizes_the_whole_round(round_):
    """Normalization is per reviewer across the round: another reviewer's new
    review moves the normalized score of an application it never read."""
    rev, rev2 = reviewers(2)
    a1 = rf.AssignmentFactory(application__round=round_, reviewer=rev)
    a2 = rf.AssignmentFactory(application__round=round_, reviewer=rev)
    b1 = rf.AssignmentFactory(application__round=round_, reviewer=rev2)
    b2 = rf.AssignmentFactory(application__round=round_, reviewer=rev2)
    rf.submit_review(a1, [3, 3, 3, 3])
    rf.submit_review(a2, [5, 5, 5, 5])
    rf.submit_review(b1, [1, 1, 1, 1])
    before = Application.objects.get(pk=a1.application_id).score_normalized
    rf.submit_review(b2, [5, 5, 5, 5])
    after = Application.objects.get(pk=a1.application_id).score_normalized
    assert before != after
    assert Application.objects.get(pk=b2.application_id).reviews_done == 1


def test_the_harsh_reviewer_is_corrected_in_the_stored_ranking(round_):
    """A harsh reviewer gives 1, 2, 3 to its three applications, a lenient one
    3, 4, 5 to three others: each one's best ranks alike, and the harsh
    reviewer's best ranks above the lenient reviewer's worst although both
    totals are 3."""
    harsh, lenient = reviewers(2)
    apps = rf.SubmittedApplicationFactory.create_batch(6, round=round_)
    for who, group, values in (
        (harsh, apps[:3], [1, 2, 3]),
        (lenient, apps[3:], [3, 4, 5]),
    ):
        for app, v in zip(group, values, strict=True):
            a = ReviewAssignment.objects.create(application=app, reviewer=who)
            rf.submit_review(a, [v] * 4)
    got = {a.pk: a for a in Application.objects.filter(round=round_)}
    harsh_best, lenient_worst, lenient_best = (
        got[apps[2].pk],
        got[apps[3].pk],
        got[apps[5].pk],
    )
    assert harsh_best.score_mean == lenient_worst.score_mean == Decimal("3.000")
    assert harsh_best.score_normalized == lenient_best.score_normalized
    assert harsh_best.score_normalized > lenient_worst.score_normalized


# --------------------------------------------------------------------------
# Eligibility overrides


def test_an_override_needs_a_justification_and_is_audited(staff):
    app = rf.SubmittedApplicationFactory(eligibility="ineligible")
    results = rf.eligibility_results(app, ["pass", "pass", "fail", "pass", "pass"])
    with pytest.raises(ValidationError) as exc:
        applicant_services.eligibility_override(
            result=results[2], outcome="pass", justification=" ", by=staff
        )
    assert exc.value.message_dict["justification"] == [
        applicant_services.JUSTIFICATION_REQUIRED
    ]
    applicant_services.eligibility_override(
        result=results[2],
        outcome="pass",
        justification="The partner letter arrived by e-mail.",
        by=staff,
    )
    app.refresh_from_db()
    assert app.eligibility == "eligible"
    event = AuditEvent.objects.get(action="eligibility.overridden")
    assert event.actor == staff
    assert event.before["outcome"] == "fail"
    assert event.after["eligibility"] == "eligible"
    # Clearing the override puts the screening back, on the record too.
    applicant_services.eligibility_override(
        result=results[2], outcome="", justification="", by=staff
    )
    app.refresh_from_db()
    assert app.eligibility == "ineligible"
    cleared = AuditEvent.objects.get(action="eligibility.override_cleared")
    assert cleared.before["override_outcome"] == "pass"


# --------------------------------------------------------------------------
# Decisions


def test_the_later_of_two_concurrent_decisions_sees_the_earlier(staff):
    """Both staff opened the page with no decision (version 0). The first
    save wins; the second is refused with the first's decision, not written."""
    other = factories.StaffFactory(full_name="Other Staff")
    app = rf.SubmittedApplicationFactory()
    services.decision_record(
        application=app, outcome="accept", by=other, seen_version=0
    )
    with pytest.raises(services.DecisionConflict) as exc:
        services.decision_record(
            application=app, outcome="decline", by=staff, seen_version=0
        )
    assert exc.value.decision.outcome == "accept"
    assert "Other Staff" in exc.value.messages[0]
    decision = Decision.objects.get(application=app)
    assert decision.outcome == "accept" and decision.version == 1
    # Having seen it, the second person can change it deliberately.
    services.decision_record(
        application=app, outcome="waitlist", by=staff, seen_version=1
    )
    decision.refresh_from_db()
    assert decision.outcome == "waitlist" and decision.version == 2
    events = AuditEvent.objects.filter(action="decision.record").order_by("pk")
    assert [e.after["outcome"] for e in events] == ["accept", "waitlist"]
    assert events[1].before["outcome"] == "accept"


def test_bulk_decisions_leave_rows_decided_meanwhile_unchanged(staff):
    a, b = rf.SubmittedApplicationFactory.create_batch(2)
    services.decision_record(application=b, outcome="accept", by=staff, seen_version=0)
    result = services.decision_record_bulk(
        seen={a.pk: 0, b.pk: 0}, outcome="decline", by=staff
    )
    assert [d.application_id for d in result.decided] == [a.pk]
    assert result.conflicts == [b]
    assert Decision.objects.get(application=b).outcome == "accept"


def _decided(outcome="accept", *, share=False, by):
    app = rf.SubmittedApplicationFactory()
    factories.ContactFactory(application=app, email="lead@example.org")
    services.decision_record(
        application=app, outcome=outcome, share_feedback=share, by=by, seen_version=0
    )
    return app


def test_release_emails_each_applicant_exactly_once(
    staff, django_capture_on_commit_callbacks
):
    """Release clicked twice sends one e-mail per application."""
    apps = [_decided(by=staff) for _ in range(3)]
    round_ = apps[0].round
    for app in apps[1:]:
        app.round = round_
        app.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decision_release(round=round_, by=staff) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decision_release(round=round_, by=staff) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(decisions=Decision.objects.all(), by=staff)
    assert len(mail.outbox) == 3
    assert Message.objects.filter(kind=Kind.DECISION).count() == 3
    assert mail.outbox[0].to == ["lead@example.org"]
    for app in apps:
        app.refresh_from_db()
        assert app.status == Application.Status.DECIDED
        assert app.decision.released_at is not None


def test_an_unreleased_decision_stays_internal(staff):
    app = _decided(by=staff)
    assert selectors.decision_for_applicant(app) is None
    assert not Message.objects.filter(kind=Kind.DECISION).exists()


def test_a_declined_applicant_gets_shareable_comments_unsigned(
    staff, django_capture_on_commit_callbacks
):
    round_ = factories.RoundFactory()
    rf.rubric(round_)
    app = rf.SubmittedApplicationFactory(round=round_)
    rev = factories.ReviewerFactory(full_name="Secret Reviewername")
    a = ReviewAssignment.objects.create(application=app, reviewer=rev)
    rf.submit_review(
        a,
        [2, 2, 2, 2],
        comments={"need": "Say more about what you tried.", "equity": "Private note"},
        shareable={"need"},
    )
    factories.ContactFactory(application=app, email="lead@example.org")
    services.decision_record(
        application=app,
        outcome="decline",
        share_feedback=True,
        by=staff,
        seen_version=0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(round=round_, by=staff)
    body = mail.outbox[0].body
    assert "Say more about what you tried." in body
    assert "Desire and need for focused guidance" in body
    assert "Private note" not in body
    assert "Secret" not in body
    released = selectors.decision_for_applicant(app)
    assert released.decision.outcome == "decline"
    assert [i.comments for i in released.feedback] == [
        ["Say more about what you tried."]
    ]


def test_an_accepted_applicant_gets_no_reviewer_comments(
    staff, django_capture_on_commit_callbacks
):
    round_ = factories.RoundFactory()
    rf.rubric(round_)
    app = rf.SubmittedApplicationFactory(round=round_)
    a = rf.AssignmentFactory(application=app)
    rf.submit_review(a, [5, 5, 5, 5], comments={"need": "Great"}, shareable={"need"})
    services.decision_record(
        application=app, outcome="accept", share_feedback=True, by=staff, seen_version=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(round=round_, by=staff)
    assert "Great" not in mail.outbox[0].body
    assert "accepted" in mail.outbox[0].body


def test_the_applicant_panel_shows_the_released_decision_and_feedback(
    staff, django_capture_on_commit_callbacks
):
    from django.template.loader import render_to_string

    round_ = factories.RoundFactory()
    rf.rubric(round_)
    app = rf.SubmittedApplicationFactory(round=round_)
    a = rf.AssignmentFactory(application=app)
    rf.submit_review(
        a, [2, 2, 2, 2], comments={"equity": "Involve residents."}, shareable={"equity"}
    )
    services.decision_record(
        application=app,
        outcome="waitlist",
        share_feedback=True,
        by=staff,
        seen_version=0,
    )
    html = render_to_string(
        "applications/review_decision_panel.html",
        {"applicant_decision": selectors.decision_for_applicant(app)},
    )
    assert html.strip() == ""
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(round=round_, by=staff)
    html = render_to_string(
        "applications/review_decision_panel.html",
        {"applicant_decision": selectors.decision_for_applicant(app)},
    )
    assert "Waitlisted" in html and "Involve residents." in html
    assert a.reviewer.full_name not in html
