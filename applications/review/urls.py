from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.reviewer_queue, name="reviewer-queue"),
    path("reviews/<int:application_id>/", views.review_form, name="review-form"),
    path(
        "reviews/<int:application_id>/conflict/",
        views.review_conflict,
        name="review-conflict",
    ),
    path("staff/applications/", views.staff_review_list, name="staff-review-list"),
    path(
        "staff/applications/decide/",
        views.staff_bulk_decision,
        name="staff-bulk-decision",
    ),
    path(
        "staff/applications/<int:pk>/",
        views.staff_application_review,
        name="staff-application-review",
    ),
    path(
        "staff/applications/<int:pk>/decide/",
        views.staff_decide,
        name="staff-decide",
    ),
    path(
        "staff/applications/<int:pk>/assign/",
        views.staff_assign,
        name="staff-assign",
    ),
    path(
        "staff/assignments/<int:pk>/remove/",
        views.staff_unassign,
        name="staff-unassign",
    ),
    path(
        "staff/rounds/<slug:slug>/review/",
        views.staff_round_review,
        name="staff-round-review",
    ),
    path(
        "staff/rounds/<slug:slug>/assign/",
        views.staff_auto_assign,
        name="staff-auto-assign",
    ),
    path(
        "staff/rounds/<slug:slug>/release/",
        views.staff_release,
        name="staff-release",
    ),
    path("staff/rounds/<slug:slug>/ranked/", views.staff_ranked, name="staff-ranked"),
    path("staff/rounds/<slug:slug>/rubric/", views.staff_rubric, name="staff-rubric"),
]
