"""Celery tasks of the outbox: they take ids, and every one is safe to run twice.

Tasks are acknowledged late and given back when a worker dies
(``CELERY_TASK_ACKS_LATE``, ``CELERY_TASK_REJECT_ON_WORKER_LOST``); a task that
runs a second time finds its rows already claimed or sent and does nothing.
"""

import logging

from celery import shared_task

from . import reminders, services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.message_send_task")
def message_send_task(message_id: int) -> None:
    """Send one message (kept for callers that queue a single id)."""
    result = services.message_send_batch(message_ids=[message_id])
    services.schedule_retries(result)


@shared_task(name="notifications.tasks.message_send_batch_task")
def message_send_batch_task(message_ids: list[int]) -> dict:
    """Send a batch over one SMTP connection; queue the short retries."""
    result = services.message_send_batch(message_ids=message_ids)
    services.schedule_retries(result)
    return {
        "sent": len(result.sent),
        "retry": len(result.retry),
        "failed": len(result.failed),
        "skipped": len(result.skipped),
    }


@shared_task(name="notifications.tasks.outbox_sweep_task")
def outbox_sweep_task() -> dict:
    """Hand out again what a dead worker or a down broker left behind."""
    result = services.outbox_sweep()
    if result.pending or result.stuck_queued or result.stuck_sending:
        logger.info("outbox sweep: %s", result)
    return result.__dict__


@shared_task(name="notifications.tasks.reminders_scan_task")
def reminders_scan_task() -> dict:
    """Write the reminders that are due; each is unique, so a rerun adds none."""
    counts = reminders.reminders_scan()
    if any(counts.values()):
        logger.info("reminders scan: %s", counts)
    return counts
