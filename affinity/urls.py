from django.urls import path

from . import views

app_name = "affinity"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("<int:pk>/", views.group_detail, name="group-detail"),
]
