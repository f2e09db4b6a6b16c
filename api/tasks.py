"""Celery tasks of the webhooks: they take ids, and every one is safe to run twice."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="api.tasks.webhook_deliver_batch_task")
def webhook_deliver_batch_task(delivery_ids: list[int]) -> dict:
    """Deliver a batch; queue the short retries."""
    result = services.webhook_deliver_batch(delivery_ids=delivery_ids)
    services.schedule_retries(result)
    return {
        "delivered": len(result.delivered),
        "retry": len(result.retry),
        "failed": len(result.failed),
        "skipped": len(result.skipped),
    }


@shared_task(name="api.tasks.webhook_sweep_task")
def webhook_sweep_task() -> dict:
    """Hand out what is due or what a dead worker or a down broker left."""
    result = services.webhook_sweep()
    if result.pending or result.stuck_queued or result.stuck_sending:
        logger.info("webhook sweep: %s", result)
    return result.__dict__
