"""Merges into a database store (``store push``, ``import-acled``): upserts on the event id.

One transaction holding the store's advisory lock alone: the stored rows with the incoming
ids are read, each incoming row is added, updated (only the columns the merge writes) or
left as it is, the new rows go in by COPY and the changed ones by one UPDATE each, and the
sequence moves past the highest ``SYR-IDL-`` number stored. Counts come back as
``import-acled`` reports them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from psycopg import sql

from geo.csvfile import lf_line_breaks
from geo.incidents.issues import IncidentValidationError, Issue
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.table import empty_table
from geo.store.pg_connect import (
    commit,
    extra_columns,
    require_privilege,
    session,
    set_analyst,
    store_lock_key,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import psycopg

    from geo.incidents.table import IncidentTable
    from geo.store.location import DatabaseLocation

#: A merge of more rows than this refreshes the planner's statistics.
ANALYZE_AFTER_ROWS = 1_000


def as_written(row: dict[str, str]) -> dict[str, str]:
    """Return the row as the CSV store would hold it after writing (a CR becomes LF)."""
    keys = list(row)
    return dict(zip(keys, lf_line_breaks([row[k] for k in keys]), strict=True))


def _table(location: DatabaseLocation, name: str) -> sql.Identifier:
    return sql.Identifier(location.schema, name)


def merge(  # noqa: PLR0913 - each option is one thing a merge must know
    location: DatabaseLocation,
    rows: list[dict[str, str]],
    *,
    lines: list[int],
    columns: tuple[str, ...],
    extras: list[str],
    analyst: str,
    check: Callable[[IncidentTable], object] | None,
    what: str,
    origin: str,
) -> tuple[int, int, int]:
    """Upsert ``rows`` on ``event_id_cnty``, writing only ``columns`` (and ``extras``).

    Returns (added, updated, unchanged). The merged rows pass ``check`` (the store's
    validation; None when ``rows`` are whole rows validated already) before anything is
    written; all of it is one transaction.
    """
    rows = [as_written(row) for row in rows]
    with session(location, what=what) as conn:
        require_privilege(conn, location, "UPDATE", what=f"write {what}")
        set_analyst(conn, analyst)
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [store_lock_key(location)],
        )
        known_extras = extra_columns(conn, location)
        existing = _existing(conn, location, [row["event_id_cnty"] for row in rows], known_extras)
        added, updated, merged_rows, merged_lines = [], [], [], []
        for row, line in zip(rows, lines, strict=True):
            before = existing.get(row["event_id_cnty"])
            if before is None:
                after = {c: row.get(c, "") for c in (*INCIDENT_COLUMNS, *extras)}
                added.append(after)
            elif any(before.get(c, "") != row.get(c, "") for c in (*columns, *extras)):
                after = before | {c: row.get(c, "") for c in (*columns, *extras)}
                updated.append(after)
            else:
                continue
            merged_rows.append(after)
            merged_lines.append(line)
        if check is not None:
            _check(check, merged_rows, merged_lines, origin)
        _record_extras(conn, location, known_extras, extras)
        all_extras = [*known_extras, *(e for e in extras if e not in known_extras)]
        _copy_in(conn, location, added, all_extras)
        _update(conn, location, updated, columns, extras)
        _advance_sequence(conn, location, [row["event_id_cnty"] for row in added])
        commit(conn, location, what=what)
        if len(added) + len(updated) > ANALYZE_AFTER_ROWS:
            _analyze(conn, location)
    return len(added), len(updated), len(rows) - len(added) - len(updated)


def _analyze(conn: psycopg.Connection[Any], location: DatabaseLocation) -> None:
    """Refresh the planner's statistics after a large merge (the owner only may)."""
    owner = conn.execute(
        "SELECT pg_has_role(tableowner, 'USAGE') FROM pg_tables "
        "WHERE schemaname = %s AND tablename = 'incidents'",
        [location.schema],
    ).fetchone()
    if owner is not None and owner[0]:
        conn.execute(sql.SQL("ANALYZE {}").format(_table(location, "incidents")))
        conn.commit()


def _existing(
    conn: psycopg.Connection[Any], location: DatabaseLocation, ids: list[str], extras: list[str]
) -> dict[str, dict[str, str]]:
    query = sql.SQL("SELECT {}, extra FROM {} WHERE event_id_cnty = ANY(%s)").format(
        sql.SQL(", ").join(map(sql.Identifier, INCIDENT_COLUMNS)), _table(location, "incidents")
    )
    found = {}
    for record in conn.execute(query, [ids]):
        row = dict(zip(INCIDENT_COLUMNS, (str(v) for v in record[:-1]), strict=True))
        row |= {name: str(record[-1].get(name, "")) for name in extras}
        found[row["event_id_cnty"]] = row
    return found


def _record_extras(
    conn: psycopg.Connection[Any], location: DatabaseLocation, known: list[str], extras: list[str]
) -> None:
    table = _table(location, "store_columns")
    for position, name in enumerate((e for e in extras if e not in known), start=len(known)):
        conn.execute(
            sql.SQL("INSERT INTO {} (position, name) VALUES (%s, %s)").format(table),
            [position, name],
        )


def _copy_in(
    conn: psycopg.Connection[Any],
    location: DatabaseLocation,
    rows: list[dict[str, str]],
    extras: list[str],
) -> None:
    if not rows:
        return
    query = sql.SQL("COPY {} ({}, extra) FROM STDIN").format(
        _table(location, "incidents"), sql.SQL(", ").join(map(sql.Identifier, INCIDENT_COLUMNS))
    )
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        for row in rows:
            extra = {name: row[name] for name in extras if row.get(name)}
            copy.write_row([*(row[c] for c in INCIDENT_COLUMNS), json.dumps(extra)])


def _update(
    conn: psycopg.Connection[Any],
    location: DatabaseLocation,
    rows: list[dict[str, str]],
    columns: tuple[str, ...],
    extras: list[str],
) -> None:
    if not rows:
        return
    targets = [c for c in columns if c != "event_id_cnty"]
    query = sql.SQL("UPDATE {} SET {}, extra = extra || %s::jsonb WHERE event_id_cnty = %s").format(
        _table(location, "incidents"),
        sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in targets),
    )
    params = [
        [*(row[c] for c in targets), json.dumps({e: row.get(e, "") for e in extras}),
         row["event_id_cnty"]]
        for row in rows
    ]  # fmt: skip
    with conn.cursor() as cursor:
        cursor.executemany(query, params)


def _advance_sequence(
    conn: psycopg.Connection[Any], location: DatabaseLocation, ids: list[str]
) -> None:
    """Let later adds number after the highest ``SYR-IDL-`` id just stored."""
    numbers = [int(i[8:]) for i in ids if i.startswith("SYR-IDL-") and i[8:].isdigit()]
    if not numbers:
        return
    sequence = _table(location, "event_number")
    conn.execute(
        sql.SQL(
            "SELECT setval({seq_name}, %s) FROM {seq} WHERE NOT is_called OR last_value < %s"
        ).format(seq_name=sql.Literal(f"{location.schema}.event_number"), seq=sequence),
        [max(numbers), max(numbers)],
    )


def _check(
    check: Callable[[IncidentTable], object],
    rows: list[dict[str, str]],
    lines: list[int],
    origin: str,
) -> None:
    table = empty_table()
    table.path = origin
    for row, line in zip(rows, lines, strict=True):
        table.append(row, line=line)
    try:
        check(table)
    except IncidentValidationError as exc:
        issues = [Issue(i.line, i.column, i.message) for i in exc.issues]
        raise IncidentValidationError(f"{origin} (nothing written)", issues) from None
