"""Sign-up never tells whether an address already has an account; the owner of
a known address hears about the attempt by e-mail."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from dashmentor.models import User
from notifications.models import Kind, Message
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Rosa Diaz",
    "title": "Director",
    "time_zone": "America/Chicago",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def sign_up(email, client=None):
    client = client or Client()
    response = client.post(reverse("applications:signup"), {**SIGNUP, "email": email})
    return client, response


def page_after(client, response) -> str:
    """The page the browser shows next, without its per-session CSRF token."""
    html = client.get(response["Location"]).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def known():
    """An account in use for a while (it has signed in)."""
    return factories.UserFactory(
        email="known@example.org",
        full_name="Kim Known",
        date_joined=timezone.now() - dt.timedelta(days=30),
        last_login=timezone.now() - dt.timedelta(days=2),
    )


@pytest.mark.parametrize("spelling", ["known@example.org", "KNOWN@Example.org"])
def test_a_known_address_gets_the_same_answer_as_a_new_one(known, spelling):
    """Status, target and the page shown next are the same, word for word
    (apart from the address typed); no page says the account exists."""
    new_client, new = sign_up("fresh@example.org")
    known_client, again = sign_up(spelling)
    assert new.status_code == again.status_code == 302
    assert new["Location"] == again["Location"]
    new_page = page_after(new_client, new)
    known_page = page_after(known_client, again)
    assert new_page.replace("fresh@example.org", "X") == known_page.replace(
        spelling.lower(), "X"
    )
    assert "Check your inbox" in known_page
    assert "already exists" not in known_page
    assert "already" not in again.content.decode()
    # Neither is signed in: a new account signs in with its password.
    assert "_auth_user_id" not in new_client.session
    assert "_auth_user_id" not in known_client.session


def test_a_known_address_creates_nothing_and_its_owner_is_told(
    known, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("Known@example.org")
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    known.refresh_from_db()
    assert known.check_password(factories.PASSWORD)  # the posted one is ignored
    assert known.full_name == "Kim Known"
    notice = Message.objects.get(to_email=known.email)
    assert notice.kind == Kind.GENERAL
    assert notice.status == Message.Status.SENT
    assert "tried to create an account" in notice.subject
    # It links to the reset page, and carries no secret of its own.
    assert reverse("password_reset") in notice.body_text
    assert reverse("login") in notice.body_text
    assert "/accounts/reset/" not in notice.body_text
    assert "/apply/confirm/" not in notice.body_text
    assert not Message.objects.filter(kind=Kind.EMAIL_CONFIRMATION).exists()


def test_a_new_address_gets_its_account_and_confirmation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("Fresh@Example.org")
    user = User.objects.get(email="fresh@example.org")
    assert user.check_password(SIGNUP["password1"])
    assert Message.objects.filter(
        kind=Kind.EMAIL_CONFIRMATION, to_email="fresh@example.org"
    ).exists()
    # The new account signs in with the password chosen, and lands on the
    # organization profile, as the answer says.
    client = Client()
    response = client.post(
        reverse("login") + "?next=" + reverse("applications:organization"),
        {
            "username": "fresh@example.org",
            "password": SIGNUP["password1"],
            "next": reverse("applications:organization"),
        },
    )
    assert response["Location"] == reverse("applications:organization")


def test_repeated_attempts_tell_the_owner_once_an_hour(known):
    for _ in range(3):
        sign_up("known@example.org")
    assert Message.objects.filter(to_email=known.email).count() == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        sign_up("known@example.org")
    assert Message.objects.filter(to_email=known.email).count() == 2


def test_a_double_submit_makes_one_account_and_one_email():
    """Pressing twice: one account, its confirmation, and no "someone tried"
    notice to the person who just signed up."""
    client = Client()
    sign_up("twice@example.org", client)
    sign_up("twice@example.org", client)
    assert User.objects.filter(email="twice@example.org").count() == 1
    assert list(
        Message.objects.filter(to_email="twice@example.org").values_list(
            "kind", flat=True
        )
    ) == [Kind.EMAIL_CONFIRMATION]


def test_both_answers_hash_the_password(known, monkeypatch):
    """A known address costs the same password hashing as a new one, so the
    time of the answer does not tell them apart either."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    calls = []
    encode = hasher.__class__.encode

    def counting(self, password, salt, *args, **kwargs):
        calls.append(password)
        return encode(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher.__class__, "encode", counting)
    sign_up("fresh@example.org")
    new_calls = len(calls)
    calls.clear()
    sign_up("known@example.org")
    assert new_calls >= 1
    assert len(calls) == new_calls


def test_bad_input_still_says_what_is_wrong(known):
    """Validation errors unrelated to the address are shown as before."""
    _, response = sign_up("not-an-address")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert services.SIGNUP_CHECK_INBOX.split(":")[0] not in response.content.decode()
