"""Every URL the portal serves, requested as every role, against others' objects.

The URL list comes from the resolver, so a new URL cannot be forgotten: a URL
with no row in ``EXPECTED`` fails the test. Where a URL takes an id, the id is
that of an object of *another* organization or cohort than the requesting
user's, so the table says what a curious user gets when it edits the address bar.

Answers: ``OK`` (200), ``LOGIN`` (redirect to sign-in), ``DENY`` (403), ``GONE``
(404), ``REDIRECT`` (another redirect), ``NOT_ALLOWED`` (405: a POST-only URL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories

OK, LOGIN, DENY, GONE, REDIRECT, NOT_ALLOWED = (
    "200",
    "login",
    "403",
    "404",
    "302",
    "405",
)
ROLES = ("anonymous", "applicant", "reviewer", "mentor", "mentee", "staff")


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, anonymous=LOGIN):
    return {**everyone(code), "anonymous": anonymous}


def only(allowed: dict, others=DENY, anonymous=LOGIN):
    """``allowed`` roles as given, the other signed-in roles ``others``."""
    return {**everyone(others), "anonymous": anonymous, **allowed}


STAFF_ONLY = only({"staff": OK})


@dataclass
class World:
    """Each role's own things, and things of another organization or cohort."""

    users: dict
    other: dict


@pytest.fixture
def world(db):
    round_ = factories.RoundFactory()
    mine = factories.MentorshipFactory(round=round_)
    theirs = factories.MentorshipFactory(round=round_)
    mentor = factories.UserFactory(email="mentor@example.org")
    mine.mentors.add(mentor)
    mentee = factories.CohortMemberFactory(
        award__application__round=round_,
        award__mentorship=mine,
        user__email="mentee@example.org",
    ).user
    other_member = factories.CohortMemberFactory(
        award__application__round=round_,
        award__mentorship=theirs,
        user__email="other-mentee@example.org",
    )
    applicant = factories.UserFactory(email="applicant@example.org")
    factories.ApplicationFactory(round=round_, created_by=applicant)
    other_application = factories.ApplicationFactory(round=round_)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "reviewer": factories.ReviewerFactory(email="reviewer@example.org"),
        "mentor": mentor,
        "mentee": mentee,
        "staff": factories.StaffFactory(email="staff@example.org"),
    }
    from affinity.models import Cycle, Group
    from surveys.models import Survey

    cycle = Cycle.objects.create(
        name="2021", starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2021, 12, 31)
    )
    group = Group.objects.create(cycle=cycle, topic="Data law", slug="data-law")
    survey = Survey.objects.create(
        title="Midpoint",
        kind=Survey.Kind.MIDPOINT,
        round=round_,
        audience=Survey.Audience.ROUND,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=7),
    )
    other = {
        "group": group,
        "survey": survey,
        "round": round_,
        "application": other_application,
        "mentorship": theirs,
        "award": other_member.award,
        "member": other_member,
        "now": timezone.now() + dt.timedelta(days=1),
    }
    return World(users=users, other=other)


# name -> (arguments built from the world, expected answer per role)
EXPECTED: dict[str, tuple] = {
    "public-home": (None, everyone(OK)),
    "home": (None, signed_in(REDIRECT)),
    "staff-home": (None, STAFF_ONLY),
    "health": (None, everyone(OK)),
    "health-live": (None, everyone(OK)),
    "login": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "logout": (None, everyone(NOT_ALLOWED)),
    "password_reset": (None, everyone(OK)),
    "password_reset_done": (None, everyone(OK)),
    "password_reset_confirm": (lambda w: ["MQ", "bad-token"], everyone(OK)),
    "password_reset_complete": (None, everyone(OK)),
    "password_change": (None, signed_in(OK)),
    "password_change_done": (None, signed_in(OK)),
    "notifications:preferences": (None, signed_in(OK)),
    "applications:signup": (None, {**everyone(REDIRECT), "anonymous": OK}),
    "applications:applicant-home": (None, only({"applicant": OK, "staff": OK})),
    "applications:round-detail": (lambda w: [w.other["round"].slug], everyone(OK)),
    "applications:application-detail": (
        lambda w: [w.other["application"].pk],
        only({"applicant": GONE, "staff": OK}),
    ),
    "applications:reviewer-queue": (None, only({"reviewer": OK})),
    "applications:staff-review-list": (None, STAFF_ONLY),
    "cohorts:cohort-detail": (
        lambda w: [w.other["mentorship"].pk],
        only({"mentor": GONE, "mentee": GONE, "staff": OK}),
    ),
    "cohorts:mentor-home": (None, only({"mentor": OK})),
    "cohorts:mentee-home": (None, only({"mentee": OK})),
    "cohorts:program-dashboard": (None, STAFF_ONLY),
    "surveys:my-surveys": (None, signed_in(OK)),
    "surveys:staff-survey-list": (None, STAFF_ONLY),
    "affinity:group-list": (None, signed_in(OK)),
    "affinity:group-detail": (lambda w: [w.other["group"].pk], signed_in(OK)),
    "surveys:survey-report": (lambda w: [w.other["survey"].pk], STAFF_ONLY),
}


def url_names(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    """Every named URL of the portal (the admin's own pages aside)."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = entry.namespace
            found += url_names(entry, f"{prefix}{ns}:" if ns else prefix)
        elif entry.name:
            found.append((prefix + entry.name, entry))
    return found


def test_every_url_has_a_row_in_the_table():
    """A URL added without saying who may open it fails here."""
    missing = sorted({name for name, _ in url_names()} - set(EXPECTED))
    assert not missing, f"add these URLs to EXPECTED: {missing}"


def answer(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if "/accounts/login/" in location else REDIRECT
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_expected_answer_everywhere(world, client, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    wrong = []
    for name, (args, expected) in sorted(EXPECTED.items()):
        url = reverse(name, args=args(world) if args else None)
        got = answer(client.get(url))
        if got != expected[role]:
            wrong.append(f"{name} ({url}): expected {expected[role]}, got {got}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
