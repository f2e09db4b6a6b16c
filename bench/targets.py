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


def _discussion_pages():
    from discussions.models import Thread

    thread = Thread.objects.filter(form_token="bench-thread").first()
    if thread is None:
        print("not measured: the discussion of 2,000 posts", file=sys.stderr)
        return []
    return [
        _try(
            "discussion of 2,000 posts (first page)",
            "mentor",
            "discussions:thread",
            thread.pk,
        ),
        _try(
            "discussion of 2,000 posts (last page)",
            "mentor",
            "discussions:thread",
            thread.pk,
            query="?page=40",
        ),
    ]


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
        _try(
            "staff home (the to-do)",
            "staff",
            "staff-home",
            query=f"?round={reviewed.pk}",
        ),
        _try("staff message history", "staff", "staffdesk:mailing-list"),
        _try("staff reports index", "staff", "staffdesk:reports"),
        _try("mentor cohort dashboard", "mentor", "cohorts:mentor-home"),
        _try("program dashboard", "staff", "cohorts:program-dashboard"),
        _try("survey report", "staff", "surveys:survey-report", survey.pk),
        _try("payments of a round", "staff", "awards:payments", reviewed.pk),
        _try(
            'funder\'s report (kept, "as of")',
            "staff",
            "awards:funder-report",
            reviewed.pk,
        ),
        _try("resource library (public)", None, "resources:list"),
        _try(
            "affinity attendance report",
            "staff",
            "affinity:report",
            query=f"?cycle={cycle.pk}" if cycle else "",
        ),
        _try("challenges (20,000, open first)", "mentor", "discussions:challenges"),
        _try(
            "challenges, searched",
            "mentor",
            "discussions:challenges",
            query="?status=all&q=shelter+clinic",
        ),
        *_discussion_pages(),
        # The JSON API's main lists, with a token (roles "api:<role>").
        _try(
            "API: a round's eligible applications",
            "api:staff",
            "api:application-list",
            query=f"?round={reviewed.slug}&eligibility=eligible",
        ),
        _try("API: awards", "api:staff", "api:award-list"),
        _try("API: attendance", "api:staff", "api:attendance-list"),
        _try("API: the mentor's events", "api:mentor", "api:event-list"),
    ]
    return [t for t in found if t]


def api_token(role: str) -> str | None:
    """A new read-only token of the role's bench user (its secret)."""
    from django.utils import timezone

    from api.services import token_create

    user = _bench_users().get(role.removeprefix("api:"))
    user = user.first() if user is not None else None
    if user is None:
        return None
    _token, secret = token_create(user=user, name=f"Bench {timezone.now().isoformat()}")
    return secret


def _bench_users():
    from dashmentor.models import User

    return {
        "staff": User.objects.filter(email="bench-staff@dash.test"),
        "mentor": User.objects.filter(email__startswith="bench-mentor").order_by("-pk"),
        "applicant": User.objects.filter(email="bench-applicant1@dash.test"),
        "mentee": User.objects.filter(email="bench-mentee0@dash.test"),
    }


def sessions() -> dict[str, str]:
    """A signed-in session key per role, made with the configured session engine."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore
    picks = _bench_users()
    keys = {}
    for role in ("api:staff", "api:mentor"):
        secret = api_token(role)
        if secret:
            keys[role] = secret
    for role, users in picks.items():
        user = users.first()
        if user is None:
            continue
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[role] = session.session_key
    return keys
