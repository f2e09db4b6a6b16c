"""The applicant side (applications/views.py) and the review desk
(applications/review_views.py) share the ``applications`` namespace."""

from django.urls import path

from . import views
from .review_urls import urlpatterns as review_urlpatterns

app_name = "applications"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("my/", views.applicant_home, name="applicant-home"),
    path("rounds/<slug:slug>/", views.round_detail, name="round-detail"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    *review_urlpatterns,
]
