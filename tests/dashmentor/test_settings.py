"""The settings switch, checked in fresh processes so each sees its own environment."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL, "
    "'email': settings.EMAIL_BACKEND, 'debug': settings.DEBUG, "
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'session': settings.SESSION_ENGINE}))"
)
STRONG_KEY = "k" * 20 + "-production-secret-for-the-test-only-0123456789"
CLEARED = [
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "EMAIL_HOST",
    "DJANGO_PRODUCTION",
    "SECRET_KEY",
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "SURVEY_SEAL_KEY",
    "SURVEY_SEAL_OLD_KEYS",
    # Set by the suite for its own process (tests/support/testing.py).
    "DJANGO_TESTING",
    # Set by the browser tests for their own process; never in deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]


def run(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "dashmentor.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(**env) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_gives_sqlite_in_process_tasks_console_mail_and_debug():
    """With no configuration the portal runs on its own: a new user needs nothing."""
    found = probe()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("db.sqlite3")
    assert found["eager"] is True
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"
    assert found["debug"] is True
    assert found["cache"].endswith("LocMemCache")
    # A cache per process cannot hold sessions: a sign-out would not reach the
    # other workers.
    assert found["session"] == "django.contrib.sessions.backends.db"


def test_urls_switch_to_postgresql_redis_and_smtp():
    found = probe(
        DATABASE_URL="postgres://portal@db.internal:5432/dashmentor",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        REDIS_URL="redis://127.0.0.1:6379/4",
        EMAIL_HOST="mail.internal",
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "dashmentor"
    assert found["eager"] is False
    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["cache"].endswith("RedisCache")
    assert found["session"] == "dashmentor.sessions"
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_KEY}, "DATABASE_URL"),
        ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"SECRET_KEY": "short", "DATABASE_URL": "postgres://h/db"}, "SECRET_KEY"),
        # Debug pages show settings and source to anyone: never in production.
        (
            {"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "postgres://h/db"}
            | {"ALLOWED_HOSTS": "portal.example.org", "DJANGO_DEBUG": "1"},
            "DJANGO_DEBUG",
        ),
        (
            {"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "postgres://h/db"}
            | {"ALLOWED_HOSTS": "portal.example.org", "TRUSTED_PROXY_COUNT": "-1"},
            "TRUSTED_PROXY_COUNT",
        ),
    ],
)
def test_production_stops_at_start_naming_the_missing_variable(env, named):
    """In production a missing or malformed variable stops the process at once."""
    result = run(PROBE, DJANGO_PRODUCTION="1", **env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` reports nothing with production settings."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DJANGO_PRODUCTION="1",
        SECRET_KEY=STRONG_KEY,
        SURVEY_SEAL_KEY="survey-seal-key-for-the-test-only-0123456789",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/dashmentor",
        ALLOWED_HOSTS="portal.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_only_the_suites_own_variable_says_tests_are_running():
    """``settings.TESTING`` is ``DJANGO_TESTING`` and nothing else: a process
    that merely imported pytest runs as deployed."""
    code = (
        "import pytest, django; django.setup(); from django.conf import settings; "
        "print(settings.TESTING, settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    deployed = run(code)
    assert deployed.stdout.split() == ["False", "Argon2PasswordHasher"], deployed.stderr
    suite = run(code, DJANGO_TESTING="1")
    assert suite.stdout.split() == ["True", "MD5PasswordHasher"], suite.stderr
    assert settings.TESTING is True
