"""The challenges' text-search vector, stored and kept by PostgreSQL.

A trigger (PostgreSQL's own ``tsvector_update_trigger``) fills
``search_vector`` from ``search_document`` on every insert and update, bulk
inserts included; the existing rows are filled here, and the GIN index moves
from the expression of 0002 to the column. Ranking a search that matches
thousands of challenges then reads the stored vectors instead of parsing every
document again (``bench/pages.py``: "challenges, searched"). SQLite keeps an
empty column; its search reads ``search_document``.
"""

import django.contrib.postgres.search
from django.db import migrations

FORWARD = [
    """
    CREATE TRIGGER discussions_challenge_search_vector
    BEFORE INSERT OR UPDATE OF search_document, search_vector
    ON discussions_challenge FOR EACH ROW EXECUTE FUNCTION
    tsvector_update_trigger(search_vector, 'pg_catalog.english', search_document)
    """,
    "UPDATE discussions_challenge SET search_vector = "
    "to_tsvector('pg_catalog.english', COALESCE(search_document, ''))",
    "DROP INDEX IF EXISTS discussions_challenge_search_gin",
    "CREATE INDEX IF NOT EXISTS discussions_challenge_vector_gin "
    "ON discussions_challenge USING gin (search_vector)",
    # Statistics for the new column now, not at the next autovacuum: without
    # them the planner takes every search for one match and joins row by row.
    "ANALYZE discussions_challenge",
]
BACKWARD = [
    "DROP INDEX IF EXISTS discussions_challenge_vector_gin",
    "DROP TRIGGER IF EXISTS discussions_challenge_search_vector "
    "ON discussions_challenge",
    "CREATE INDEX IF NOT EXISTS discussions_challenge_search_gin "
    "ON discussions_challenge USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(search_document, '')))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0002_search_index")]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
