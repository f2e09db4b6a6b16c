"""A fixed-window rate limit on the endpoints anyone can hit, kept in the cache."""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .proxies import client_ip

RATE_LIMITED_MESSAGE = _(
    "Too many attempts from your address. Please wait a while and try again."
)


def hit(scope: str, key: str) -> bool:
    """Count one request; return True while the scope's limit is not exceeded."""
    limit, window = settings.RATE_LIMITS[scope]
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


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
