"""Background work of the affinity groups."""

from celery import shared_task

from . import services


@shared_task(
    name="affinity.tasks.group_email_send_task",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def group_email_send_task(email_id: int) -> None:
    """Queue a group e-mail to each admitted member; run twice, sends once."""
    services.group_email_send(email_id=email_id)


@shared_task(name="affinity.tasks.group_emails_sweep_task")
def group_emails_sweep_task() -> int:
    """Write the messages of group e-mails whose task was lost (beat, every minute).

    Only e-mails older than a minute: a younger one's own task is still due.
    """
    return services.group_emails_sweep(older_than_seconds=60)
