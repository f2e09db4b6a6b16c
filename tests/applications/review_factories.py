"""Factories and builders for the review desk's tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from applications.models import (
    Application,
    Criterion,
    Decision,
    EligibilityResult,
    Review,
    ReviewAssignment,
    Score,
)
from applications.review import services
from dashmentor.models import Organization, User
from tests import factories

RUBRIC = [
    ("responsiveness", "Responsiveness to all application questions", "1.0"),
    ("need", "Desire and need for focused guidance", "1.5"),
    ("stakeholders", "Engaging stakeholders across sectors", "1.5"),
    ("equity", "Equity and lived experience", "1.5"),
]


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(factories.RoundFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1.00")


def rubric(round_) -> list[Criterion]:
    """The round's rubric: four criteria on a 1–5 scale, weights 1 and 1.5."""
    return [
        CriterionFactory(round=round_, key=key, name=name, order=i, weight=Decimal(w))
        for i, (key, name, w) in enumerate(RUBRIC, start=1)
    ]


class SubmittedApplicationFactory(factories.ApplicationFactory):
    """A submitted application that passed eligibility screening."""

    status = Application.Status.SUBMITTED
    eligibility = Application.Eligibility.ELIGIBLE
    submitted_at = factory.LazyFunction(timezone.now)
    first_submitted_at = factory.LazyAttribute(lambda o: o.submitted_at)
    sectors_index = ",housing,education,"
    state = "OH"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(SubmittedApplicationFactory)
    reviewer = factory.SubFactory(factories.ReviewerFactory)


def eligibility_results(application, outcomes=("pass",) * 5):
    return [
        EligibilityResult.objects.create(
            application=application,
            criterion=i,
            outcome=outcome,
            reason_text=f"Criterion {i} screened.",
        )
        for i, outcome in enumerate(outcomes, start=1)
    ]


def submit_review(assignment, values, *, comments=None, shareable=(), by=None):
    """Score an assignment through the service, one value per criterion."""
    criteria = list(
        Criterion.objects.filter(round=assignment.application.round).order_by(
            "order", "pk"
        )
    )
    comments = comments or {}
    scores = {
        c.pk: services.ScoreInput(
            value=v,
            comment=comments.get(c.key, ""),
            shareable=c.key in shareable,
        )
        for c, v in zip(criteria, values, strict=False)
    }
    return services.review_save(
        assignment=assignment,
        scores=scores,
        overall_comment="",
        by=by or assignment.reviewer,
        submit=True,
    )


def bulk_round(round_, *, applications: int, reviewers: int = 3, decided=True):
    """Build a scored round fast, with bulk inserts: each application has
    ``reviewers`` submitted reviews, and every other one a decision."""
    criteria = rubric(round_)
    mentorships = [
        factories.MentorshipFactory(round=round_, slug=f"m-{round_.pk}-{i}")
        for i in range(3)
    ]
    creator = factories.UserFactory()
    revs = [factories.ReviewerFactory() for _ in range(reviewers)]
    orgs = Organization.objects.bulk_create(
        [
            Organization(name=f"Org {round_.pk}-{i}", kind="applicant")
            for i in range(applications)
        ]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                round=round_,
                organization=org,
                created_by=creator,
                status=Application.Status.UNDER_REVIEW,
                eligibility=Application.Eligibility.ELIGIBLE,
                sectors_index=",housing,",
                state="OH",
                first_preference=mentorships[i % 3],
                submitted_at=timezone.now(),
            )
            for i, org in enumerate(orgs)
        ]
    )
    assignments = ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                application=app,
                reviewer=rev,
                status=ReviewAssignment.Status.SUBMITTED,
            )
            for app in apps
            for rev in revs
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(
                assignment=a,
                weighted_total=Decimal(1 + (a.application_id * 7 + j) % 5),
                submitted_at=timezone.now(),
            )
            for j, a in enumerate(assignments)
        ]
    )
    Score.objects.bulk_create(
        [Score(review=r, criterion=c, value=3) for r in reviews for c in criteria]
    )
    staff = User.objects.filter(is_staff=True).first()
    if decided:
        Decision.objects.bulk_create(
            [
                Decision(application=app, outcome="accept", decided_by=staff)
                for app in apps[::2]
            ]
        )
    services.round_recompute(round=round_)
    return apps
