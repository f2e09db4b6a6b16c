"""Who may read the outbox, and the account takeover it allowed.

A limited staff account (``is_staff`` with no permission, as the demo's
``program@dash.test``) could read every message in the admin, a live
password-reset link among them: request a reset for the superuser while
signed out, read the link, set a password, sign in as the superuser. Now no
stored copy holds a link (they are made when sent: ``test_links.py``), and
reading what a message says is the ``notifications.view_message_body``
permission, which every staff kind is tested against here.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from dashmentor.models import User
from notifications.admin import BODY_HIDDEN
from notifications.demo import BODY_READERS_GROUP
from notifications.models import Kind, Message
from notifications.services import message_enqueue
from tests import factories
from tests.test_permission_matrix import (  # noqa: F401 - the world fixture
    EXPECTED,
    OK,
    world,
)

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"/accounts/reset/([^/\s\"'<>]+)/([^/\s\"'<>]+)/")
SECRET_WORDS = "The meeting room code is 4471."


def _body_readers() -> Group:
    group, _ = Group.objects.get_or_create(name=BODY_READERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_message_body"))
    return group


def _text(response) -> str:
    """A page's text, or a download's (a PDF, a file) read as far as it is text."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return body.decode(errors="replace")


def _staff_kinds() -> dict[str, User]:
    """Every kind of staff account the portal has."""
    lead = factories.StaffFactory(email="lead@example.org", is_superuser=True)
    reader = factories.StaffFactory(email="reader@example.org")
    reader.groups.add(_body_readers())
    # Staff who run the outbox (every model permission of it) but were not
    # given the right to read what messages say.
    operator = factories.StaffFactory(email="operator@example.org")
    operator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="notifications").exclude(
            codename="view_message_body"
        )
    )
    limited = factories.StaffFactory(email="associate@example.org")
    reviewer = factories.StaffFactory(email="staff.reviewer@example.org")
    reviewer.is_reviewer = True
    reviewer.save(update_fields=["is_reviewer"])
    return {
        "superuser": lead,
        "staff in the readers group": reader,
        "staff running the outbox": operator,
        "limited staff": limited,
        "reviewer who is staff": reviewer,
    }


MAY_READ = {"superuser", "staff in the readers group"}


@pytest.fixture
def staff_kinds(db):
    return _staff_kinds()


def _pages_of_the_outbox(client, message) -> dict[str, str]:
    """Every admin page that shows a stored message, as the client sees it."""
    pages = {
        "changelist": reverse("admin:notifications_message_changelist"),
        "search": reverse("admin:notifications_message_changelist")
        + f"?q={message.to_email}",
        "person": reverse("admin:notifications_message_changelist")
        + f"?person={message.to_email}",
        "change": reverse("admin:notifications_message_change", args=[message.pk]),
        "history": reverse("admin:notifications_message_history", args=[message.pk]),
        "own history": reverse("notifications:preferences"),
    }
    return {name: client.get(url).content.decode() for name, url in pages.items()}


@pytest.mark.parametrize("kind", [k for k, _ in Kind.choices])
def test_every_staff_kind_reads_message_text_only_with_the_permission(
    client, staff_kinds, kind
):
    """For a stored message of every kind: its text shows on the change page
    to the superuser and the readers group only; the others see its fate."""
    message = message_enqueue(
        kind=kind,
        to_email="person@example.org",
        subject="About the meeting",
        template="notifications_notice",
        context={"body": SECRET_WORDS},
        key="access-test",
    )
    url = reverse("admin:notifications_message_change", args=[message.pk])
    for name, user in staff_kinds.items():
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(url)
        assert page.status_code == 200, name
        text = page.content.decode()
        assert "About the meeting" in text, name
        if name in MAY_READ:
            assert SECRET_WORDS in text, name
        else:
            assert SECRET_WORDS not in text, name
            assert BODY_HIDDEN.replace('"', "&quot;") in text, name


def test_the_account_takeover_through_the_outbox_fails(
    client,
    staff_kinds,
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Signed out, ask a reset for the superuser; then, as every staff kind,
    read the outbox in the admin (every page and action), every staff page
    and export: no reset link anywhere. Every link-shaped string found is
    tried on the reset page, and none lets anyone set a password."""
    # The target: a superuser who does not sign in meanwhile (signing in
    # would itself void an earlier reset link).
    lead = factories.StaffFactory(email="director@example.org", is_superuser=True)
    page = client.post(reverse("password_reset"), {"email": lead.email})
    assert page.status_code == 302
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    assert message.recipient == lead
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED)

    found: dict[str, set] = {}
    staff_urls = [
        reverse(name, args=args(world) if args else None)
        for name, (args, expected) in sorted(EXPECTED.items())
        if expected["staff"] == OK
    ]
    for name, user in staff_kinds.items():
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        seen = _pages_of_the_outbox(client, message)
        # The admin's one action on messages, on the reset message.
        with django_capture_on_commit_callbacks(execute=True):
            action = client.post(
                reverse("admin:notifications_message_changelist"),
                {"action": "resend_failed", "_selected_action": [message.pk]},
                follow=True,
            )
        seen["action"] = action.content.decode()
        for url in staff_urls:
            seen[url] = _text(client.get(url))
        for where, text in seen.items():
            for link in RESET_LINK.findall(text):
                found.setdefault(link, set()).add(f"{name}: {where}")
        client.logout()

    # The attack's last steps, with whatever was found.
    stolen = "taken-over-passphrase-9431"
    for uid, token in found:
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        form = client.get(path, follow=True)
        client.post(
            form.redirect_chain[-1][0] if form.redirect_chain else path,
            {"new_password1": stolen, "new_password2": stolen},
        )
    lead.refresh_from_db()
    assert not lead.check_password(stolen)
    client.post(reverse("login"), {"username": lead.email, "password": stolen})
    assert "_auth_user_id" not in client.session
    assert not found, found
    # The stored copy, read with every right: a placeholder, no token.
    message.refresh_from_db()
    stored = " ".join(
        [message.body_text, message.body_html, message.idempotency_key, message.subject]
    )
    assert not RESET_LINK.search(stored)
    # The e-mail itself (sent by the resend) carries a working link: the
    # superuser's own mailbox is the only place it exists.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [lead.email]
    assert RESET_LINK.search(mail.outbox[0].body)


def test_a_guessed_or_stale_reset_link_sets_no_password(client, staff_kinds):
    """What an attacker could still try: the reset page with the superuser's
    uid and tokens that are not the one in the e-mail."""
    lead = staff_kinds["superuser"]
    client.post(reverse("password_reset"), {"email": lead.email})
    message = Message.objects.get(kind=Kind.PASSWORD_RESET)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(lead.pk))
    for token in ("set-password", message.idempotency_key.rsplit(":", 1)[-1]):
        page = client.get(
            reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
            follow=True,
        )
        assert "new_password1" not in page.content.decode()
    lead.refresh_from_db()
    assert lead.check_password(factories.PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_the_demo_lead_reads_message_text_and_the_associate_does_not(
    demo_snapshot, client
):
    """In the demo, the office lead is in the readers group and the program
    associate is not."""
    demo_snapshot.restore()
    lead = User.objects.get(email="staff@dash.test")
    associate = User.objects.get(email="program@dash.test")
    assert lead.groups.filter(name=BODY_READERS_GROUP).exists()
    assert lead.has_perm("notifications.view_message_body")
    assert not associate.has_perm("notifications.view_message_body")
    message = Message.objects.exclude(body_text="").first()
    url = reverse("admin:notifications_message_change", args=[message.pk])
    line = message.body_text.strip().splitlines()[0]
    client.force_login(associate, backend="django.contrib.auth.backends.ModelBackend")
    assert line not in client.get(url).content.decode()
    client.force_login(lead, backend="django.contrib.auth.backends.ModelBackend")
    assert line in client.get(url).content.decode()
