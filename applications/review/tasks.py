"""Background work of the review desk: each task takes ids, loads rows and
calls a service; each is safe to run twice."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from dashmentor import broker
from dashmentor.models import User

from ..models import Round
from . import services


@shared_task(name="applications.tasks.round_rescore_task")
def round_rescore_task(round_id: int, by_id: int | None = None) -> int:
    """Recompute a round's weighted totals and ranks after a rubric change."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return 0
    by = User.objects.filter(pk=by_id).first() if by_id else None
    return services.round_rescore(round=round_, by=by)


@shared_task(name="applications.tasks.rounds_rescore_sweep_task")
def rounds_rescore_sweep_task() -> int:
    """Queue again the recompute of rounds still marked stale long after a change.

    A recompute queued at commit can be lost (the broker was down) or fail; the
    round would say "being recomputed" for ever. Beat runs this every few
    minutes; a round marked for longer than ``RESCORE_STUCK_AFTER_SECONDS``
    (well above the longest honest run) gets a new task.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=settings.RESCORE_STUCK_AFTER_SECONDS)
    stuck = list(
        Round.objects.filter(totals_stale_since__lt=cutoff).values_list("pk", flat=True)
    )
    for round_id in stuck:
        broker.publish(round_rescore_task, [round_id])
    return len(stuck)
