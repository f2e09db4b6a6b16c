from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.my_surveys, name="my-surveys"),
    path("answer/<str:token>/", views.answer_by_token, name="answer"),
    path("<int:pk>/answer/", views.answer_signed_in, name="answer-signed-in"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    path("staff/", views.staff_survey_list, name="staff-survey-list"),
    path("staff/new/", views.survey_create, name="survey-create"),
    path("staff/<int:pk>/", views.survey_builder, name="survey-builder"),
    path("staff/<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("staff/<int:pk>/open/", views.survey_open, name="survey-open"),
    path("staff/<int:pk>/schedule/", views.survey_schedule, name="survey-schedule"),
    path("staff/<int:pk>/close/", views.survey_close, name="survey-close"),
    path("staff/<int:pk>/copy/", views.survey_copy, name="survey-copy"),
    path("staff/<int:pk>/sections/new/", views.section_create, name="section-create"),
    path("staff/sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path(
        "staff/sections/<int:pk>/delete/", views.section_delete, name="section-delete"
    ),
    path("staff/sections/<int:pk>/move/", views.section_move, name="section-move"),
    path(
        "staff/sections/<int:pk>/questions/new/",
        views.question_create,
        name="question-create",
    ),
    path("staff/questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path(
        "staff/questions/<int:pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path("staff/questions/<int:pk>/move/", views.question_move, name="question-move"),
    path("staff/<int:pk>/report/", views.survey_report, name="survey-report"),
    path(
        "staff/<int:pk>/report.csv", views.survey_report_csv, name="survey-report-csv"
    ),
    path("staff/<int:pk>/compare/", views.capacity_compare, name="capacity-compare"),
    path(
        "staff/<int:pk>/compare.csv",
        views.capacity_compare_csv,
        name="capacity-compare-csv",
    ),
]
