"""Create a database store and bring its schema up to date: plain SQL files applied in order.

``geo/store/sql/NNN_name.sql`` are the migrations, forward only. ``store init`` creates the
PostGIS extension if it is missing, the store's schema and its ``schema_version`` table,
then applies, each in its own transaction, every file whose number is above the version
recorded. Concurrent inits queue on an advisory lock; applying them again does nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors, sql

from geo.store.location import redact
from geo.store.pg_connect import DatabaseStoreError, connect, translate

if TYPE_CHECKING:
    from geo.store.location import DatabaseLocation

log = logging.getLogger(__name__)
_MIGRATION = re.compile(r"(\d{3})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file: its version number, name and text."""

    version: int
    name: str
    text: str


def migrations() -> list[Migration]:
    """Return the migrations shipped with the code, in order."""
    found = []
    for entry in resources.files("geo.store").joinpath("sql").iterdir():
        match = _MIGRATION.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def init_store(location: DatabaseLocation) -> tuple[int, list[str]]:
    """Create the store at ``location`` or migrate it; return its version and what was applied.

    Raises
    ------
    DatabaseStoreError
        The database cannot be reached, PostGIS cannot be created by this role, or a
        migration fails (it is rolled back whole).
    """
    conn = connect(location, what="store init")
    try:
        postgis_schema = _ensure_postgis(conn, location)
        schema = sql.Identifier(location.schema)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
        conn.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(location.schema, "schema_version"))
        )
        conn.commit()
        applied = [
            f"{migration.version:03d}_{migration.name}"
            for migration in migrations()
            if _apply(conn, location, migration, postgis_schema)
        ]
        version = max((m.version for m in migrations()), default=0)
    except psycopg.Error as exc:
        raise translate(exc, location, what="store init") from None
    finally:
        conn.close()
    return version, applied


def _ensure_postgis(conn: psycopg.Connection[tuple[Any, ...]], location: DatabaseLocation) -> str:
    """Create PostGIS if missing (needs a superuser or a trusted install); return its schema."""
    query = "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'"
    row = conn.execute(query).fetchone()
    if row is None:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except (
            errors.InsufficientPrivilege,
            errors.FeatureNotSupported,
            errors.UndefinedFile,
        ) as exc:
            conn.rollback()
            msg = (
                f"{location}: PostGIS is not installed in this database and this role cannot "
                f"install it ({str(exc).strip().splitlines()[0]}); ask a superuser to run "
                "CREATE EXTENSION postgis; in it (Debian: apt-get install postgresql-postgis)"
            )
            raise DatabaseStoreError(redact(msg)) from None
        conn.commit()
        row = conn.execute(query).fetchone()
    return str(row[0]) if row is not None else "public"


def _apply(
    conn: psycopg.Connection[tuple[Any, ...]],
    location: DatabaseLocation,
    migration: Migration,
    postgis_schema: str,
) -> bool:
    """Apply one migration in its own transaction unless recorded; return whether applied."""
    version_table = sql.Identifier(location.schema, "schema_version")
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"idlib-map:migrate:{location.schema}"],
        )
        done = conn.execute(
            sql.SQL("SELECT 1 FROM {} WHERE version = %s").format(version_table),
            [migration.version],
        ).fetchone()
        if done is not None:
            return False
        conn.execute(
            sql.SQL("SET LOCAL search_path TO {}, {}").format(
                sql.Identifier(location.schema), sql.Identifier(postgis_schema)
            )
        )
        conn.execute(migration.text.encode("utf-8"))  # a trusted file shipped with the code
        conn.execute(
            sql.SQL("INSERT INTO {} (version, name) VALUES (%s, %s)").format(version_table),
            [migration.version, migration.name],
        )
    log.info("%s: applied migration %03d_%s", location, migration.version, migration.name)
    return True
