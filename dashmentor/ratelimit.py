"""A fixed-window rate limit on the endpoints anyone can hit, kept in the cache."""

import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .proxies import client_ip

RATE_LIMITED_MESSAGE = _(
    "Too many attempts from your address. Please wait a while and try again."
)


def wait(scope: str, key: str) -> int:
    """Count one request; return 0 while the scope's limit is not exceeded,
    else the seconds until its window ends (for a ``Retry-After``)."""
    limit, window = settings.RATE_LIMITS[scope]
    cache_key = f"ratelimit:{scope}:{key}"
    if cache.add(cache_key, 0, timeout=window):
        # The window's end, read only when a request is refused.
        cache.set(f"{cache_key}:ends", time.time() + window, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    if count <= limit:
        return 0
    ends = cache.get(f"{cache_key}:ends") or time.time() + window
    return max(1, math.ceil(ends - time.time()))


def hit(scope: str, key: str) -> bool:
    """Count one request; return True while the scope's limit is not exceeded."""
    return wait(scope, key) == 0


def ratelimit(scope: str, methods=("POST",)):
    """Answer 429 once an address has made more than the scope's requests."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            address = client_ip(request) or "unknown"
            if request.method in methods and not hit(scope, address):
                return render(
                    request,
                    "429.html",
                    {"message": RATE_LIMITED_MESSAGE},
                    status=429,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
