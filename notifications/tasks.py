from celery import shared_task

from . import services


@shared_task(name="notifications.tasks.message_send_task")
def message_send_task(message_id: int) -> None:
    services.message_send(message_id=message_id)


@shared_task(name="notifications.tasks.outbox_sweep_task")
def outbox_sweep_task() -> None:
    """Re-queue messages left behind (filled in by the outbox work)."""


@shared_task(name="notifications.tasks.reminders_scan_task")
def reminders_scan_task() -> None:
    """Send the reminders that are due (filled in by the outbox work)."""
