from django.urls import path

from . import views

app_name = "affinity"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("reports/", views.report, name="report"),
    path("reports/<slug:which>.csv", views.report_csv, name="report-csv"),
    path("<int:pk>/", views.group_detail, name="group-detail"),
    path("<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("<int:pk>/join/", views.group_join, name="join"),
    path("<int:pk>/leave/", views.group_leave, name="leave"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path(
        "<int:pk>/roster/<int:member_pk>/decide/",
        views.roster_decide,
        name="roster-decide",
    ),
    path("<int:pk>/meetings/new/", views.meeting_form, name="meeting-create"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/",
        views.meeting_detail,
        name="meeting-detail",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/edit/",
        views.meeting_form,
        name="meeting-edit",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/notes/",
        views.meeting_notes,
        name="meeting-notes",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/attendance/",
        views.meeting_attendance,
        name="attendance",
    ),
    path("<int:pk>/check-ins/", views.checkin_list, name="checkins"),
    path("<int:pk>/check-ins/<slug:kind>/", views.checkin_form, name="checkin"),
    path("<int:pk>/email/", views.group_email, name="email"),
    path("<int:pk>/surveys/", views.surveys_create, name="surveys-create"),
    path("<int:pk>/drawing/", views.drawing, name="drawing"),
]
