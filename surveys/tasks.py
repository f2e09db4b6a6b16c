"""Celery tasks of surveys: each takes ids, loads rows and calls a service.

Every task is safe to run twice: invitations are unique per (survey, address)
and written with their e-mail in one transaction, reminders are keyed per
offset, and a release only moves answers that are still waiting. None is
needed for the work to happen: the invitations sweep writes what a lost
dispatch left, and the surveys scan releases what a lost release left.
"""

from celery import shared_task

from . import services
from .models import Survey


@shared_task(name="surveys.tasks.surveys_scan_task")
def surveys_scan_task() -> dict:
    """Open due surveys, remind non-completers, close overdue ones, release."""
    return services.surveys_scan()


@shared_task(name="surveys.tasks.invitations_sweep_task")
def invitations_sweep_task() -> int:
    """Write every invitation an open survey still owes (beat, every minute)."""
    return services.invitations_sweep()


@shared_task(name="surveys.tasks.survey_dispatch_task")
def survey_dispatch_task(survey_id: int) -> int:
    """Write a survey's missing invitations now that it has opened."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.survey_dispatch(survey=survey)


@shared_task(name="surveys.tasks.invitations_send_task")
def invitations_send_task(survey_id: int, emails: list[str] | None = None) -> int:
    """A batch task queued before invitations were written by the dispatch
    itself: it writes every missing invitation of the survey, as the dispatch
    does (``emails`` is no longer needed)."""
    return survey_dispatch_task(survey_id)


@shared_task(name="surveys.tasks.survey_release_task")
def survey_release_task(survey_id: int) -> int:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    return services.survey_release(
        survey=survey, final=survey.status == Survey.Status.CLOSED
    )
