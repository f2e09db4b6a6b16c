"""JSON bodies only, and small ones: a body past ``API_MAX_BODY_BYTES`` is
refused with 400 before it is read whole."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

BODY_TOO_LARGE = _("The body is too large: at most {limit} bytes.")


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if length and int(length) > limit:
                raise ParseError(BODY_TOO_LARGE.format(limit=limit))
        except ValueError:
            raise ParseError(BODY_TOO_LARGE.format(limit=limit))
        return super().parse(stream, media_type, parser_context)
