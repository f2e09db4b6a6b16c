"""The demo program for tests, seeded once per run.

``seed_demo`` takes 10 to 25 seconds (it submits, reviews and scores about a
hundred applications of three rounds through the services, and runs a past
mentorship year), and several tests and modules read the program it makes.
The session fixture ``demo_snapshot`` runs the command once, on an empty
database, keeps the rows of every table, and empties the database
again. ``demo_snapshot.restore()`` writes those rows back, in about a second,
into a database that a test owns whole: a transactional test, or a module
fixture that opened database access (and empties the tables when it ends).
The rows are the ones the command wrote in this run, so what a test reads is
what ``seed_demo`` makes.

On PostgreSQL the rows travel with ``COPY``; on SQLite they are read into
memory and inserted again with ``executemany``, so a new user's run (SQLite,
nothing configured) seeds once as well. The files the seed writes (award
letters) are kept with the rows and written back into the media folder of
the process that restores them.

With several test processes (``make test``), the first process that needs the
snapshot seeds and leaves it in the run's temporary folder; the others read it
there instead of seeding again (a lock makes a process that needs it meanwhile
wait for it).
"""

from __future__ import annotations

import fcntl
import io
import pickle
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# Every demo account gets this password; tests that sign in through the form
# use it.
DEMO_PASSWORD = "a-long-demo-test-passphrase"


class DemoSnapshot:
    def __init__(
        self,
        output: str = "",
        tables: dict[str, bytes] | None = None,
        files: dict[str, bytes] | None = None,
    ):
        self.output = output
        self.tables = tables
        self.files = files or {}

    @classmethod
    def take(cls) -> DemoSnapshot:
        """Seed an empty database, copy out every table and the files the seed
        wrote, empty the database again."""
        from django.db import connection

        media = Path(settings.MEDIA_ROOT)
        before = media_files(media)
        output = seed()
        files = {
            name: (media / name).read_bytes() for name in media_files(media) - before
        }
        quote = connection.ops.quote_name
        tables = {}
        with connection.cursor() as cursor:
            for table in django_tables():
                if connection.vendor == "postgresql":
                    buffer = io.BytesIO()
                    cursor.copy_expert(f"COPY {quote(table)} TO STDOUT", buffer)
                    tables[table] = buffer.getvalue()
                else:
                    cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
                    columns = [column[0] for column in cursor.description]
                    tables[table] = (columns, cursor.fetchall())
        # As after a transactional test: no rows but the content types and
        # permissions that post_migrate writes.
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
        return cls(output, tables, files)

    def restore(self) -> str:
        """Put the demo program in the database; return the command's output."""
        if self.tables is None:
            return seed()
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        models = apps.get_models(include_auto_created=True)
        # Foreign keys are checked at commit, so the order of tables is free.
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
            for table, rows in self.tables.items():
                if connection.vendor == "postgresql":
                    cursor.copy_expert(
                        f"COPY {quote(table)} FROM STDIN", io.BytesIO(rows)
                    )
                    continue
                columns, values = rows
                if values:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                        values,
                    )
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        # The content types now have the seed's ids, not the cached ones.
        ContentType.objects.clear_cache()
        media = Path(settings.MEDIA_ROOT)
        for name, data in self.files.items():
            target = media / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return self.output


def seed() -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def django_tables() -> list[str]:
    from django.db import connection

    return sorted(
        connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    )


def media_files(media: Path) -> set[str]:
    """The files under the media folder, by their names relative to it."""
    if not media.exists():
        return set()
    return {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}


def shared_snapshot(folder: Path) -> DemoSnapshot:
    """The run's snapshot from ``folder`` (shared by the test processes), taken
    here by the first process that needs it."""
    path = folder / "demo-snapshot.pickle"
    with open(folder / "demo-snapshot.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return pickle.loads(path.read_bytes())  # noqa: S301 - written by this run
        snapshot = DemoSnapshot.take()
        written = path.with_suffix(".part")
        written.write_bytes(pickle.dumps(snapshot))
        written.replace(path)
        return snapshot


@pytest.fixture(scope="session")
def demo_snapshot(
    django_db_setup, django_db_blocker, tmp_path_factory, worker_id
) -> DemoSnapshot:
    """The demo program, seeded once per run: ``demo_snapshot.restore()``."""
    with django_db_blocker.unblock():
        if worker_id == "master":
            return DemoSnapshot.take()
        # Each process's temporary folder sits in the run's own.
        return shared_snapshot(tmp_path_factory.getbasetemp().parent)
