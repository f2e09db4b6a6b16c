"""The health endpoint: the database, the cache and the broker, each up or down.

Anyone may ask whether the portal is healthy (200 "ok" or 503 "not ok"); which
part is down, and why, is for signed-in staff and for monitoring that sends
``HEALTH_TOKEN`` in the ``X-Health-Token`` header: backend names and error
texts tell an attacker what runs behind the portal.
"""

import hmac
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from .roles import Role, has_role


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any failure means down; say which
        return False, f"{type(exc).__name__}: {exc}"[:200]


def check_cache() -> tuple[bool, str]:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=5)
        ok = cache.get(key) == "ok"
        cache.delete(key)
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        return ok, backend if ok else f"{backend}: value not read back"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


def check_broker() -> tuple[bool, str]:
    from dashmentor.celery import app

    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return True, "in process (no broker configured)"
    try:
        with app.connection_for_write(url) as conn:
            # One retry at once: kombu would otherwise wait 2 s before it.
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            conn.default_channel  # noqa: B018 - opens the channel
            transport = conn.transport.driver_type
        return True, transport
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"[:200]


def may_see_details(request) -> bool:
    """Signed-in staff, or a request carrying the configured health token."""
    token = settings.HEALTH_TOKEN
    sent = request.headers.get("X-Health-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return has_role(request.user, Role.STAFF)


@never_cache
def health(request):
    """Answer 200 "ok" when everything is up, 503 "not ok" otherwise; staff and
    monitoring with the token also read each part's state."""
    checks = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    healthy = all(ok for ok, _ in checks.values())
    body = {"status": "ok" if healthy else "not ok"}
    if may_see_details(request):
        body.update(
            {
                name: {"status": "up" if ok else "down", "detail": detail}
                for name, (ok, detail) in checks.items()
            }
        )
    return JsonResponse(body, status=200 if healthy else 503)


def live(request):
    """Answer "ok" without touching anything: liveness, and the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")
