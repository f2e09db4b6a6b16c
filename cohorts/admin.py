"""Admin pages: placement and awards in placement_admin, the year in year_admin."""

from . import placement_admin, year_admin  # noqa: F401 - registers the models
