"""The documented backup and restore (README), run for real on PostgreSQL."""

import shutil
import subprocess

import psycopg2
import pytest
from django.db import connection

from tests.dashmentor.test_transfer import build_round


def table_fingerprints(dsn: dict) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table."""
    with psycopg2.connect(**dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        tables = [row[0] for row in cur.fetchall()]
        found = {}
        for table in tables:
            cur.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "  # noqa: S608
                f"ORDER BY t::text), '')) FROM \"{table}\" t"
            )
            found[table] = cur.fetchone()
    return found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_then_pg_restore_into_an_empty_database_gives_the_same_data(tmp_path):
    """A backup restored into an empty database holds exactly the same rows."""
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is needed for the documented backup")
    build_round()
    settings_dict = connection.settings_dict
    dsn = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"] or "postgres",
        "host": settings_dict["HOST"] or "127.0.0.1",
        "port": settings_dict["PORT"] or 5432,
    }
    if settings_dict["PASSWORD"]:
        dsn["password"] = settings_dict["PASSWORD"]
    common = ["-h", str(dsn["host"]), "-p", str(dsn["port"]), "-U", dsn["user"]]
    dump = tmp_path / "portal.dump"
    subprocess.run(
        [
            "pg_dump",
            *common,
            "--format=custom",
            "--no-owner",
            "-f",
            str(dump),
            dsn["dbname"],
        ],
        check=True,
    )
    restored = f"{dsn['dbname']}_restore"
    admin = psycopg2.connect(**{**dsn, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cur.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                *common,
                "--no-owner",
                "--exit-on-error",
                "-d",
                restored,
                str(dump),
            ],
            check=True,
        )
        original = table_fingerprints(dsn)
        copy = table_fingerprints({**dsn, "dbname": restored})
        assert copy == original
        assert original["applications_score"][0] == 1
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.close()
