"""Template tags of the page frame (templates/base.html)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


@register.simple_tag(takes_context=True)
def nav_item(context, name: str, label: str, exact: bool = False) -> str:
    """A menu item, marked ``aria-current="page"`` where the user is; the
    template gives its label translated (``_("Surveys")``).

    An item is current on its own page and (unless ``exact``, for a home whose
    address starts every other) on the pages below it.
    """
    url = nav_url(name)
    request = context.get("request")
    path = getattr(request, "path", "")
    current = path == url or (not exact and path.startswith(url))
    return format_html(
        '<li class="nav-item"><a class="nav-link" href="{}"{}>{}</a></li>',
        url,
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


# The name of each role's home in the breadcrumb trail.
HOME_LABELS = {
    "staff": "Program",
    "reviewer": "My reviews",
    "mentor": "My cohort",
    "mentee": "My mentorship",
    "applicant": "My applications",
    "participant": "Affinity groups",
    "alumni": "Alumni home",
}


@register.simple_tag(takes_context=True)
def home_crumb(context, unless: str = "") -> str:
    """The first item of every breadcrumb trail: the user's home.

    Every trail starts at the home of the user's role (the public front page
    for a visitor). A trail whose next item is a section that is some role's
    home names it in ``unless``: for a user whose home it is, this item is
    left out, so the home is not named twice.
    """
    from dashmentor.roles import home_url, primary_role

    user = context.get("user")
    role = primary_role(user) if user is not None else None
    url = home_url(user) if role else nav_url("public-home")
    if unless and url == nav_url(unless):
        return ""
    label = gettext(HOME_LABELS.get(str(role), "Home") if role else "Home")
    return format_html(
        '<li class="breadcrumb-item"><a href="{}">{}</a></li>', url, label
    )
