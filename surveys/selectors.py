"""Reads of surveys that views, services and tasks share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from applications.models import Award
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership, Organization, User

from . import rules
from .models import (
    Choice,
    Invitation,
    PendingResponse,
    Question,
    Response,
    Section,
    Survey,
    hash_token,
)


@dataclass(frozen=True)
class Recipient:
    email: str
    user: User | None
    organization: Organization | None
    mentorship: Mentorship | None


def _applicant_orgs(user_ids) -> dict[int, Organization]:
    orgs: dict[int, Organization] = {}
    for m in (
        Membership.objects.filter(
            user_id__in=user_ids, organization__kind=Organization.Kind.APPLICANT
        )
        .select_related("organization")
        .order_by("created_at", "id")
    ):
        orgs.setdefault(m.user_id, m.organization)
    return orgs


def survey_recipients(survey: Survey) -> list[Recipient]:
    """Everyone the survey's audience names, once each, by e-mail address."""
    found: dict[str, Recipient] = {}
    Audience = Survey.Audience
    if survey.audience in (Audience.ROUND, Audience.COHORT):
        members = CohortMember.objects.filter(
            active=True, user__isnull=False, award__status__in=Award.ACTIVE
        ).select_related(
            "user", "award__application__organization", "award__mentorship"
        )
        if survey.audience == Audience.ROUND:
            members = members.filter(award__mentorship__round_id=survey.round_id)
        else:
            members = members.filter(award__mentorship_id=survey.audience_mentorship_id)
        for m in members.order_by("id"):
            email = m.user.email.lower()
            found.setdefault(
                email,
                Recipient(
                    email, m.user, m.award.application.organization, m.award.mentorship
                ),
            )
    elif survey.audience == Audience.AFFINITY_GROUP:
        from affinity.models import GroupMember

        users = [
            gm.user
            for gm in GroupMember.objects.filter(
                group_id=survey.audience_group_id,
                status=GroupMember.Status.ADMITTED,
            )
            .select_related("user")
            .order_by("id")
        ]
        orgs = _applicant_orgs([u.pk for u in users])
        for user in users:
            found.setdefault(
                user.email.lower(), Recipient(user.email, user, orgs.get(user.pk), None)
            )
    else:
        emails = list(audience_email_list(survey.audience_emails))
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
        orgs = _applicant_orgs([u.pk for u in users.values()])
        for email in emails:
            user = users.get(email)
            found.setdefault(
                email,
                Recipient(email, user, orgs.get(user.pk) if user else None, None),
            )
    return list(found.values())


def audience_email_list(text: str):
    seen = set()
    for line in (text or "").replace(",", "\n").splitlines():
        email = line.strip().lower()
        if email and email not in seen:
            seen.add(email)
            yield email


def survey_structure(survey: Survey) -> list[Section]:
    """Sections with their questions and choices, in order (three queries)."""
    return list(
        Section.objects.filter(survey=survey)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "id").prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
                ),
            )
        )
    )


def question_spec(question: Question) -> rules.QuestionSpec:
    return rules.QuestionSpec(
        id=question.pk,
        kind=question.kind,
        required=question.required,
        choices=tuple(c.value for c in question.choices.all()),
        min_value=question.min_value,
        max_value=question.max_value,
    )


def survey_specs(sections: list[Section]) -> list[rules.QuestionSpec]:
    return [question_spec(q) for s in sections for q in s.questions.all()]


def survey_is_locked(survey: Survey) -> bool:
    """A survey with any response, released or waiting, keeps its questions."""
    return (
        Response.objects.filter(survey=survey).exists()
        or PendingResponse.objects.filter(survey=survey).exists()
    )


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("survey")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_for_user(user, survey_pk: int) -> Invitation | None:
    return (
        Invitation.objects.select_related("survey")
        .filter(user=user, survey_id=survey_pk)
        .first()
    )


def my_invitations(user):
    return (
        Invitation.objects.filter(user=user)
        .exclude(survey__status=Survey.Status.DRAFT)
        .select_related("survey")
        .order_by("completed_on", "-survey__closes_at")
    )


def staff_survey_list():
    """Every survey with its invitation, completion and response counts."""
    return (
        Survey.objects.select_related("round", "audience_mentorship", "audience_group")
        .annotate(
            invited=Count("invitations", distinct=True),
            completed=Count(
                "invitations",
                filter=Q(invitations__completed_on__isnull=False),
                distinct=True,
            ),
            has_responses=Exists(Response.objects.filter(survey=OuterRef("pk"))),
        )
        .order_by("-opens_at", "-id")
    )


def capacity_baselines(survey: Survey):
    """Earlier non-anonymous capacity assessments this one can be compared with."""
    return (
        Survey.objects.filter(kind=Survey.Kind.CAPACITY, anonymous=False)
        .exclude(pk=survey.pk)
        .filter(opens_at__lt=survey.opens_at)
        .order_by("-opens_at")
    )
