"""Fixtures shared by every app's tests: one user of each role, and skip strictness."""

import os

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# In CI every run draws the same examples (a failure there reproduces with
# CI=true on any machine, and the run's time does not depend on the draw), keeps
# no example database, and sets no per-example deadline: the machine is shared,
# and what the properties check is not speed. Tests that set max_examples keep
# theirs. Locally each run draws afresh.
# Everywhere, no deadline and no "generation is slow" check either: a loaded
# two-core machine makes both fail tests that are right.
_SHARED_MACHINE = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
hypothesis_settings.register_profile("default-portal", **_SHARED_MACHINE)
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, **_SHARED_MACHINE
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default-portal")

# Real Redis, SMTP and Celery processes for the tests that need them, and the
# demo program seeded once per run.
pytest_plugins = ["tests.support.services", "tests.support.demo", "tests.support.order"]


def pytest_collection_modifyitems(config, items):
    """Skip, saying what is missing, the tests a run without the production
    services cannot make: PostgreSQL-only tests on SQLite, and the tests of
    real Celery workers on Redis (kills, restarts, outages) when no broker is
    configured (a new user's run: tasks run in process there)."""
    skips = []
    if not settings.USING_POSTGRES:
        skips.append(
            (
                "postgres",
                "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
                "dashmentor_test (row locks and concurrency cannot be shown on SQLite)",
            )
        )
    if not os.environ.get("CELERY_BROKER_URL"):
        skips.append(
            (
                "worker",
                "needs Redis and a real Celery worker: set CELERY_BROKER_URL="
                "redis://127.0.0.1:6379/0 (without it tasks run in process)",
            )
        )
    for keyword, reason in skips:
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if keyword in item.keywords:
                item.add_marker(skip)


# Set by CI's run on PostgreSQL and Redis, where every service a test needs is
# there: a skipped test there is a test that did not run. The run on SQLite (as a
# new user runs it) does not set it, so PostgreSQL-only tests skip with reasons.
FAIL_ON_SKIP = os.environ.get("TESTS_FAIL_ON_SKIP") == "1"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Where every service is present a skip fails the run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if FAIL_ON_SKIP and skipped:
        terminalreporter.write_line(
            f"TESTS_FAIL_ON_SKIP: {len(skipped)} test(s) skipped; every test must "
            "run here.",
            red=True,
        )
        config._ci_skips = len(skipped)


def pytest_sessionfinish(session, exitstatus):
    if FAIL_ON_SKIP and getattr(session.config, "_ci_skips", 0):
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete_on_postgres():
    """Empty the tables after a transactional test with DELETE, not TRUNCATE.

    TRUNCATE of the 74 tables costs 1 to 2 seconds on PostgreSQL whatever they
    hold (it replaces each table's files), and the suite flushes after some 70
    tests; DELETE of the rows a test wrote takes milliseconds. The outcome is
    the same: every foreign key is DEFERRABLE INITIALLY DEFERRED (Django creates
    them so) and the flush runs in one transaction, so the order of the tables
    does not matter. Sequence resets and CASCADE keep Django's TRUNCATE.
    """
    if not settings.USING_POSTGRES:
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self,
                style,
                tables,
                reset_sequences=reset_sequences,
                allow_cascade=allow_cascade,
            )
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _settings_put_back():
    """Fail the test that leaves Django's settings overridden after it.

    Two overrides undone out of order (pytest-django's ``settings`` changed
    inside an ``override_settings`` block) put back the inner one for good,
    and an unrelated test later in the same process fails for it.
    """
    from django.conf import settings

    before = settings._wrapped
    yield
    assert settings._wrapped is before, "this test left Django settings overridden"


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in English: a Spanish page leaves its language active in
    the thread (as Django's own locale middleware does), and a later test's
    e-mails to addresses without an account would follow it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached reports live in the cache: start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(db):
    return factories.StaffFactory(email="staff@example.org", full_name="Staff Person")


@pytest.fixture
def reviewer_user(db):
    return factories.ReviewerFactory(
        email="reviewer@example.org", full_name="Rev Iewer"
    )


@pytest.fixture
def applicant_user(db):
    user = factories.UserFactory(
        email="applicant@example.org", full_name="Ann Applicant"
    )
    factories.MembershipFactory(user=user)
    return user


@pytest.fixture
def mentorship(db):
    return factories.MentorshipFactory()


@pytest.fixture
def mentor_user(db, mentorship):
    user = factories.UserFactory(email="mentor@example.org", full_name="Meg Mentor")
    mentorship.mentors.add(user)
    return user


@pytest.fixture
def mentee_user(db, mentorship):
    member = factories.CohortMemberFactory(
        award__application__round=mentorship.round,
        award__mentorship=mentorship,
        user__email="mentee@example.org",
        user__full_name="Manny Mentee",
    )
    return member.user


@pytest.fixture
def client_as(client):
    """Sign a user in on the test client: ``client_as(user)``."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
