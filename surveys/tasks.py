"""Celery tasks of surveys: each takes ids, loads rows and calls a service.

Every task is safe to run twice: invitations are unique per (survey, address)
and written with their e-mail in one transaction, reminders are keyed per
offset, and a release only moves answers that are still waiting.
"""

from celery import shared_task

from . import services
from .models import Survey


@shared_task(name="surveys.tasks.surveys_scan_task")
def surveys_scan_task() -> dict:
    """Open due surveys, remind non-completers, close overdue ones, release."""
    return services.surveys_scan()


@shared_task(name="surveys.tasks.survey_dispatch_task")
def survey_dispatch_task(survey_id: int) -> int:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.survey_dispatch(survey=survey)


@shared_task(
    name="surveys.tasks.invitations_send_task",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def invitations_send_task(survey_id: int, emails: list[str]) -> int:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.invitations_send(survey=survey, emails=emails)


@shared_task(name="surveys.tasks.survey_release_task")
def survey_release_task(survey_id: int) -> int:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.survey_release(
        survey=survey, final=survey.status == Survey.Status.CLOSED
    )
