from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.my_surveys, name="my-surveys"),
    path("staff/", views.staff_survey_list, name="staff-survey-list"),
    path("staff/<int:pk>/report/", views.survey_report, name="survey-report"),
]
