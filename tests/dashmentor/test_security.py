import pytest
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_sign_in_locks_after_repeated_failures_even_with_the_right_password(client):
    """After five failures the account is locked for a while, right password or not."""
    user = factories.UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(reverse("login"), {"username": user.email, "password": "wrong-one"})
    response = client.post(
        reverse("login"), {"username": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("public-home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_templates_contain_no_inline_script():
    """No template has an executable inline <script>: the CSP would block it."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
            if re.search(r"\son[a-z]+=", tag):
                offenders.append(f"{path.name}: {tag}")
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if re.search(r"<[^>]+\son(click|load|submit|change|input)=", path.read_text()):
            offenders.append(f"{path.name}: inline event handler")
    assert not offenders


@pytest.mark.django_db
def test_password_reset_is_rate_limited(client, settings):
    """An address that asks for many resets gets 429 and no more e-mails."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (3, 3600)}
    codes = [
        client.post(reverse("password_reset"), {"email": "x@example.org"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [302, 302, 302]
    assert codes[3:] == [429, 429]


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production_settings():
    """Production hashing is Argon2 (tests use a fast hasher on purpose)."""
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "dashmentor.settings", "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip().endswith("Argon2PasswordHasher"), out.stderr


def _all_views(patterns=None, prefix=""):
    from django.urls import URLPattern, URLResolver, get_resolver

    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf():
    """Every URL of the portal (admin included) keeps Django's CSRF check,
    but the JSON API's: it reads no cookie for a write (a personal token in
    the Authorization header, which another site cannot make a browser send;
    ``tests/api/test_auth.py`` posts with a signed-in session and is refused)."""
    from django.conf import settings
    from rest_framework.views import APIView

    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    exempt = [
        url
        for url, view in _all_views()
        if getattr(view, "csrf_exempt", False)
        and not (
            url.startswith("api/") and issubclass(getattr(view, "cls", object), APIView)
        )
    ]
    assert not exempt


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(staff_user):
    """A form posted from another site (no token) is refused with 403, signed
    in or not, and writes nothing."""
    from django.test import Client

    from dashmentor.models import Organization

    client = Client(enforce_csrf_checks=True)
    user = factories.UserFactory()
    response = client.post(
        reverse("login"), {"username": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("applications:organization"),
        {"name": "Forged", "org_type": "501c3", "ein": "123456789"},
    )
    assert response.status_code == 403
    assert not Organization.objects.filter(name="Forged").exists()
