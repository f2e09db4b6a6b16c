"""Reads the applicant pages share, with their joins done once."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from . import rules
from .models import Application, Preference, Round
from .outreach import selectors as outreach_selectors


def application_list_for_applicant(*, user):
    """The user's organizations' applications, newest round first."""
    return (
        Application.objects.filter(organization__memberships__user=user)
        .select_related("round", "organization", "decision")
        .order_by("-round__closes_at")
    )


def round_list_open(*, now):
    """The rounds accepting applications at ``now``, closing soonest first."""
    return Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by(
        "closes_at"
    )


def application_full_queryset():
    """Applications with every section loaded: a fixed number of queries."""
    return Application.objects.select_related(
        "round", "organization", "created_by", "decision", "first_preference"
    ).prefetch_related(
        "contacts",
        "partners",
        "answers",
        "round__questions",
        Prefetch(
            "preferences",
            queryset=Preference.objects.select_related(
                "mentorship__mentor_organization"
            ).order_by("rank"),
        ),
        "eligibility_results__overridden_by",
    )


def application_sections(*, application) -> list[rules.Section]:
    """Each section of the form with what is missing (uses the prefetches)."""
    from .services import draft_input

    return rules.completeness(draft_input(application))


def applicant_status(application) -> tuple[str, str]:
    """The status an applicant sees, as (code, label).

    A decision is shown only once it has been released; until then a decided
    application reads as under review.
    """
    status = application.status
    if status == Application.Status.DECIDED:
        decision = getattr(application, "decision", None)
        if decision is None or decision.released_at is None:
            return "under_review", "Under review"
        return "decided", f"Decision: {decision.get_outcome_display()}"
    return status, application.get_status_display()


# --- the home pages' cards (dashmentor.registry) ---


def open_rounds_card(request) -> dict:
    """The public home's rounds open for applications, with their mentorships."""
    now = timezone.now()
    rounds = (
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now)
        .prefetch_related("mentorships__mentor_organization")
        .order_by("closes_at")
    )
    return {"open_rounds": rounds, "now": now}


def round_funnel_card(request) -> dict:
    """The program office's start: each round's funnel at a glance."""
    rounds = Round.objects.annotate(
        drafts=Count("applications", filter=Q(applications__status="draft")),
        submitted=Count(
            "applications", filter=~Q(applications__status__in=["draft", "withdrawn"])
        ),
        eligible=Count(
            "applications",
            filter=Q(applications__eligibility=Application.Eligibility.ELIGIBLE),
        ),
        scored=Count("applications", filter=Q(applications__reviews_done__gt=0)),
        accepted=Count(
            "applications", filter=Q(applications__decision__outcome="accept")
        ),
    ).order_by("-closes_at")
    # Each round's webinar registrants and how many of them applied.
    return {"rounds": outreach_selectors.webinar_funnel_set(rounds)}
