"""Background work of the review desk: each task takes ids, loads rows and
calls a service; each is safe to run twice."""

from celery import shared_task

from dashmentor.models import User

from . import review_services
from .models import Round


@shared_task(name="applications.tasks.round_rescore_task")
def round_rescore_task(round_id: int, by_id: int | None = None) -> int:
    """Recompute a round's weighted totals and ranks after a rubric change."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return 0
    by = User.objects.filter(pk=by_id).first() if by_id else None
    return review_services.round_rescore(round=round_, by=by)
