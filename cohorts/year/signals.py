"""Keep the kept dashboard rows honest: whatever they read marks them stale.

Each receiver names the cohorts a saved row belongs to by a lookup from
``Mentorship`` and its id, so it runs one ``UPDATE`` and no query of its own;
the update is part of the change's own transaction, so rows computed before
the change can never be kept as current after it. Deletions are followed for
awards only (a receiver would make Django delete attendance and the like row
by row): the services that delete (a measure) also save what they keep, an
award moved to another cohort marks its old one (``award_move``), and the
rows' ``MAX_AGE`` bounds the rest.
"""

from django.db.models.signals import post_delete, post_save

from applications.models import Award, Round
from surveys.models import Invitation

from ..models import (
    ActionLog,
    Attendance,
    CheckInNote,
    CohortMember,
    DashboardCache,
    Event,
    Measure,
    Mentorship,
    ProgressEntry,
    SuccessGoal,
    WorkPlan,
    WorkPlanVersion,
)
from .reports import dashboard_invalidate

# model -> (lookup from Mentorship, the saved row's attribute holding its id)
WATCHED = {
    Attendance: ("events", "event_id"),
    Event: ("pk", "mentorship_id"),
    CheckInNote: ("awards", "award_id"),
    ActionLog: ("awards", "award_id"),
    WorkPlan: ("awards", "award_id"),
    WorkPlanVersion: ("awards__workplan", "workplan_id"),
    SuccessGoal: ("awards", "award_id"),
    Measure: ("awards__success_goal", "success_goal_id"),
    ProgressEntry: ("awards__success_goal__measures", "measure_id"),
    CohortMember: ("awards", "award_id"),
    Award: ("pk", "mentorship_id"),
    Round: ("round", "pk"),
}


def _changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return  # loading a fixture or an imported round: nothing is kept yet
    lookup, attribute = WATCHED[sender]
    value = getattr(instance, attribute)
    if value is None:
        return
    if lookup == "pk":
        dashboard_invalidate(mentorships=[value])
    else:
        dashboard_invalidate(
            mentorships=Mentorship.objects.filter(**{lookup: value}).values("pk")
        )


def _award_deleted(sender, instance, **kwargs) -> None:
    if instance.mentorship_id is not None:
        dashboard_invalidate(mentorships=[instance.mentorship_id])


def _survey_completed(sender, instance, raw=False, **kwargs) -> None:
    """A completion counts on the dashboards of its person's cohorts."""
    if raw or instance.completed_on is None or instance.user_id is None:
        return
    dashboard_invalidate(
        mentorships=Mentorship.objects.filter(
            awards__members__user_id=instance.user_id
        ).values("pk")
    )


def _mentorship_created(sender, instance, created, raw=False, **kwargs) -> None:
    """Give a new cohort its (empty) kept rows, so that changes have one to mark."""
    if created and not raw:
        DashboardCache.objects.get_or_create(mentorship=instance)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"dashboard-{model}")
    post_delete.connect(_award_deleted, sender=Award, dispatch_uid="dashboard-d-award")
    post_save.connect(
        _survey_completed, sender=Invitation, dispatch_uid="dashboard-invitation"
    )
    post_save.connect(
        _mentorship_created, sender=Mentorship, dispatch_uid="dashboard-mentorship"
    )
