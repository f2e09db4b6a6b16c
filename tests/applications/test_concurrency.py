"""Two submit requests at the same moment (a double click) make one submission.

Row locks cannot be shown on SQLite, so this runs on PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from dashmentor.models import AuditEvent
from notifications.models import Kind, Message

from .factories import complete_application


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_create_one_submission():
    application = complete_application()
    user = application.created_by
    barrier = threading.Barrier(2)
    errors = []

    def submit():
        try:
            barrier.wait()
            services.application_submit(
                application=Application.objects.get(pk=application.pk), by=user
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.version == 1
    assert application.eligibility_results.count() == 5
    assert (
        AuditEvent.objects.filter(
            action="application.status", object_id=str(application.pk)
        ).count()
        == 1
    )
    assert (
        Message.objects.filter(
            kind=Kind.SUBMISSION_CONFIRMATION, to_email=user.email
        ).count()
        == 1
    )
