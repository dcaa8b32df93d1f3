"""Merges into a database store (``store push``, ``import-acled``): upserts on the event id.

One transaction holding the store's advisory lock alone. The incoming rows go by one COPY
into a temporary table; the rows a merge would add or change are found in SQL (and, for an
ACLED import, validated in Python as merged, before anything is written); then one
``INSERT … SELECT … ON CONFLICT (event_id_cnty) DO UPDATE … WHERE`` the row differs writes
them: new rows are inserted, changed ones updated (only the columns the merge writes), equal
ones left untouched, so the history triggers record exactly the rows added and changed
(inserts once per statement, updates row by row). The sequence moves past the highest
``SYR-IDL-`` number added. Counts come back as ``import-acled`` reports them.
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


def merge(
    location: DatabaseLocation,
    incoming: IncidentTable,
    *,
    columns: tuple[str, ...],
    extras: list[str],
    analyst: str,
    check: Callable[[IncidentTable], object] | None,
    what: str,
    origin: str,
) -> tuple[int, int, int]:
    """Upsert the ``incoming`` rows on ``event_id_cnty``, writing only ``columns`` (and ``extras``).

    Returns (added, updated, unchanged). The merged rows pass ``check`` (the store's
    validation; None when the rows are whole rows validated already) before anything is
    written; all of it is one transaction. Messages give the rows' ``incoming.lines``.
    """
    with session(location, what=what) as conn:
        require_privilege(conn, location, "UPDATE", what=f"write {what}")
        set_analyst(conn, analyst)
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [store_lock_key(location)],
        )
        known_extras = extra_columns(conn, location)
        _copy_incoming(conn, incoming, extras)
        if check is not None:
            _check(check, *_merged_rows(conn, location, columns, known_extras, extras), origin)
        _record_extras(conn, location, known_extras, extras)
        added, updated, highest = _upsert(conn, location, columns, extras)
        if highest is not None:
            _advance_sequence(conn, location, highest)
        commit(conn, location, what=what)
        if added + updated > ANALYZE_AFTER_ROWS:
            _analyze(conn, location)
    return added, updated, len(incoming) - added - updated


def _copy_incoming(
    conn: psycopg.Connection[Any], incoming: IncidentTable, extras: list[str]
) -> None:
    """Send the rows, as the CSV store would hold them, by one COPY into ``incoming``."""
    names = sql.SQL(", ").join(map(sql.Identifier, INCIDENT_COLUMNS))
    kinds = sql.SQL(", ").join(
        sql.SQL("{} text NOT NULL").format(sql.Identifier(c)) for c in INCIDENT_COLUMNS
    )
    conn.execute(
        sql.SQL(
            "CREATE TEMPORARY TABLE incoming (line integer NOT NULL, {}, extra jsonb NOT NULL) "
            "ON COMMIT DROP"
        ).format(kinds)
    )
    empty = [""] * len(incoming)
    known = [lf_line_breaks(incoming.data.get(c, empty)) for c in INCIDENT_COLUMNS]
    extra = [lf_line_breaks(incoming.data.get(name, empty)) for name in extras]
    query = sql.SQL("COPY pg_temp.incoming (line, {}, extra) FROM STDIN").format(names)
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        for i, line in enumerate(incoming.lines):
            given = {
                name: values[i] for name, values in zip(extras, extra, strict=True) if values[i]
            }
            copy.write_row([line, *(values[i] for values in known), json.dumps(given)])


def _differs(
    stored: str, incoming: str, columns: tuple[str, ...], extras: list[str]
) -> sql.Composed:
    """Return SQL that is true when ``incoming`` would change the ``stored`` row (NULL-safe).

    Extra columns compare as the CSV store shows them: an empty value is no value; the
    incoming ``extra`` holds only the non-empty ones. ``%(extras)s`` is their names.
    """
    left: list[sql.Composable] = [
        sql.SQL("{}.{}").format(sql.Identifier(stored), sql.Identifier(c)) for c in columns
    ]
    right: list[sql.Composable] = [
        sql.SQL("{}.{}").format(sql.Identifier(incoming), sql.Identifier(c)) for c in columns
    ]
    if extras:
        left.append(sql.SQL(
            "(SELECT coalesce(jsonb_object_agg(key, value), '{{}}') FROM jsonb_each({}.extra) "
            "WHERE key = ANY(%(extras)s::text[]) AND value <> '\"\"')"
        ).format(sql.Identifier(stored)))  # fmt: skip
        right.append(sql.SQL("{}.extra").format(sql.Identifier(incoming)))
    return sql.SQL("({}) IS DISTINCT FROM ({})").format(
        sql.SQL(", ").join(left), sql.SQL(", ").join(right)
    )


def _merged_rows(
    conn: psycopg.Connection[Any],
    location: DatabaseLocation,
    columns: tuple[str, ...],
    known_extras: list[str],
    extras: list[str],
) -> tuple[list[dict[str, str]], list[int]]:
    """Return the rows the merge would write, as merged, with their lines, in input order."""
    pick = [sql.SQL("t.{}").format(sql.Identifier(c)) for c in INCIDENT_COLUMNS]
    pick += [sql.SQL("s.{}").format(sql.Identifier(c)) for c in INCIDENT_COLUMNS]
    query = sql.SQL(
        "SELECT t.line, s.event_id_cnty IS NULL, t.extra, s.extra, {} FROM pg_temp.incoming t "
        "LEFT JOIN {} s ON s.event_id_cnty = t.event_id_cnty "
        "WHERE s.event_id_cnty IS NULL OR {} ORDER BY t.line"
    ).format(sql.SQL(", ").join(pick), _table(location, "incidents"),
             _differs("s", "t", columns, extras))  # fmt: skip
    width = len(INCIDENT_COLUMNS)
    merged, lines = [], []
    for record in conn.execute(query, {"extras": extras}):
        line, new, extra_in, extra_stored = record[:4]
        incoming = dict(zip(INCIDENT_COLUMNS, record[4 : 4 + width], strict=True))
        incoming |= {name: str(extra_in.get(name, "")) for name in extras}
        if new:
            merged.append(incoming)
        else:
            before = dict(zip(INCIDENT_COLUMNS, (str(v) for v in record[4 + width :]), strict=True))
            before |= {name: str(extra_stored.get(name, "")) for name in known_extras}
            merged.append(before | {c: incoming[c] for c in (*columns, *extras)})
        lines.append(int(line))
    return merged, lines


def _upsert(
    conn: psycopg.Connection[Any],
    location: DatabaseLocation,
    columns: tuple[str, ...],
    extras: list[str],
) -> tuple[int, int, int | None]:
    """Write the incoming rows in one statement; return added, updated, highest number added."""
    names = sql.SQL(", ").join(map(sql.Identifier, INCIDENT_COLUMNS))
    targets: list[sql.Composable] = [
        sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c))
        for c in columns
        if c != "event_id_cnty"
    ]
    if extras:
        targets.append(sql.SQL("extra = (stored.extra - %(extras)s::text[]) || EXCLUDED.extra"))
    query = sql.SQL(
        "WITH written AS (INSERT INTO {table} AS stored ({names}, extra) "
        "SELECT {names}, extra FROM pg_temp.incoming "
        "ON CONFLICT (event_id_cnty) DO UPDATE SET {targets} WHERE {differs} "
        "RETURNING stored.event_id_cnty AS id, stored.xmax = 0 AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), "
        "max(CASE WHEN inserted AND id ~ '^SYR-IDL-[0-9]{{1,18}}$' "
        "THEN substr(id, 9)::bigint END) FROM written"
    ).format(table=_table(location, "incidents"), names=names,
             targets=sql.SQL(", ").join(targets),
             differs=_differs("stored", "excluded", columns, extras))  # fmt: skip
    # xmax is 0 on a row version this statement inserted, the updater's xid on one it updated.
    result = conn.execute(query, {"extras": extras}).fetchone()
    if result is None:
        return 0, 0, None
    return int(result[0]), int(result[1]), None if result[2] is None else int(result[2])


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


def _record_extras(
    conn: psycopg.Connection[Any], location: DatabaseLocation, known: list[str], extras: list[str]
) -> None:
    table = _table(location, "store_columns")
    for position, name in enumerate((e for e in extras if e not in known), start=len(known)):
        conn.execute(
            sql.SQL("INSERT INTO {} (position, name) VALUES (%s, %s)").format(table),
            [position, name],
        )


def _advance_sequence(
    conn: psycopg.Connection[Any], location: DatabaseLocation, highest: int
) -> None:
    """Let later adds number after ``highest``, the highest ``SYR-IDL-`` number just added."""
    sequence = _table(location, "event_number")
    conn.execute(
        sql.SQL(
            "SELECT setval({seq_name}, %s) FROM {seq} WHERE NOT is_called OR last_value < %s"
        ).format(seq_name=sql.Literal(f"{location.schema}.event_number"), seq=sequence),
        [highest, highest],
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
