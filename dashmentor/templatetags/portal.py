"""Template tags of the page frame (templates/base.html)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_urls: dict[tuple[str, str, str], str] = {}


@register.simple_tag
def nav_url(name: str) -> str:
    """``{% url name %}`` for a URL without arguments, reversed once per process.

    The frame links a dozen such URLs on every page; reversing them each time
    was a third of the cost of rendering it.
    """
    key = (name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    try:
        return _urls[key]
    except KeyError:
        _urls[key] = url = reverse(name)
        return url
