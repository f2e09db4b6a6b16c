"""No view sends a user off the portal because the request named another site.

Every view that takes a redirect target from the request is posted hostile
targets; wherever it sends the browser, the browser stays on the portal.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from dashmentor.models import Organization
from tests import factories
from tests.applications import review_factories as rf

pytestmark = pytest.mark.django_db

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example",
    "http://evil.example/path",
    "/\\evil.example",
    "\\\\evil",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:evil",
    "https:/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%09/evil.example",
    "//evil.example@testserver/",
    "http://testserver@evil.example/",
    "\x01//evil.example",
]

ORG = {
    "name": "Lakeside Health Coalition",
    "org_type": "501c3",
    "sector": "public_health",
    "ein": "123456789",
    "address_line1": "1 Lake St",
    "address_line2": "",
    "city": "Lakeside",
    "state": "MN",
    "postal_code": "55001",
    "country": "",
    "website": "lakeside.example.org",
}


def as_a_browser_reads(location: str):
    """The URL a browser goes to: tabs and newlines dropped, backslashes as
    slashes, leading control characters and spaces ignored."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    cleaned = cleaned.lstrip("".join(chr(c) for c in range(0x21)))
    return urlsplit(cleaned, scheme="")


def assert_stays_on_site(response, target):
    assert response.status_code in (200, 302), (target, response.status_code)
    if response.status_code != 302:
        return
    location = response["Location"]
    url = as_a_browser_reads(location)
    assert url.scheme in ("", "http", "https"), (target, location)
    assert url.netloc in ("", "testserver"), (target, location)
    assert location.startswith("/") and not location.startswith("//"), (
        target,
        location,
    )


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post_sign_in(client, target):
    user = factories.UserFactory(email="walker@example.org")
    return client.post(
        reverse("login"),
        {"username": user.email, "password": factories.PASSWORD, "next": target},
    )


def post_sign_out(client, target):
    _login(client, factories.UserFactory())
    return client.post(reverse("logout"), {"next": target})


def post_admin_sign_in(client, target):
    user = factories.StaffFactory(is_superuser=True)
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": user.email, "password": factories.PASSWORD, "next": target},
    )


def post_confirmation_resend(client, target):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user)
    return _login(client, user).post(
        reverse("applications:email-confirmation-resend"), {"next": target}
    )


def post_organization(client, target):
    user = factories.UserFactory()
    _login(client, user)
    response = client.post(
        reverse("applications:organization") + "?" + _query(target), ORG
    )
    assert Organization.objects.filter(memberships__user=user).exists()
    return response


def post_bulk_decision(client, target):
    staff = factories.StaffFactory()
    round_ = factories.RoundFactory()
    rf.rubric(round_)
    apps = rf.SubmittedApplicationFactory.create_batch(2, round=round_)
    return _login(client, staff).post(
        reverse("applications:staff-bulk-decision"),
        {
            "outcome": "waitlist",
            "note": "",
            "pick": [f"{apps[0].pk}:0"],
            "next": target,
        },
    )


def post_bulk_decision_invalid(client, target):
    """The refused form sends the user back too."""
    staff = factories.StaffFactory()
    return _login(client, staff).post(
        reverse("applications:staff-bulk-decision"), {"outcome": "", "next": target}
    )


def _query(target):
    from urllib.parse import urlencode

    return urlencode({"next": target})


VIEWS = {
    "sign-in": post_sign_in,
    "sign-out": post_sign_out,
    "admin sign-in": post_admin_sign_in,
    "confirmation resend": post_confirmation_resend,
    "organization profile": post_organization,
    "bulk decision": post_bulk_decision,
    "bulk decision refused": post_bulk_decision_invalid,
}


@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
@pytest.mark.parametrize("target", HOSTILE, ids=[repr(t) for t in HOSTILE])
def test_no_view_redirects_off_site_whatever_next_says(client, view, target):
    """Hostile ``next`` targets lead to the view's own default page."""
    response = VIEWS[view](client, target)
    assert_stays_on_site(response, target)


@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
def test_a_target_on_the_site_is_still_followed(client, view):
    """A genuine path on the portal is where the user lands (the reason ``next``
    exists)."""
    target = "/apply/?page=2"
    response = VIEWS[view](client, target)
    assert response.status_code == 302
    if view != "sign-out":  # Django's sign-out shows its own page or follows it
        assert response["Location"] == target


def test_every_view_reading_next_goes_through_the_one_helper():
    """No module reads a redirect target from the request except through
    ``dashmentor.redirects.safe_next`` (Django's own auth views aside)."""
    pattern = re.compile(
        r"request\.(POST|GET|META)(\.get\(|\[)\s*[\"'](next|HTTP_REFERER|back|return_to)"
    )
    offenders = []
    apps = ["dashmentor", "notifications", "applications", "cohorts", "surveys"]
    for app in [*apps, "affinity"]:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if path.name == "redirects.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert not offenders
