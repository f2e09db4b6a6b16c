import pytest
from django.urls import reverse

from tests import factories

TOKEN = "health-token-for-the-tests-0123456789"


@pytest.fixture
def monitor(client, settings):
    """A monitoring probe that sends the configured health token."""
    settings.HEALTH_TOKEN = TOKEN

    def get():
        return client.get(reverse("health"), headers={"X-Health-Token": TOKEN})

    return get


@pytest.mark.django_db
def test_health_reports_each_part_up(monitor):
    """Database, cache and broker are each reported up."""
    response = monitor()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {body[k]["status"] for k in ("database", "cache", "broker")} == {"up"}


@pytest.mark.django_db
def test_health_reports_a_down_broker_and_answers_503(monitor, settings):
    """With the broker unreachable the endpoint says which part is down."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = monitor()
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "up"
    assert body["status"] == "not ok"


@pytest.mark.django_db
def test_health_reports_a_down_cache(monitor, settings):
    """A cache that cannot be reached is reported down, with a 503."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = monitor()
    assert response.json()["cache"]["status"] == "down"
    assert response.status_code == 503


@pytest.mark.django_db
def test_health_reports_a_reachable_redis_broker_up(
    monitor, settings, redis_server_url
):
    """With a real Redis broker the endpoint dials it and reports it up."""
    settings.CELERY_BROKER_URL = redis_server_url
    response = monitor()
    assert response.status_code == 200
    assert response.json()["broker"] == {"status": "up", "detail": "redis"}


@pytest.mark.django_db
@pytest.mark.parametrize("broker_up", [True, False])
def test_the_public_reads_only_ok_or_not_ok(client, settings, broker_up):
    """Anyone learns whether the portal is healthy, never what runs behind it
    nor the error: no backend name, address or exception text."""
    settings.HEALTH_TOKEN = TOKEN
    if not broker_up:
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == (200 if broker_up else 503)
    assert response.json() == {"status": "ok" if broker_up else "not ok"}
    text = response.content.decode().lower()
    for word in ("sqlite", "postgres", "redis", "locmem", "broker", "error", "127."):
        assert word not in text
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "wrong-token",
        TOKEN[:-1],
        TOKEN + "x",
        TOKEN.upper(),
    ],
)
def test_a_wrong_or_missing_token_reads_only_the_public_answer(
    client, settings, header
):
    settings.HEALTH_TOKEN = TOKEN
    headers = {} if header is None else {"X-Health-Token": header}
    response = client.get(reverse("health"), headers=headers)
    assert set(response.json()) == {"status"}


@pytest.mark.django_db
def test_without_a_configured_token_no_token_reads_the_details(client, settings):
    """An empty HEALTH_TOKEN is no token: an empty header does not match it."""
    settings.HEALTH_TOKEN = ""
    response = client.get(reverse("health"), headers={"X-Health-Token": ""})
    assert set(response.json()) == {"status"}


@pytest.mark.django_db
def test_signed_in_staff_read_the_details_and_other_roles_do_not(
    client_as, staff_user, applicant_user, reviewer_user
):
    assert "database" in client_as(staff_user).get(reverse("health")).json()
    for user in (applicant_user, reviewer_user, factories.UserFactory()):
        body = client_as(user).get(reverse("health")).json()
        assert set(body) == {"status"}, user


@pytest.mark.django_db
def test_the_token_is_compared_in_constant_time(client, settings, monkeypatch):
    """The sent token is compared with hmac.compare_digest (no early exit that
    would let a prober find the token a character at a time)."""
    import hmac

    from dashmentor import health

    settings.HEALTH_TOKEN = TOKEN
    compared, compare = [], hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(health.hmac, "compare_digest", spy)
    client.get(reverse("health"), headers={"X-Health-Token": "guess"})
    assert compared == [(b"guess", TOKEN.encode())]


@pytest.mark.django_db
def test_liveness_answers_without_the_database(client, django_assert_num_queries):
    """The liveness probe does no query at all."""
    with django_assert_num_queries(0):
        response = client.get(reverse("health-live"))
    assert response.status_code == 200
    assert response.content == b"ok"
