"""Background work of the peer network: the matching and the profiles' sync."""

from celery import shared_task

from . import services


@shared_task(name="peers.tasks.similarities_compute_task")
def similarities_compute_task() -> int | None:
    """Compute peers like us again if a profile changed (woken after a change).

    Only when something is marked: a burst of edits wakes it many times and
    the first run does the work for all of them.
    """
    return services.similarities_sweep()


@shared_task(name="peers.tasks.similarities_sweep_task")
def similarities_sweep_task() -> int | None:
    """The same, from beat every five minutes: finishes what a lost wake-up left."""
    return services.similarities_sweep()


@shared_task(name="peers.tasks.profiles_sync_task")
def profiles_sync_task() -> int:
    """Make the profiles of organizations that newly applied, mentor or joined."""
    return services.profiles_sync()
