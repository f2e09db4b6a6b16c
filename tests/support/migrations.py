"""Move the test database to a migration and back: the tests of data migrations.

``migrate([("applications", "0008_...")])`` applies or unapplies what it takes
to stand at those migrations and returns the models as they stood there;
``migrate(latest())`` puts every app back. Three test modules had a copy each.
"""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the database to ``targets``; the models (an app registry) there."""
    return MigrationExecutor(connection).migrate(targets).apps


def latest() -> list[tuple[str, str]]:
    """The last migration of every app."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
