"""The pages the benchmark measures, resolved against the seeded database.

Each entry is (label, path, role); a page whose URL does not resolve yet is
left out with a note on stderr rather than guessed.
"""

import sys

from django.urls import NoReverseMatch, reverse

from applications.models import Application, Round
from cohorts.models import Mentorship
from surveys.models import Survey


def _try(label, role, name, *args, query=""):
    try:
        return (label, reverse(name, args=args) + query, role)
    except NoReverseMatch:
        print(f"not measured: {label} ({name} does not resolve)", file=sys.stderr)
        return None


def targets() -> list[tuple[str, str, str | None]]:
    round_ = (
        Round.objects.filter(slug__startswith="bench-").order_by("-closes_at").first()
    )
    app = (
        Application.objects.filter(created_by__email="bench-applicant1@dash.test")
        .order_by("-round__closes_at")
        .first()
    )
    mentorship = Mentorship.objects.filter(round=round_).order_by("pk").first()
    survey = Survey.objects.filter(round=round_).first()
    from affinity.models import Cycle

    cycle = Cycle.objects.order_by("-pk").first()
    found = [
        ("floor", "/health/live/", None),
        ("public home", "/", None),
        _try("application form", "applicant", "applications:application-edit", app.pk),
        _try(
            "applicant status page",
            "applicant",
            "applications:application-detail",
            app.pk,
        ),
        _try(
            "staff review list",
            "staff",
            "applications:staff-review-list",
            query=f"?round={round_.pk}",
        ),
        _try(
            "staff review list, filtered",
            "staff",
            "applications:staff-review-list",
            query=f"?round={round_.pk}&eligibility=eligible&sector=housing"
            "&o=-score_normalized",
        ),
        _try("ranked view", "staff", "applications:staff-ranked", round_.pk),
        ("admin application changelist", "/admin/applications/application/", "staff"),
        _try("mentor cohort dashboard", "mentor", "cohorts:mentor-home"),
        _try("program dashboard", "staff", "cohorts:program-dashboard"),
        _try("survey report", "staff", "surveys:survey-report", survey.pk),
        _try(
            "affinity attendance report",
            "staff",
            "affinity:attendance-report",
            cycle.pk if cycle else 0,
        ),
    ]
    _ = mentorship
    return [t for t in found if t]
