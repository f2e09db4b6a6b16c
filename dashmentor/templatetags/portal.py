"""Template tags of the page frame (templates/base.html)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html_join

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


@register.simple_tag(takes_context=True)
def here_for_switcher(context) -> str:
    """Where the language switcher comes back to: this page, unless its address
    carries a token (a password reset, a confirmation, a survey link), which
    must not be copied into another form; then the home page."""
    request = context.get("request")
    if request is None:
        return "/"
    match = getattr(request, "resolver_match", None)
    if match is not None and any(
        "token" in name or name == "uidb64" for name in match.kwargs
    ):
        return "/"
    return request.get_full_path()


@register.simple_tag
def js_catalog_url(language: str) -> str:
    """The URL of the JavaScript catalog of ``language``, reversed once."""
    key = (f"javascript-catalog:{language}", get_urlconf() or "", get_script_prefix())
    try:
        return _urls[key]
    except KeyError:
        _urls[key] = url = reverse("javascript-catalog", args=[language])
        return url


@register.simple_tag
def select_options(field) -> str:
    """The ``<option>``s of a single-choice field with flat choices, built here.

    Django renders each option of a ``Select`` through a template include; a
    form of a dozen selects of a dozen options each took milliseconds for them.
    The selected one is the one Django's widget would select.
    """
    chosen = set(field.field.widget.format_value(field.value()))
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) in chosen else "", label)
            for value, label in field.field.choices
        ),
    )
