"""Admin pages: placement and awards in placement/admin, the year in year/admin."""

from .placement import admin as placement_admin  # noqa: F401 - registers the models
from .year import admin as year_admin  # noqa: F401 - registers the models
