"""Placement tasks: expire waitlist offers nobody answered.

``award_offers_expire_task`` is safe to run from beat as often as wished: the
service re-reads each offer under a row lock and changes it only if it is still
offered and past its expiry.
"""

from celery import shared_task

from . import services


@shared_task(name="cohorts.placement_tasks.award_offers_expire_task")
def award_offers_expire_task() -> int:
    """Mark offers past their expiry as expired, freeing their seats."""
    return services.award_offers_expire()
