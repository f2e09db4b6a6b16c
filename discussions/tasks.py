from celery import shared_task

from . import digests


@shared_task
def digests_task():
    """Write the digests owed for the day and week that last ended (hourly)."""
    return digests.digests_run()
