"""Close-out's beat work: tranches that fell due and tranches to stop,
computed from the database each run, so a run lost or run twice changes
nothing more. (The final-report reminders are a scan of the reminder scan:
``apps.py`` registers it.)"""

from celery import shared_task

from . import services


@shared_task(name="awards.tasks.closeout_scan_task")
def closeout_scan_task() -> dict:
    """Make due what became due and stop what must stop."""
    return {"tranches": services.tranches_sweep()}
