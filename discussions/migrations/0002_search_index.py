"""The full-text indexes of the challenges and posts, on PostgreSQL only.

The expressions are the ones ``selectors.challenge_search`` and
``selectors.thread_search`` filter on, so PostgreSQL answers from the index.
SQLite has none; the search falls back to every word there.
"""

from django.db import migrations

INDEXES = {
    "discussions_challenge_search_gin": (
        "discussions_challenge",
        "to_tsvector('english'::regconfig, COALESCE(search_document, ''))",
    ),
    "discussions_post_search_gin": (
        "discussions_post",
        "to_tsvector('english'::regconfig, COALESCE(body_text, ''))",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("discussions", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
