"""The API's rate limit, kept by the portal's one limiter (dashmentor/ratelimit.py).

Per token (``RATE_LIMITS["api"]``); a session on the browsable page counts
per user, and requests without either (the public resources) per address.
Past the limit: 429 with ``Retry-After``, the seconds until the window ends.
"""

from rest_framework.throttling import BaseThrottle

from dashmentor import ratelimit
from dashmentor.proxies import client_ip

from .models import ApiToken


class PortalRateLimit(BaseThrottle):
    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            scope, key = "api", f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            scope, key = "api", f"user:{request.user.pk}"
        else:
            scope, key = "api_anonymous", client_ip(request._request) or "unknown"
        self._wait = ratelimit.wait(scope, key)
        return self._wait == 0

    def wait(self):
        return self._wait
