"""The directory's full-text index, on PostgreSQL only.

The expression is the one ``selectors.profile_search`` filters on
(``SearchVector("search_document", config="english")``), so PostgreSQL answers
a search from the index. SQLite has no such index; the directory falls back to
a plain search there.
"""

from django.db import migrations

INDEX = "peers_profile_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON peers_collaborationprofile "
        "USING gin (to_tsvector('english'::regconfig, "
        "COALESCE(search_document, '')))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("peers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
