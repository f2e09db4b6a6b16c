"""Signed-in pages on the portal's Redis cache (sessions and roles in Redis)."""

import pytest
import redis
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_redis(redis_server, settings):
    """The settings a REDIS_URL gives, on a Redis of the test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "dashmentor.cache.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    settings.SESSION_ENGINE = "dashmentor.sessions"
    return redis_server


def keys(server) -> list[str]:
    return sorted(k.decode() for k in redis.Redis(port=server.port).keys("*"))


def test_a_redis_restart_costs_the_signed_in_pages_nothing_but_speed(
    client, portal_redis
):
    """While Redis is down, pages come from the database; then Redis serves again."""
    user = factories.StaffFactory()
    response = client.post(
        reverse("login"), {"username": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("staff-home")).status_code == 200
    kept = keys(portal_redis)
    assert any("sessions" in k for k in kept)
    assert any(f"portal:roles:{user.pk}" in k for k in kept)

    portal_redis.stop()
    page = client.get(reverse("staff-home"))
    assert page.status_code == 200
    assert page.context["user"] == user

    portal_redis.start()
    assert keys(portal_redis) == []
    assert client.get(reverse("staff-home")).status_code == 200
    assert keys(portal_redis) == kept
