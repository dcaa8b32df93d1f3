"""The two group roles of a database store: read-only (builds maps) and analyst (adds, edits).

``SCHEMA_reader``: may read the incidents, their history and the schema version: it can
build maps and pull the store, and every write is refused. ``SCHEMA_analyst``: the reader's
rights plus insert, update and delete of incidents (each recorded in the history by the
trigger), and the extra-column list ``store push`` keeps. Neither owns a table, so neither can
alter, drop or truncate one, nor change or delete the history (which is also append-only by
trigger, for its owner too). Both are NOLOGIN groups: people get them with
``GRANT idlib_analyst TO rima;`` (see the README's Team store section).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from geo.store.pg_connect import connect, session, translate

if TYPE_CHECKING:
    from geo.store.location import DatabaseLocation


def role_names(location: DatabaseLocation) -> tuple[str, str]:
    """Return the (read-only, analyst) role names of the store at ``location``."""
    return f"{location.schema}_reader", f"{location.schema}_analyst"


def create_roles(location: DatabaseLocation) -> list[str]:
    """Create the two roles if missing and grant them their rights; return what was done.

    Raises
    ------
    DatabaseStoreError
        This role may not create roles or grant (it must own the store and have CREATEROLE).
    """
    reader, analyst = (sql.Identifier(name) for name in role_names(location))
    schema = sql.Identifier(location.schema)

    def table(name: str) -> sql.Identifier:
        return sql.Identifier(location.schema, name)

    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, reader),
        sql.SQL("GRANT SELECT ON {}, {}, {}, {} TO {}").format(
            table("incidents"),
            table("incident_history"),
            table("store_columns"),
            table("schema_version"),
            reader,
        ),
        sql.SQL("GRANT {} TO {}").format(reader, analyst),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(table("incidents"), analyst),
        sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(table("store_columns"), analyst),
        # setval after a push of rows with ids (the ids of later adds continue after them).
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON SEQUENCE {} TO {}").format(
            table("event_number"), analyst
        ),
    ]
    done = []
    with session(location, what="store init --roles") as conn:
        for name in role_names(location):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
                done.append(f"created role {name}")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    done.append(f"granted {role_names(location)[0]} read and {role_names(location)[1]} write")
    return done


def current_rights(location: DatabaseLocation) -> tuple[str, bool, bool]:
    """Return (the role logged in, whether it may read, whether it may add) for ``doctor``."""
    conn = connect(location, what="doctor")
    try:
        table = f"{location.schema}.incidents"
        row = conn.execute(
            "SELECT session_user, has_table_privilege(%s, 'SELECT'), "
            "has_table_privilege(%s, 'INSERT')",
            [table, table],
        ).fetchone()
    except psycopg.Error as exc:
        raise translate(exc, location, what="doctor") from None
    finally:
        conn.close()
    if row is None:
        return "?", False, False
    return str(row[0]), bool(row[1]), bool(row[2])
