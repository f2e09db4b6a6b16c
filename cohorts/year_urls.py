from django.urls import path

from . import views

urlpatterns = [
    path("mentor/", views.mentor_home, name="mentor-home"),
    path("mentee/", views.mentee_home, name="mentee-home"),
    path("program/", views.program_dashboard, name="program-dashboard"),
]
