"""Task names are what the broker and beat know a task by: moving a module must
not change them, or queued messages and the schedule would name nothing."""

from django.conf import settings

from dashmentor.celery import app

# The names that messages already queued and beat schedules in use carry.
KNOWN_NAMES = {
    "applications.tasks.round_rescore_task",
    "applications.tasks.rounds_rescore_sweep_task",
    "cohorts.placement_tasks.award_offers_expire_task",
    "notifications.tasks.outbox_sweep_task",
    "notifications.tasks.reminders_scan_task",
    "notifications.tasks.message_send_task",
    "notifications.tasks.message_send_batch_task",
    "surveys.tasks.surveys_scan_task",
    "surveys.tasks.invitations_sweep_task",
    "affinity.tasks.group_emails_sweep_task",
}


def _registered() -> set[str]:
    # What a worker does at start: the autodiscovered tasks.py of each app and
    # the modules of CELERY_IMPORTS.
    app.loader.import_default_modules()
    return set(app.tasks)


def test_every_scheduled_task_is_registered_under_its_name():
    """Each beat entry names a task a worker knows."""
    registered = _registered()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= registered, scheduled - registered


def test_tasks_keep_the_names_queued_messages_carry():
    """The tasks of the review desk and the placement engine, now in their
    packages, still answer to the names they were queued under."""
    assert _registered() >= KNOWN_NAMES, KNOWN_NAMES - _registered()
