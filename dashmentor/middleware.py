import zoneinfo

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

from .languages import supported_language
from .text import has_bidi_controls, strip_bidi_controls

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # No inline script anywhere: every script is a file under /static/.
        "script-src 'self'",
        # Style attributes (progress bars, chart sizes) are allowed; styles
        # cannot run code.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class TimezoneMiddleware:
    """Show times in the signed-in user's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = settings.PORTAL_DEFAULT_TIME_ZONE
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            zone_name = user.time_zone
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        except zoneinfo.ZoneInfoNotFoundError:
            timezone.deactivate()
        return self.get_response(request)


class LanguageMiddleware(MiddlewareMixin):
    """The language of each request: the signed-in user's profile choice, else
    the header switcher's cookie, else the browser's ``Accept-Language``, else
    English. An unknown code anywhere is passed over, never an error.

    The user is only looked at when the request carries a session cookie; the
    time zone middleware loads it for every such request anyway, so the
    language costs no query.
    """

    def process_request(self, request):
        language = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = supported_language(getattr(user, "language", ""))
        if language is None:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        language = translation.get_language()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def _without_bidi_controls(data: QueryDict) -> QueryDict:
    """``data`` with bidirectional controls removed from every key and value,
    passwords aside (never shown, and they must match what was typed)."""
    if not any(
        has_bidi_controls(key) or any(has_bidi_controls(v) for v in values)
        for key, values in data.lists()
    ):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        if "password" not in key.lower():
            values = [strip_bidi_controls(v) for v in values]
        cleaned.setlist(strip_bidi_controls(key), values)
    cleaned._mutable = False
    return cleaned


class BidiControlMiddleware:
    """Strip bidirectional controls from everything submitted (form fields,
    formsets, the admin, and views that read ``request.POST`` themselves), so
    no stored text can reorder what a later reader sees
    (``dashmentor.text.BIDI_CONTROLS``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = _without_bidi_controls(request.GET)
        if request.method == "POST":
            request.POST = _without_bidi_controls(request.POST)
        return self.get_response(request)
