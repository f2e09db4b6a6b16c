"""What other apps' records tell close-out: a work plan approved and an award
that left may change its tranches. The receivers only hand the award to
``services.tranches_update`` once the writer's transaction commits; the beat
scan (``tasks.closeout_scan_task``) does the same for whatever they miss."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _update_later(award_id: int) -> None:
    def run():
        from applications.models import Award

        from . import services

        try:
            services.tranches_update(award=Award(pk=award_id))
        except Exception:
            # The beat scan finishes it; the writer's page must not fail.
            logger.exception(
                "close-out: tranches of award %s left to the scan", award_id
            )

    transaction.on_commit(run)


def _workplan_version_saved(sender, instance, **kwargs):
    if instance.decision == "approved":
        _update_later(instance.workplan.award_id)


def _award_saved(sender, instance, **kwargs):
    from . import services

    if instance.status in services.LEAVING:
        _update_later(instance.pk)


def connect() -> None:
    from applications.models import Award
    from cohorts.models import WorkPlanVersion

    post_save.connect(
        _workplan_version_saved,
        sender=WorkPlanVersion,
        dispatch_uid="awards.workplan_version_saved",
    )
    post_save.connect(_award_saved, sender=Award, dispatch_uid="awards.award_saved")
