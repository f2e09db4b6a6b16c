"""Behind reverse proxies: only the trusted ones say who the client is and
whether it came over HTTPS."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from dashmentor.proxies import client_ip, client_scheme

PROXY = "10.0.0.5"  # the address every request arrives from behind a proxy
STRONG_KEY = "k" * 20 + "-production-secret-for-the-test-only-0123456789"


def request(xff=None, proto=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    if proto is not None:
        meta["HTTP_X_FORWARDED_PROTO"] = proto
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        # No trusted proxy: the headers are the client's own words.
        (0, "203.0.113.7", PROXY),
        (0, "203.0.113.7, 198.51.100.2", PROXY),
        # One proxy: it appended the address it was reached from.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (1, "1.1.1.1,2.2.2.2 ,  203.0.113.7", "203.0.113.7"),
        # Two proxies: the outer one's entry is second from the right.
        (2, "1.1.1.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # Fewer entries than proxies: the leftmost a trusted proxy wrote.
        (2, "203.0.113.7", "203.0.113.7"),
        # Nothing forwarded, or nonsense: the connection's own address.
        (1, None, PROXY),
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "1.1.1.1, <script>", PROXY),
        # Ports and IPv6.
        (1, "203.0.113.7:4711", "203.0.113.7"),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_counted_from_the_right(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(xff)) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock", None])
def test_a_request_without_an_address_has_none(settings, remote):
    """Nothing to key on is None (never a made-up value that a database's
    address column would refuse, nor one counter shared by every such client)."""
    settings.TRUSTED_PROXY_COUNT = 0
    req = request()
    if remote is None:
        del req.META["REMOTE_ADDR"]
    else:
        req.META["REMOTE_ADDR"] = remote
    assert client_ip(req) is None


@pytest.mark.parametrize(
    ("count", "proto", "expected"),
    [
        (0, "https", None),
        (1, "https", "https"),
        (1, "http", "http"),
        (1, "HTTPS", "https"),
        (1, "https, http", "http"),  # the client wrote "https"; the proxy saw http
        (2, "https, http", "https"),
        (1, "ftp", None),
        (1, None, None),
    ],
)
def test_the_scheme_is_taken_only_from_trusted_proxies(
    settings, count, proto, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_scheme(request(proto=proto)) == expected


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_rate_limit(client, settings):
    """Two people behind the same proxy: one using up its limit leaves the
    other free (keyed to the proxy's address, one would lock out everyone)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    url = reverse("password_reset")

    def ask(xff):
        return client.post(
            url,
            {"email": "x@example.org"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=xff,
        ).status_code

    assert [ask("203.0.113.7") for _ in range(3)] == [302, 302, 429]
    assert ask("198.51.100.2") == 302
    # A client that writes its own X-Forwarded-For gains nothing: the proxy
    # appends the real address, and that is the one counted.
    assert ask("1.2.3.4, 203.0.113.7") == 429
    assert ask("5.6.7.8, 203.0.113.7") == 429


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_address_changes_nothing(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 3600)}
    codes = [
        client.post(
            reverse("password_reset"),
            {"email": "x@example.org"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        ).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]


def test_axes_asks_the_same_helper_for_the_address():
    from axes.helpers import get_client_ip_address

    assert settings.AXES_CLIENT_IP_CALLABLE == "dashmentor.proxies.client_ip"
    assert get_client_ip_address(request("203.0.113.7")) == PROXY


PRODUCTION_PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client()
out = {}
for name, headers in [("plain", {}), ("forged", {"X-Forwarded-Proto": "https"})]:
    r = client.get("/health/live/", headers=headers)
    out[name] = [r.status_code, r.get("Location", "")]
print(json.dumps(out))
"""


def production(**env):
    cleared = {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "REDIS_URL",
        "DJANGO_DEBUG",
        "TRUSTED_PROXY_COUNT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_TESTING",
    }
    full = {k: v for k, v in os.environ.items() if k not in cleared}
    full.update(
        DJANGO_SETTINGS_MODULE="dashmentor.settings",
        DJANGO_PRODUCTION="1",
        SECRET_KEY=STRONG_KEY,
        SURVEY_SEAL_KEY="survey-seal-key-for-the-test-only-0123456789",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        ALLOWED_HOSTS="testserver",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=settings.BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_in_production_a_client_cannot_claim_https_without_a_trusted_proxy():
    """With no trusted proxy, X-Forwarded-Proto from the client is ignored:
    a plain-HTTP request is redirected to HTTPS whatever it claims."""
    found = production()
    assert found["plain"][0] == 301
    assert found["forged"] == found["plain"]
    assert found["forged"][1].startswith("https://testserver/")


def test_in_production_behind_one_proxy_its_https_is_believed():
    found = production(TRUSTED_PROXY_COUNT="1")
    assert found["plain"][0] == 301
    assert found["forged"] == [200, ""]
