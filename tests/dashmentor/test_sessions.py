"""Sessions kept in the cache and the database (the engine used with Redis)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashmentor.sessions import CACHE_SECONDS
from tests import factories

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture(autouse=True)
def _cached_sessions(settings):
    settings.SESSION_ENGINE = "dashmentor.sessions"


def session_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"]]


def sign_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.content


def test_a_signed_in_page_reads_its_session_from_the_cache(client):
    """After sign-in no page reads the session from the database."""
    user = factories.StaffFactory()
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("staff-home"))
    assert page.status_code == 200
    assert page.context["user"] == user
    assert session_queries(queries) == []


def test_a_signed_out_session_signs_nobody_in_again(client):
    """Signing out ends the session in the cache too: the old cookie is dead."""
    user = factories.StaffFactory()
    sign_in(client, user)
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    client.cookies["sessionid"] = cookie
    response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_pages_are_served_from_the_database_while_the_cache_is_down(client, settings):
    """A cache outage costs a query per request, not the signed-in pages."""
    user = factories.StaffFactory()
    sign_in(client, user)
    settings.CACHES = DEAD_REDIS
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("staff-home"))
    assert page.status_code == 200
    assert page.context["user"] == user
    assert len(session_queries(queries)) == 1


def test_signing_in_and_out_works_while_the_cache_is_down(client, settings):
    """The database alone carries the session: a cache outage locks nobody out."""
    settings.CACHES = DEAD_REDIS
    user = factories.StaffFactory()
    sign_in(client, user)
    assert client.get(reverse("staff-home")).context["user"] == user
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("staff-home")).status_code == 302


def test_a_session_is_kept_in_the_cache_for_minutes_not_weeks(client, settings):
    """A session deleted while the cache missed it lives on there minutes at most."""
    # An in-process cache, whose clock the test can move.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    sign_in(client, factories.StaffFactory())
    # A sign-out whose cache delete failed: the row is gone, the copy is not.
    Session.objects.all().delete()
    assert client.get(reverse("staff-home")).status_code == 200
    with time_machine.travel(dt.timedelta(seconds=CACHE_SECONDS + 1)):
        response = client.get(reverse("staff-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
