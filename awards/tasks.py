"""Close-out's beat work: tranches that fell due, stopped tranches, and the
final-report reminders. Computed from the database each run, so a run lost
or run twice changes nothing more."""

from celery import shared_task

from . import reminders, services


@shared_task(name="awards.tasks.closeout_scan_task")
def closeout_scan_task() -> dict:
    """Make due what became due, stop what must stop, remind who must report."""
    return {
        "tranches": services.tranches_sweep(),
        "reminders": reminders.final_report_reminders_write(),
    }
