"""Late reviews and mailings, as the staff workspace sees them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from applications.models import ReviewAssignment
from staffdesk.models import ReviewSchedule
from tests import factories


def late_review(*, reviewer=None, round_=None, days_late=3, status="assigned"):
    """An unfinished assignment of a round whose reviews were due
    ``days_late`` days ago."""
    round_ = round_ or factories.RoundFactory()
    ReviewSchedule.objects.get_or_create(
        round=round_,
        defaults={
            "reviews_due_on": timezone.localdate() - dt.timedelta(days=days_late),
            "reminder_days": [7, 2],
        },
    )
    application = factories.ApplicationFactory(round=round_, status="submitted")
    return ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer or factories.ReviewerFactory(),
        status=status,
    )
