from django.urls import path

from . import placement_views

urlpatterns = [
    path("<int:pk>/", placement_views.cohort_detail, name="cohort-detail"),
]
