"""Tokens: hashed, scoped, revocable, rate limited; the session reads the
browsable pages only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import rules, services
from api.models import ApiToken
from applications.models import Decision
from dashmentor.models import AuditEvent
from tests import factories
from tests.applications.review_factories import SubmittedApplicationFactory

from .conftest import client_for, token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_only_the_hash_of_a_token_is_stored():
    user = factories.UserFactory()
    token, secret = services.token_create(user=user, name="CRM")
    row = ApiToken.objects.get(pk=token.pk)
    assert row.key_hash == rules.token_hash(secret)
    stored = " ".join(
        str(v) for v in ApiToken.objects.values().get(pk=token.pk).values()
    )
    assert secret not in stored
    assert secret[10:] not in stored


def test_a_token_acts_as_its_owner_with_its_roles():
    staff = factories.StaffFactory()
    response = client_for(staff).get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == staff.email
    assert response.json()["roles"] == ["staff"]
    assert response.json()["scopes"] == ["read"]


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer dmp_not-a-real-token-at-all-000000000000",
        "Bearer a b",
        "Token dmp_xxx",
    ],
)
def test_without_a_valid_token_the_api_answers_401(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_refused_request_is_told_why_in_the_language_it_asks_for():
    """The API follows ``Accept-Language``: its own refusals come in Spanish."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer dmp_not-a-real-token-000000000000")
    response = client.get(ME, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 401
    assert response.json()["detail"] == (
        "El token no es válido: es desconocido, fue revocado o venció."
    )
    staff = factories.StaffFactory()
    application = SubmittedApplicationFactory()
    refused = client_for(staff).post(
        f"/api/v1/applications/{application.pk}/decision/",
        {"outcome": "accept", "seen_version": 0},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es-PR,es;q=0.9",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Este token no tiene el permiso write:decisions."
    )
    english = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("The token is not valid")


def test_a_revoked_token_is_refused_at_once():
    user = factories.UserFactory()
    token, secret = services.token_create(user=user, name="BI")
    client = bearer(secret)
    assert client.get(ME).status_code == 200
    services.token_revoke(token=token, by=user)
    assert client.get(ME).status_code == 401


def test_an_expired_token_is_refused():
    user = factories.UserFactory()
    token, secret = services.token_create(
        user=user, name="BI", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert bearer(secret).get(ME).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused():
    user = factories.UserFactory()
    secret = token_for(user)
    user.is_active = False
    user.save()
    assert bearer(secret).get(ME).status_code == 401


def test_a_write_without_its_scope_is_403_and_writes_nothing():
    staff = factories.StaffFactory()
    application = SubmittedApplicationFactory()
    response = client_for(staff).post(
        f"/api/v1/applications/{application.pk}/decision/",
        {"outcome": "accept", "seen_version": 0},
        format="json",
    )
    assert response.status_code == 403
    assert "write:decisions" in response.json()["detail"]
    assert not Decision.objects.exists()


def test_a_signed_in_session_gets_no_json_and_writes_nothing(client):
    """A page of another site riding on the session cookie reads nothing as
    JSON and writes nothing: the API needs a token."""
    staff = factories.StaffFactory()
    application = SubmittedApplicationFactory()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(ME, HTTP_ACCEPT="application/json").status_code == 401
    response = client.post(
        f"/api/v1/applications/{application.pk}/decision/",
        {"outcome": "accept", "seen_version": 0},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Decision.objects.exists()
    # The browsable page opens for reading in a browser.
    page = client.get(ME, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert staff.email in page.content.decode()


@override_settings(RATE_LIMITS={"api": (3, 60), "api_anonymous": (2, 60)})
def test_past_the_rate_limit_the_api_answers_429_with_retry_after():
    user = factories.UserFactory()
    client = client_for(user)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(ME)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another token of another person has its own count.
    assert client_for(factories.UserFactory()).get(ME).status_code == 200
    # Without a token, the public resources count per address.
    anonymous = APIClient()
    assert anonymous.get("/api/v1/rounds/").status_code == 200
    assert anonymous.get("/api/v1/rounds/").status_code == 200
    assert anonymous.get("/api/v1/rounds/").status_code == 429


def test_tokens_page_makes_shows_once_and_revokes(client):
    user = factories.UserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("api:token-list")
    response = client.post(url, {"name": "Funder dashboard", "scopes": []})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert bearer(secret).get(ME).json()["token"] == "Funder dashboard"
    # Shown once: the list never shows it again.
    assert secret not in client.get(url).content.decode()
    # The same form sent twice makes one token.
    again = client.post(url, {"name": "Funder dashboard", "scopes": []})
    assert again.status_code == 400
    assert ApiToken.objects.filter(user=user).count() == 1
    token = ApiToken.objects.get(user=user)
    client.post(reverse("api:token-revoke", args=[token.pk]))
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_nobody_revokes_another_persons_token(client):
    owner, other = factories.UserFactory(), factories.UserFactory()
    token, secret = services.token_create(user=owner, name="CRM")
    client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert bearer(secret).get(ME).status_code == 200


def test_a_bad_token_form_says_why_and_makes_nothing(client):
    user = factories.UserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("api:token-list"), {"name": "", "scopes": ["write:everything"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_token_page_offers_only_the_writes_the_persons_roles_can_make(client):
    """A mentor is offered attendance, not decisions; asking for decisions
    anyway is refused with a reason and makes no token."""
    mentorship = factories.MentorshipFactory()
    mentor = factories.UserFactory()
    mentorship.mentors.add(mentor)
    client.force_login(mentor, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("api:token-list"))
    offered = {value for value, _label in page.context["form"].fields["scopes"].choices}
    assert offered == {"write:attendance"}
    refused = client.post(
        reverse("api:token-list"), {"name": "CRM", "scopes": ["write:decisions"]}
    )
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()
    made = client.post(
        reverse("api:token-list"), {"name": "CRM", "scopes": ["write:attendance"]}
    )
    assert made.status_code == 200
    assert ApiToken.objects.get().scopes == ["write:attendance"]
    # The service refuses it too, whatever form sends it.
    with pytest.raises(ValidationError):
        services.token_create(user=mentor, name="BI", scopes=["write:decisions"])


def test_an_applicant_is_offered_no_write_at_all(client):
    user = factories.UserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("api:token-list"))
    assert page.context["form"].fields["scopes"].choices == []
    assert "write:" not in page.content.decode()
