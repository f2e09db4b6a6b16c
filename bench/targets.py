"""The pages the benchmark measures, resolved against the seeded database.

Each entry is (label, path, role); a page whose URL does not resolve yet is
left out with a note on stderr rather than guessed.
"""

import sys

from django.urls import NoReverseMatch, reverse

from applications.models import Application, Round
from surveys.models import Survey

# The section of the application form measured: the one with the most to load
# (every mentorship of the round to rank).
FORM_SECTION = "preferences"


def _try(label, role, name, *args, query=""):
    try:
        return (label, reverse(name, args=args) + query, role)
    except NoReverseMatch:
        print(f"not measured: {label} ({name} does not resolve)", file=sys.stderr)
        return None


def targets() -> list[tuple[str, str, str | None]]:
    from affinity.models import Cycle

    round_ = (
        Round.objects.filter(slug__startswith="bench-").order_by("-closes_at").first()
    )
    mine = Application.objects.filter(
        created_by__email="bench-applicant1@dash.test"
    ).order_by("-round__closes_at")
    draft = mine.filter(status=Application.Status.DRAFT).first()
    submitted = mine.exclude(status=Application.Status.DRAFT).first()
    # The newest round whose applications are all in: the one staff review.
    reviewed = (
        Round.objects.filter(slug__startswith="bench-")
        .exclude(pk=round_.pk)
        .order_by("-closes_at")
        .first()
    )
    survey = Survey.objects.filter(round=reviewed).first()
    cycle = Cycle.objects.filter(name="Bench cycle").first()
    found = [
        _try("floor", None, "health-live"),
        _try("public home", None, "public-home"),
        _try(
            "application form",
            "applicant",
            "applications:application-section",
            draft.pk,
            FORM_SECTION,
        ),
        _try(
            "applicant status page",
            "applicant",
            "applications:application-detail",
            submitted.pk,
        ),
        _try(
            "staff review list",
            "staff",
            "applications:staff-review-list",
            query=f"?round={reviewed.pk}",
        ),
        _try(
            "staff review list, filtered",
            "staff",
            "applications:staff-review-list",
            query=f"?round={reviewed.pk}&eligibility=eligible&sector=housing"
            "&sort=normalized",
        ),
        _try("ranked view", "staff", "applications:staff-ranked", reviewed.slug),
        _try(
            "admin application changelist",
            "staff",
            "admin:applications_application_changelist",
        ),
        _try("mentor cohort dashboard", "mentor", "cohorts:mentor-home"),
        _try("program dashboard", "staff", "cohorts:program-dashboard"),
        _try("survey report", "staff", "surveys:survey-report", survey.pk),
        _try(
            "affinity attendance report",
            "staff",
            "affinity:report",
            query=f"?cycle={cycle.pk}" if cycle else "",
        ),
    ]
    return [t for t in found if t]
