"""The delivery guarantee, in process: at least once, one message at most
repeated per killed worker, and the repeat recognisable by its Message-ID.

The fault tests with real processes measure the same under SIGKILL, broker
outages and Redis restarts (``test_faults.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Kind, Message
from notifications.services import message_enqueue, outbox_sweep
from tests import factories

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """A SIGKILL, as far as the sending code can tell: nothing runs after it."""


def test_a_worker_killed_after_the_server_accepted_repeats_that_message_only(
    client_as, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Each message is recorded sent as soon as the server accepts it, so a
    kill between an acceptance and its record repeats that one message: ten
    recipients, eleven e-mails, the repeat with the first copy's Message-ID,
    which staff find in the admin."""
    with django_capture_on_commit_callbacks():  # written; the batch is ours
        ids = [
            message_enqueue(
                kind=Kind.GENERAL,
                to_email=f"person{n}@example.org",
                subject=f"Notice {n}",
                template="notifications_notice",
                context={"body": "The meeting moved."},
                key=f"notice:{n}",
            ).pk
            for n in range(10)
        ]
    mark_sent = services._mark_sent
    marks = []

    def killed_at_the_fourth(message_id, claimed_at):
        marks.append(message_id)
        if len(marks) == 4:
            raise Killed
        mark_sent(message_id, claimed_at)

    monkeypatch.setattr(services, "_mark_sent", killed_at_the_fourth)
    with pytest.raises(Killed):
        services.message_send_batch(message_ids=ids)
    monkeypatch.setattr(services, "_mark_sent", mark_sent)
    statuses = Counter(Message.objects.values_list("status", flat=True))
    assert statuses == {"sent": 3, "sending": 1, "pending": 6}

    stuck = timezone.now() + dt.timedelta(
        seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 1
    )
    with time_machine.travel(stuck, tick=False):
        outbox_sweep()  # the one in flight goes back to pending
        outbox_sweep()
    assert Counter(Message.objects.values_list("status", flat=True)) == {"sent": 10}

    per_person = Counter(m.to[0] for m in mail.outbox)
    assert len(mail.outbox) == 11 and len(per_person) == 10
    ((repeated, times),) = [(p, n) for p, n in per_person.items() if n > 1]
    assert times == 2
    copies = [m for m in mail.outbox if m.to == [repeated]]
    assert (
        copies[0].extra_headers["Message-ID"] == copies[1].extra_headers["Message-ID"]
    )
    message_id = copies[0].extra_headers["Message-ID"]
    row = Message.objects.get(to_email=repeated)
    assert row.message_id_header == message_id

    staff = factories.StaffFactory()
    page = client_as(staff).get(
        reverse("admin:notifications_message_changelist"), {"q": message_id}
    )
    assert page.context["cl"].result_count == 1
    assert list(page.context["cl"].result_list) == [row]


def test_every_message_gets_its_message_id_when_written():
    """Written once, with the row: no setting changed later moves it."""
    message = message_enqueue(
        kind=Kind.GENERAL,
        to_email="person@example.org",
        subject="Hello",
        template="notifications_notice",
        context={"body": "Hello."},
        key="hello",
    )
    assert message.message_id_header.startswith("<outbox.")
    assert (
        Message.objects.filter(message_id_header=message.message_id_header).count() == 1
    )
