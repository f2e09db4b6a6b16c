"""Tasks are safe to run twice."""

import pytest
from django.core import mail

from notifications.models import Kind, Message
from surveys.models import Invitation
from surveys.tasks import survey_dispatch_task, surveys_scan_task

pytestmark = pytest.mark.django_db


def test_dispatch_task_run_twice_sends_each_invitation_once(
    open_survey, django_capture_on_commit_callbacks
):
    survey, _q, _c = open_survey
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            survey_dispatch_task.delay(survey.pk)
    assert Invitation.objects.filter(survey=survey).count() == 9
    assert Message.objects.filter(kind=Kind.SURVEY_INVITATION).count() == 9
    assert len(mail.outbox) == 9
    assert len({m.to[0] for m in mail.outbox}) == 9


def test_scan_task_runs_on_an_empty_portal(db):
    # Run in process and read the result without .get(), which refuses to
    # block inside a process a Celery worker has run in.
    assert surveys_scan_task.apply().result == {
        "opened": 0,
        "reminded": 0,
        "closed": 0,
        "released": 0,
    }
