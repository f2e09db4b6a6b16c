from django.urls import path

from . import views

year = "year/<int:award_pk>/"

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor-home"),
    path("mentee/", views.mentee_home, name="mentee-home"),
    path("program/", views.program_dashboard, name="program-dashboard"),
    path("dashboard/refresh/", views.dashboard_refresh, name="dashboard-refresh"),
    path(year, views.year_overview, name="year-overview"),
    path(f"{year}workplan/", views.workplan_detail, name="workplan-detail"),
    path(f"{year}workplan/goals/new/", views.goal_edit, name="goal-create"),
    path(f"{year}workplan/goals/<int:goal_pk>/", views.goal_edit, name="goal-edit"),
    path(
        f"{year}workplan/goals/<int:goal_pk>/delete/",
        views.goal_delete,
        name="goal-delete",
    ),
    path(
        f"{year}workplan/activities/<int:activity_pk>/status/",
        views.activity_status,
        name="activity-status",
    ),
    path(f"{year}workplan/submit/", views.workplan_submit, name="workplan-submit"),
    path(f"{year}workplan/review/", views.workplan_review, name="workplan-review"),
    path(
        f"{year}workplan/versions/<int:number>/",
        views.workplan_version,
        name="workplan-version",
    ),
    path(
        f"{year}workplan/timeline/", views.workplan_timeline, name="workplan-timeline"
    ),
    path(f"{year}success-goal/", views.success_goal, name="success-goal"),
    path(
        f"{year}success-goal/progress/", views.progress_create, name="progress-create"
    ),
    path(f"{year}logs/", views.action_logs, name="action-logs"),
    path(f"{year}logs/<int:log_pk>/comment/", views.log_comment, name="log-comment"),
    path(f"{year}check-ins/", views.check_in_notes, name="checkin-notes"),
    path(
        f"{year}check-ins/new/", views.checkin_note_create, name="checkin-note-create"
    ),
    path(f"{year}team/", views.personnel_report, name="personnel-report"),
    path("personnel/", views.personnel_list, name="personnel-list"),
    path("personnel/<int:pk>/apply/", views.personnel_apply, name="personnel-apply"),
    path("<int:mentorship_pk>/events/", views.event_list, name="event-list"),
    path("<int:mentorship_pk>/events/new/", views.event_create, name="event-create"),
    path("<int:mentorship_pk>/events/series/", views.event_series, name="event-series"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path(
        "events/<int:pk>/attendance/", views.event_attendance, name="event-attendance"
    ),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
