from django.urls import path

from . import review_views

urlpatterns = [
    path("reviews/", review_views.reviewer_queue, name="reviewer-queue"),
    path(
        "staff/applications/", review_views.staff_review_list, name="staff-review-list"
    ),
]
