"""The applicant side (applications/views.py) and the review desk
(applications/review/views.py) share the ``applications`` namespace."""

from django.urls import path

from . import views
from .outreach.urls import urlpatterns as outreach_urlpatterns
from .review.urls import urlpatterns as review_urlpatterns

app_name = "applications"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.email_confirm, name="email-confirm"),
    path(
        "confirm-again/",
        views.email_confirmation_resend,
        name="email-confirmation-resend",
    ),
    path("my/", views.applicant_home, name="applicant-home"),
    path("my/organization/", views.organization_edit, name="organization"),
    path("rounds/<slug:slug>/", views.round_detail, name="round-detail"),
    path("rounds/<slug:slug>/start/", views.application_start, name="start"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path(
        "applications/<int:pk>/edit/<slug:section>/",
        views.application_section,
        name="application-section",
    ),
    path(
        "applications/<int:pk>/submit/",
        views.application_submit,
        name="application-submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<int:pk>/print/",
        views.application_print,
        name="application-print",
    ),
    path(
        "staff/applications/<int:pk>/eligibility/",
        views.eligibility_override,
        name="eligibility-override",
    ),
    path(
        "staff/eligibility/<int:pk>/override/",
        views.eligibility_override_result,
        name="staff-eligibility-override",
    ),
    *review_urlpatterns,
    *outreach_urlpatterns,
]
