from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import pages, reports, views
from .docs import SwaggerView
from .registry import register, router

app_name = "api"

register("rounds", views.RoundViewSet, basename="round")
register("mentorships", views.MentorshipViewSet, basename="mentorship")
register("applications", views.ApplicationViewSet, basename="application")
register("assignments", views.AssignmentViewSet, basename="assignment")
register("reviews", views.ReviewViewSet, basename="review")
register("awards", views.AwardViewSet, basename="award")
register("cohort-members", views.CohortMemberViewSet, basename="cohort-member")
register("events", views.EventViewSet, basename="event")
register("attendance", views.AttendanceViewSet, basename="attendance")
register("measures", views.MeasureViewSet, basename="measure")
register("affinity-groups", views.GroupViewSet, basename="affinity-group")
register("affinity-meetings", views.MeetingViewSet, basename="affinity-meeting")
register(
    "affinity-attendance",
    views.MeetingAttendanceViewSet,
    basename="affinity-attendance",
)
register(
    "collaboration-profiles",
    views.CollaborationProfileViewSet,
    basename="collaboration-profile",
)

urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path(
        "v1/reports/program/",
        reports.ProgramReportView.as_view(),
        name="report-program",
    ),
    path(
        "v1/reports/surveys/<int:pk>/",
        reports.SurveyReportView.as_view(),
        name="report-survey",
    ),
    path(
        "v1/reports/affinity-attendance/",
        reports.AffinityAttendanceView.as_view(),
        name="report-affinity-attendance",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Pages: personal tokens, and the staff's webhook endpoints.
    path("tokens/", pages.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token-revoke"),
    path("webhooks/", pages.endpoint_list, name="endpoint-list"),
    path("webhooks/new/", pages.endpoint_create, name="endpoint-create"),
    path("webhooks/<int:pk>/", pages.endpoint_detail, name="endpoint-detail"),
    path("webhooks/<int:pk>/edit/", pages.endpoint_edit, name="endpoint-edit"),
    path("webhooks/<int:pk>/rotate/", pages.endpoint_rotate, name="endpoint-rotate"),
    path("webhooks/<int:pk>/ping/", pages.endpoint_ping, name="endpoint-ping"),
    path(
        "webhooks/deliveries/<int:pk>/redeliver/",
        pages.delivery_redeliver,
        name="delivery-redeliver",
    ),
]
