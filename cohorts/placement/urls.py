from django.urls import path

from . import views

PLACEMENT = "staff/rounds/<int:round_id>/placement/"
RUN = PLACEMENT + "runs/<int:run_id>/"

urlpatterns = [
    path("<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("staff/placement/", views.placement_round_list, name="placement-rounds"),
    path(PLACEMENT, views.placement_round, name="placement-round"),
    path(PLACEMENT + "compute/", views.placement_compute, name="placement-compute"),
    path(
        PLACEMENT + "rules/",
        views.placement_constraints,
        name="placement-constraints",
    ),
    path(
        PLACEMENT + "rules/<int:constraint_id>/delete/",
        views.placement_constraint_delete,
        name="placement-constraint-delete",
    ),
    path(PLACEMENT + "awards/", views.award_list, name="award-list"),
    path(PLACEMENT + "waitlist/", views.placement_waitlist, name="placement-waitlist"),
    path(
        PLACEMENT + "waitlist/offer/",
        views.placement_waitlist_offer,
        name="placement-waitlist-offer",
    ),
    path(
        RUN + "mentorships/<int:mentorship_id>/",
        views.placement_mentorship,
        name="placement-mentorship",
    ),
    path(
        RUN + "entries/<int:entry_id>/",
        views.placement_entry,
        name="placement-entry",
    ),
    path(RUN + "commit/", views.placement_commit, name="placement-commit"),
    path(RUN + "discard/", views.placement_discard, name="placement-discard"),
    path("staff/awards/<int:award_id>/", views.award_detail, name="award-detail"),
    path("awards/<int:award_id>/answer/", views.award_respond, name="award-respond"),
]
