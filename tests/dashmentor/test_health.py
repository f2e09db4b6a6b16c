import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_reports_each_part_up(client):
    """Database, cache and broker are each reported up."""
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "up"
    assert {body[k]["status"] for k in ("database", "cache", "broker")} == {"up"}


@pytest.mark.django_db
def test_health_reports_a_down_broker_and_answers_503(client, settings):
    """With the broker unreachable the endpoint says which part is down."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "up"
    assert body["status"] == "down"


@pytest.mark.django_db
def test_health_reports_a_down_cache(client, settings):
    """A cache that cannot be reached is reported down, with a 503."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(reverse("health"))
    assert response.json()["cache"]["status"] == "down"
    assert response.status_code == 503


@pytest.mark.django_db
def test_health_reports_a_reachable_redis_broker_up(client, settings, redis_server_url):
    """With a real Redis broker the endpoint dials it and reports it up."""
    settings.CELERY_BROKER_URL = redis_server_url
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["broker"] == {"status": "up", "detail": "redis"}


@pytest.mark.django_db
def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    """The liveness probe does no query at all."""
    with django_assert_num_queries(0):
        response = client.get(reverse("health-live"))
    assert response.status_code == 200
    assert response.content == b"ok"
