from celery import shared_task

from . import services


@shared_task
def review_reminders_task() -> int:
    """Remind reviewers before their reviews are due: computed from the
    database each time, under keys that make a second run write nothing."""
    return services.review_reminders_send()
