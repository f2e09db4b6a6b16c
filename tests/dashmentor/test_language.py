"""The portal's language: the header switcher, the profile, the browser, e-mails.

A person reads the portal in the language of their profile when signed in,
else the one they chose in the header (a cookie), else their browser's, else
English; an unknown code anywhere is passed over without an error.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from dashmentor.languages import language_for
from notifications.models import Message
from notifications.services import message_enqueue
from tests import factories

pytestmark = pytest.mark.django_db

SWITCH = "/language/"


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_a_page_is_in_english_by_default(client):
    response = client.get("/")
    assert html_lang(response) == "en"
    assert "Sign in" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_the_switcher_works_signed_out_and_the_next_page_is_spanish(client):
    response = client.post(SWITCH, {"language": "es", "next": "/apply/signup/"})
    assert response.status_code == 302
    assert response["Location"] == "/apply/signup/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/")
    assert html_lang(page) == "es"
    body = page.content.decode()
    assert "Iniciar sesión" in body and "Crear una cuenta" in body
    # The switcher now offers English, named in English.
    assert 'value="en" class="nav-link btn btn-link" lang="en"' in body


def test_the_browser_language_is_used_until_one_is_chosen(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es-PR,es;q=0.9,en;q=0.5")
    assert html_lang(page) == "es"
    assert "Accept-Language" in page["Vary"]
    client.post(SWITCH, {"language": "en", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es-PR,es;q=0.9")
    assert html_lang(page) == "en"


@pytest.mark.parametrize(
    "how",
    [
        {"cookie": "xx"},
        {"browser": "xx-YY,zz;q=0.8"},
        {"post": "klingon"},
        {"cookie": "../../etc"},
    ],
)
def test_an_unknown_language_falls_back_to_english_without_an_error(client, how):
    if "cookie" in how:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = how["cookie"]
    if "post" in how:
        response = client.post(SWITCH, {"language": how["post"], "next": "/"})
        assert response.status_code == 302
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=how.get("browser", ""))
    assert page.status_code == 200
    assert html_lang(page) == "en"


def test_the_switcher_refuses_to_send_anyone_off_the_portal(client):
    response = client.post(
        SWITCH, {"language": "es", "next": "https://evil.example/phish"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("public-home")


def test_the_switcher_only_answers_a_post(client):
    assert client.get(SWITCH + "?language=es").status_code == 405


def test_signed_in_the_choice_is_kept_in_the_profile_for_every_device(
    client, client_as, applicant_user
):
    client_as(applicant_user)
    client.post(SWITCH, {"language": "es", "next": "/home/"})
    applicant_user.refresh_from_db()
    assert applicant_user.language == "es"
    # Another browser, English by its settings and with no cookie: the profile wins.
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    other.force_login(applicant_user)
    assert html_lang(other.get("/notifications/settings/")) == "es"


def test_switching_to_the_language_already_kept_writes_nothing(
    client, client_as, applicant_user, django_assert_num_queries
):
    applicant_user.language = "es"
    applicant_user.save()
    client_as(applicant_user)
    client.get("/notifications/settings/")
    from dashmentor.models import User

    before = User.objects.get(pk=applicant_user.pk)
    client.post(SWITCH, {"language": "es", "next": "/"})
    after = User.objects.get(pk=applicant_user.pk)
    assert [before.language, before.last_login] == [after.language, after.last_login]


def test_the_first_sign_in_keeps_the_language_the_person_read(client):
    user = factories.UserFactory(email="lectora@example.org")
    assert user.language == ""
    client.post(SWITCH, {"language": "es", "next": "/"})
    client.post(
        reverse("login"),
        {"username": user.email, "password": factories.PASSWORD},
    )
    user.refresh_from_db()
    assert user.language == "es"


def test_the_settings_page_changes_the_language(client, client_as, applicant_user):
    client_as(applicant_user)
    response = client.post(
        "/notifications/settings/",
        {"language": "es", "time_zone": applicant_user.time_zone, "receive": []},
        follow=True,
    )
    applicant_user.refresh_from_db()
    assert applicant_user.language == "es"
    assert html_lang(response) == "es"
    assert "Su configuración se ha guardado." in response.content.decode()
    # Back to the browser's language: the profile forgets the choice.
    client.post(
        "/notifications/settings/",
        {"language": "", "time_zone": applicant_user.time_zone, "receive": []},
    )
    applicant_user.refresh_from_db()
    assert applicant_user.language == ""


def test_an_email_is_written_in_its_recipients_language_whatever_the_page():
    spanish = factories.UserFactory(email="es@example.org", language="es")
    english = factories.UserFactory(email="en@example.org")
    with translation.override("es"):
        # A Spanish page writes to an English reader: English.
        to_english = message_enqueue(
            kind="general",
            to_email=english.email,
            subject=translation.gettext_lazy("Sign in"),
            template="notifications_notice",
            context={"body": "x"},
            key="t:1",
            recipient=english,
        )
    to_spanish = message_enqueue(
        kind="general",
        to_email=spanish.email,
        subject=translation.gettext_lazy("Sign in"),
        template="notifications_notice",
        context={"body": "x"},
        key="t:2",
        recipient=spanish,
    )
    assert Message.objects.get(pk=to_english.pk).subject == "Sign in"
    assert Message.objects.get(pk=to_spanish.pk).subject == "Iniciar sesión"
    assert language_for(None) == "en"
    with translation.override("es"):
        assert language_for(None) == "es"


def test_the_javascript_catalog_is_a_file_per_language_read_without_queries(
    client, client_as, applicant_user, django_assert_num_queries
):
    client_as(applicant_user)
    page = client.get("/notifications/settings/")
    assert '<script src="/jsi18n/en/"></script>' in page.content.decode()
    from django.test import Client

    with django_assert_num_queries(0):
        catalog = Client().get("/jsi18n/es/")
    assert catalog.status_code == 200
    assert "javascript" in catalog["Content-Type"]
    assert "cerrada" in catalog.content.decode()
    assert "public" in catalog["Cache-Control"]
    assert client.get("/jsi18n/xx/").status_code == 404
    assert client.get("/jsi18n/es-PR/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/", "/notifications/settings/", "/staff/", "/apply/staff/applications/"]
)
def test_a_page_runs_the_same_queries_in_either_language(
    client, client_as, staff_user, url, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.RoundFactory()
    client_as(staff_user)
    counts = {}
    for language in ("en", "es"):
        staff_user.language = language
        staff_user.save()
        client.get(url)  # the roles and the like, kept after the first page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert html_lang(response) == language
        counts[language] = len(queries)
    assert counts["es"] == counts["en"], counts
