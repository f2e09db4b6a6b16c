"""Placement and awards (placement_urls) and the mentorship year (year_urls)
share the ``cohorts`` namespace."""

from .placement_urls import urlpatterns as placement_urlpatterns
from .year_urls import urlpatterns as year_urlpatterns

app_name = "cohorts"

urlpatterns = [*placement_urlpatterns, *year_urlpatterns]
