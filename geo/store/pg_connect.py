"""Connections to a database store, and its errors as one clear line naming the store.

Every message goes through :func:`geo.store.location.redact`, and the store is named by its
URL, which never holds a password (:mod:`geo.store.location` refuses one). Server messages
are cut to their first line, so a command that fails prints one line.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors, sql

from geo.errors import DataFileError
from geo.store.location import redact

if TYPE_CHECKING:
    from collections.abc import Iterator

    from geo.store.location import DatabaseLocation

log = logging.getLogger(__name__)


def _not_a_second_report(record: logging.LogRecord) -> bool:
    """Drop psycopg's "error ignored terminating <Pipeline>/<Copy>" warning.

    psycopg logs it when closing a pipeline or COPY fails while an error is already on its
    way out, which is the lost connection the command then reports in its one line.
    """
    return not str(record.msg).startswith("error ignored terminating")


logging.getLogger("psycopg").addFilter(_not_a_second_report)
CONNECT_TIMEOUT_S = 10
#: The schema version this code reads and writes (the last file in geo/store/sql/).
SCHEMA_VERSION = 2


class DatabaseStoreError(DataFileError):
    """The database store could not be reached, or refused what was asked of it."""


class ChangeInDoubtError(DatabaseStoreError):
    """The connection was lost while a change was being committed: it may have been saved."""


def connect(location: DatabaseLocation, *, what: str) -> psycopg.Connection[tuple[Any, ...]]:
    """Open a connection to the store (UTF-8, not in autocommit).

    Raises
    ------
    DatabaseStoreError
        The server cannot be reached or refuses the login, naming the store and ``what``.
    """
    try:
        return psycopg.connect(
            location.conninfo,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="idlib-map",
            client_encoding="UTF8",
        )
    except psycopg.Error as exc:
        msg = f"{location}: cannot connect for {what}: {_first_line(exc)}"
        raise DatabaseStoreError(redact(msg)) from None


@contextlib.contextmanager
def session(
    location: DatabaseLocation, *, what: str
) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """Connect, check the store's schema version, and turn database errors into one line.

    The caller commits; on any error the transaction is rolled back (by the server, when
    the connection is lost) and nothing of it is kept.
    """
    conn = connect(location, what=what)
    try:
        check_version(conn, location)
        yield conn
    except DataFileError:
        raise
    except psycopg.Error as exc:
        raise translate(exc, location, what=what) from None
    finally:
        conn.close()


def commit(
    conn: psycopg.Connection[tuple[Any, ...]], location: DatabaseLocation, *, what: str
) -> None:
    """Commit; a connection lost during the commit is reported as in doubt.

    Raises
    ------
    ChangeInDoubtError
        The server did not confirm the commit: the change may or may not be saved.
    """
    try:
        conn.commit()
    except psycopg.OperationalError as exc:
        msg = (
            f"{location}: the connection was lost while {what} was being committed "
            f"({_first_line(exc)}); it may or may not have been saved: look at the store "
            "(e.g. `store history ID`, or build the map) before doing it again (an add made "
            "twice is refused as entered twice)"
        )
        raise ChangeInDoubtError(redact(msg)) from None


def check_version(conn: psycopg.Connection[tuple[Any, ...]], location: DatabaseLocation) -> int:
    """Return the store's schema version; raise if there is no store or it is too new/old."""
    query = sql.SQL("SELECT max(version) FROM {}").format(
        sql.Identifier(location.schema, "schema_version")
    )
    try:
        row = conn.execute(query).fetchone()
    except errors.UndefinedTable:
        conn.rollback()
        msg = (
            f"{location}: no incident store in schema {location.schema!r} of this database; "
            f"create it with `build_map.py store init {location}`"
        )
        raise DatabaseStoreError(redact(msg)) from None
    except errors.InsufficientPrivilege:
        conn.rollback()
        msg = (
            f"{location}: this role may not read the incident store in schema "
            f"{location.schema!r}; ask for the {location.schema}_reader (or _analyst) role"
        )
        raise DatabaseStoreError(redact(msg)) from None
    version = int(row[0]) if row is not None and row[0] is not None else 0
    if version < SCHEMA_VERSION:
        msg = (
            f"{location}: the store's schema is at version {version}, this idlib-map needs "
            f"{SCHEMA_VERSION}; migrate it with `build_map.py store init {location}`"
        )
        raise DatabaseStoreError(redact(msg))
    if version > SCHEMA_VERSION:
        msg = (
            f"{location}: the store's schema is at version {version}, newer than this "
            f"idlib-map knows ({SCHEMA_VERSION}); update idlib-map"
        )
        raise DatabaseStoreError(redact(msg))
    return version


def translate(exc: psycopg.Error, location: DatabaseLocation, *, what: str) -> DatabaseStoreError:
    """Return the one-line error a command prints for a database error during ``what``."""
    detail = _first_line(exc)
    if isinstance(exc, errors.InsufficientPrivilege):
        msg = (
            f"{location}: the database refused {what}: {detail}. This role may not do it; a "
            f"read-only role ({location.schema}_reader) can build maps but not change the "
            f"store, which needs the {location.schema}_analyst role"
        )
    elif isinstance(exc, errors.CheckViolation):
        column = _constraint_column(exc)
        msg = (
            f"{location}: the database refused {what}: column {column!r} breaks its rule ({detail})"
        )
    elif isinstance(exc, psycopg.OperationalError):
        msg = (
            f"{location}: the connection was lost during {what} ({detail}); nothing of it "
            "was saved. Do it again once the server is back"
        )
    else:
        msg = f"{location}: the database refused {what}: {detail}"
    return DatabaseStoreError(redact(msg))


def require_privilege(
    conn: psycopg.Connection[Any], location: DatabaseLocation, privilege: str, *, what: str
) -> None:
    """Refuse clearly, before any work, when this role lacks ``privilege`` on incidents."""
    row = conn.execute(
        "SELECT session_user, has_table_privilege(%s, %s)",
        [f"{location.schema}.incidents", privilege],
    ).fetchone()
    if row is not None and not row[1]:
        msg = (
            f"{location}: the database refused to {what}: role {row[0]!r} may read this "
            f"store but not change it; that needs the {location.schema}_analyst role "
            f"(GRANT {location.schema}_analyst TO {row[0]})"
        )
        raise DatabaseStoreError(redact(msg))


def set_analyst(conn: psycopg.Connection[Any], analyst: str) -> None:
    """Name the analyst for the history trigger, for this transaction only."""
    conn.execute("SELECT set_config('idlib.analyst', %s, true)", [analyst])


def extra_columns(conn: psycopg.Connection[Any], location: DatabaseLocation) -> list[str]:
    """Return the names of the store's extra CSV columns, in their order."""
    query = sql.SQL("SELECT name FROM {} ORDER BY position").format(
        sql.Identifier(location.schema, "store_columns")
    )
    return [str(row[0]) for row in conn.execute(query)]


def _constraint_column(exc: psycopg.Error) -> str:
    name = exc.diag.constraint_name or ""
    return name.removeprefix("incidents_").removesuffix("_check") or "?"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def store_lock_key(location: DatabaseLocation) -> str:
    """Return the text of the store's advisory lock (adds share it; a merge holds it alone)."""
    return f"idlib-map:{location.schema}"


def event_lock_key(location: DatabaseLocation, event_date: str, sub_event_type: str) -> str:
    """Return the text of the advisory lock of one day's events of one type."""
    return f"idlib-map:{location.schema}:{event_date}:{sub_event_type}"
