"""``when``: a date or time in the active language's order.

A built-in of every template (``settings.TEMPLATES``): ``{{ event.starts_at|when:
"weekday_datetime" }}`` is "Thursday, March 5, 2026, 2:00 PM" in English and
"jueves 5 de marzo de 2026, 14:00" in Spanish. The kinds and their formats per
language are ``NAMED`` in ``dashmentor/formats/<language>/formats.py``; an
unknown kind is a programming error and fails loudly in tests.
"""

from importlib import import_module

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.functional import lazy

register = template.Library()

_NAMED: dict[str, dict[str, str]] = {}


def named_formats(language: str) -> dict[str, str]:
    """The kinds of date of ``language`` (English's for a language without them)."""
    try:
        return _NAMED[language]
    except KeyError:
        try:
            module = import_module(f"dashmentor.formats.{language}.formats")
            named = module.NAMED
        except ImportError:
            named = named_formats("en") if language != "en" else {}
        _NAMED[language] = named
        return named


def format_when(value, kind: str, language: str | None = None) -> str:
    """``value`` (a date, a datetime in the active time zone, a time) as ``kind``."""
    language = (language or translation.get_language() or "en").split("-")[0]
    formats = named_formats(language)
    if kind not in formats:
        raise KeyError(f"Unknown kind of date {kind!r}: see dashmentor/formats.")
    return date_filter(value, formats[kind])


# For a message's context: written out when it is rendered, in its language.
format_when_lazy = lazy(format_when, str)


@register.filter(expects_localtime=True, is_safe=False)
def when(value, kind: str) -> str:
    if value in (None, ""):
        return ""
    return format_when(value, kind)
