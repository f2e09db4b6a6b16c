from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("my/", views.applicant_home, name="applicant-home"),
    path("rounds/<slug:slug>/", views.round_detail, name="round-detail"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("reviews/", views.reviewer_queue, name="reviewer-queue"),
    path("staff/applications/", views.staff_review_list, name="staff-review-list"),
]
