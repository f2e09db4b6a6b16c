"""The sign-in lockout cannot be walked around, and the real owner has a way back."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dashmentor import signin
from notifications.models import Kind, Message
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "mentor.civic@example.org"


@pytest.fixture
def target():
    return factories.UserFactory(email=EMAIL)


def sign_in(username, password, *, address="198.51.100.1", client=None, **extra):
    client = client or Client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )
    return client, response


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "spelling",
    [
        "MENTOR.civic@example.org",
        "Mentor.Civic@Example.ORG",
        "  mentor.civic@example.org  ",
        "\uff4dentor.civic@example.org",  # a full-width "m": the same after NFKC
    ],
)
def test_changing_the_capitals_does_not_start_a_new_counter(target, spelling):
    """Five failures lock the account for that address under every spelling
    that sign-in accepts as the same login."""
    for _ in range(5):
        sign_in(EMAIL, "wrong-one")
    client, response = sign_in(spelling, factories.PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


@pytest.mark.parametrize("spelling", ["MENTOR.CIVIC@EXAMPLE.ORG", "Mentor.Civic@x"])
def test_failures_in_any_spelling_add_to_one_counter(target, spelling):
    spellings = ["MENTOR.civic@example.org", "mentor.CIVIC@example.org", spelling]
    for i in range(5):
        sign_in(spellings[i % len(spellings)].replace("@x", "@example.org"), "no")
    client, response = sign_in(EMAIL, factories.PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_sign_in_still_accepts_any_capitals_below_the_limit(target):
    client, response = sign_in("MENTOR.Civic@EXAMPLE.org", factories.PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_many_addresses_at_one_account_lock_the_account(target, settings):
    """Guessing spread over many addresses, each under its own limit, stops at
    the account's limit; the page says why."""
    settings.SIGNIN_ACCOUNT_FAILURE_LIMIT = 8
    for i in range(8):
        sign_in(EMAIL, "wrong", address=f"203.0.113.{i + 1}")
    client, response = sign_in(EMAIL, factories.PASSWORD, address="192.0.2.200")
    assert response.status_code == 429
    assert str(signin.LOCKED_ACCOUNT) in response.content.decode()
    assert not signed_in(client)
    # Other accounts are not affected.
    other = factories.UserFactory()
    client, response = sign_in(other.email, factories.PASSWORD, address="203.0.113.1")
    assert signed_in(client)


def test_one_address_at_many_accounts_locks_the_address(settings):
    """One password tried on many accounts from one address stops at the
    address's limit, for every account; other addresses sign in normally."""
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    users = factories.UserFactory.create_batch(7)
    for user in users[:6]:
        sign_in(user.email, "Summer2026!", address="203.0.113.9")
    client, response = sign_in(
        users[6].email, factories.PASSWORD, address="203.0.113.9"
    )
    assert response.status_code == 429
    assert str(signin.LOCKED_ADDRESS) in response.content.decode()
    assert not signed_in(client)
    client, _ = sign_in(users[6].email, factories.PASSWORD, address="198.51.100.77")
    assert signed_in(client)


def test_a_successful_sign_in_does_not_clear_the_address_counter(settings):
    """An attacker signing in to an account of its own between guesses does
    not reset what its address did to the others."""
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 4
    own = factories.UserFactory()
    victims = factories.UserFactory.create_batch(4)
    for victim in victims[:3]:
        sign_in(victim.email, "guess", address="203.0.113.9")
    client, _ = sign_in(own.email, factories.PASSWORD, address="203.0.113.9")
    assert signed_in(client)
    sign_in(victims[3].email, "guess", address="203.0.113.9")
    client, response = sign_in(own.email, factories.PASSWORD, address="203.0.113.9")
    assert response.status_code == 429


def test_behind_a_proxy_the_address_limit_holds_each_client_not_everyone(settings):
    """Behind a trusted proxy the address limit is the client's: one client
    spraying passwords does not lock its neighbours out."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    users = factories.UserFactory.create_batch(4)
    proxy = {"address": "10.0.0.5"}
    for user in users[:3]:
        sign_in(user.email, "guess", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    client, response = sign_in(
        users[3].email,
        factories.PASSWORD,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        **proxy,
    )
    assert response.status_code == 429
    client, _ = sign_in(
        users[3].email, factories.PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy
    )
    assert signed_in(client)


def test_the_locked_out_page_sends_the_reset_email_and_a_reset_lets_the_owner_in(
    target, settings, django_capture_on_commit_callbacks
):
    """The way back: the page's button queues the reset e-mail; setting a new
    password from it clears the account's lock and signs the owner in."""
    settings.SIGNIN_ACCOUNT_FAILURE_LIMIT = 6
    for i in range(6):
        sign_in(EMAIL, "wrong", address=f"203.0.113.{i + 1}")
    owner = Client()
    _, page = sign_in("Mentor.Civic@example.org", factories.PASSWORD, client=owner)
    assert page.status_code == 429
    html = page.content.decode()
    assert str(signin.WAY_BACK) in html
    assert f'action="{reverse("password_reset")}"' in html
    assert f'value="{EMAIL}"' in html

    response = owner.post(reverse("password_reset"), {"email": EMAIL})
    assert response.status_code == 302
    assert Message.objects.filter(kind=Kind.PASSWORD_RESET, to_email=EMAIL).count() == 1

    # The link of that e-mail (built as Django builds it).
    uid = urlsafe_base64_encode(force_bytes(target.pk))
    token = default_token_generator.make_token(target)
    link = reverse("password_reset_confirm", args=[uid, token])
    form_page = owner.get(link, follow=True)
    new_password = "a-new-and-long-passphrase"
    done = owner.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert done.status_code == 200
    assert signed_in(owner)
    assert "You are signed in" in done.content.decode()
    # The account's lock is lifted for every address: a fresh sign-in works.
    client, response = sign_in(EMAIL, new_password, address="192.0.2.44")
    assert signed_in(client)


def test_a_reset_signs_the_owner_in_even_when_its_address_is_locked(settings):
    """Sharing an address with someone who sprayed passwords, the owner gets
    in through the reset link."""
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 3
    users = factories.UserFactory.create_batch(4)
    for user in users[:3]:
        sign_in(user.email, "guess", address="203.0.113.9")
    owner = users[3]
    client, response = sign_in(owner.email, factories.PASSWORD, address="203.0.113.9")
    assert response.status_code == 429
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    page = client.get(
        reverse("password_reset_confirm", args=[uid, token]),
        REMOTE_ADDR="203.0.113.9",
        follow=True,
    )
    client.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
        REMOTE_ADDR="203.0.113.9",
    )
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_the_lockout_records_the_normalized_login():
    """What axes stores is the login as sign-in compares it."""
    from axes.models import AccessAttempt

    factories.UserFactory(email=EMAIL)
    sign_in("  MENTOR.Civic@Example.org ", "wrong")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [EMAIL]


def test_a_login_that_lower_case_lengthens_is_refused_like_any_other():
    """Lower case turns each "İ" into two characters: 254 of them (a login the
    form accepts) become 508, more than the lockout tables' column holds. The
    failure is counted under the first 255 and answered as a wrong password,
    never a server error (PostgreSQL refuses a longer value)."""
    login = "\u0130" * 254
    assert len(signin.normalize_login(login)) > signin.LOCKOUT_KEY_MAX
    _client, response = sign_in(login, "wrong-one")
    assert response.status_code == 200
    from axes.models import AccessAttempt

    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == signin.normalize_login(login)[: signin.LOCKOUT_KEY_MAX]
