"""Placement and awards (placement/urls) and the mentorship year (year/urls)
share the ``cohorts`` namespace."""

from .placement.urls import urlpatterns as placement_urlpatterns
from .year.urls import urlpatterns as year_urlpatterns

app_name = "cohorts"

urlpatterns = [*placement_urlpatterns, *year_urlpatterns]
