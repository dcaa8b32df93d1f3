"""The incident store in PostgreSQL behind the :class:`~geo.store.base.Store` calls.

Reads are one ``COPY … TO STDOUT (FORMAT csv, HEADER)`` in a read-only snapshot, shaped to
be byte for byte the CSV the file store writes (same columns and order, empty values
unquoted, rows by date then id in code-point order), so the build parses a database exactly
as a file. Writes validate with the file store's own checks first (geo.incidents.add,
geo.incidents.validate), then run in one transaction: an add takes the store's advisory lock
shared and one exclusive lock per (date, type) it adds, so two adds of the same event queue
and the second sees the first (the duplicate rule holds under concurrency); a merge (push,
ACLED import, :mod:`geo.store.pg_merge`) takes the store's lock alone. Every value reaches
the server as a parameter or through COPY, never inside SQL text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psycopg import sql

from geo.incidents.acled import ACLED_FIELDS, ImportReport, acled_rows
from geo.incidents.add import ADD_COLUMNS, check_new_rows
from geo.incidents.schema import INCIDENT_COLUMNS
from geo.incidents.store import StoreText
from geo.incidents.table import IncidentTable, parse_table
from geo.incidents.validate import validate
from geo.store.base import Change
from geo.store.pg_connect import (
    commit,
    event_lock_key,
    extra_columns,
    require_privilege,
    session,
    set_analyst,
    store_lock_key,
)
from geo.store.pg_merge import as_written, merge

if TYPE_CHECKING:
    from pathlib import Path

    import psycopg

    from geo.admin import AdminAreas
    from geo.places import Place
    from geo.store.location import DatabaseLocation


@dataclass(frozen=True, slots=True)
class DatabaseStore:
    """A store in a PostgreSQL schema created by ``store init``."""

    location: DatabaseLocation

    @property
    def name(self) -> str:
        """The store's URL (it holds no password)."""
        return str(self.location)

    def _table(self, name: str) -> sql.Identifier:
        return sql.Identifier(self.location.schema, name)

    # --- reading ----------------------------------------------------------------------------

    def read_text(self) -> StoreText:
        """Return the whole store as CSV bytes, in one COPY from one snapshot."""
        with session(self.location, what="reading the store") as conn:
            conn.commit()  # the version check's transaction; the snapshot starts here
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # The order index gives the rows sorted: never sort them again (spilling to disk).
            conn.execute("SET LOCAL enable_sort = off")
            extras = extra_columns(conn, self.location)
            data = bytearray()
            with conn.cursor() as cursor, cursor.copy(self._copy_query(extras)) as copy:
                for block in copy:
                    data += block
            conn.commit()
        return StoreText.of(bytes(data), self.name)

    def _copy_query(self, extras: list[str]) -> sql.Composed:
        # NULLIF: COPY writes NULL unquoted and '' as "", the csv module writes '' unquoted.
        known = [
            sql.SQL("NULLIF({c}, '') AS {c}").format(c=sql.Identifier(name))
            for name in INCIDENT_COLUMNS
        ]
        extra = [
            sql.SQL("NULLIF(extra ->> {}, '') AS {}").format(
                sql.Literal(name), sql.Identifier(name)
            )
            for name in extras
        ]
        return sql.SQL(
            'COPY (SELECT {} FROM {} ORDER BY event_date COLLATE "C", '
            'event_id_cnty COLLATE "C") TO STDOUT WITH (FORMAT csv, HEADER)'
        ).format(sql.SQL(", ").join(known + extra), self._table("incidents"))

    def table(self) -> IncidentTable:
        """Return the whole store as a text table."""
        text = self.read_text()
        return parse_table(text.data.decode("utf-8"), self.name)

    def count(self) -> int:
        """Return the number of incidents."""
        with session(self.location, what="counting incidents") as conn:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self._table("incidents")))
            result = row.fetchone()
        return int(result[0]) if result is not None else 0

    def history(self, event_id: str) -> list[Change]:
        """Return the recorded changes of ``event_id`` (also under an earlier id), oldest first."""
        query = sql.SQL(
            "SELECT change_id, event_id_cnty, operation, changed_at, db_user, analyst, "
            "old_row, new_row FROM {} WHERE event_id_cnty = %s "
            "OR old_row ->> 'event_id_cnty' = %s ORDER BY change_id"
        ).format(self._table("incident_history"))
        with session(self.location, what="reading the history") as conn:
            rows = conn.execute(query, [event_id, event_id]).fetchall()
            conn.commit()
        return [
            Change(
                change_id=int(r[0]),
                event_id=str(r[1]),
                operation=str(r[2]),
                changed_at=r[3].astimezone(dt.UTC).isoformat(timespec="seconds"),
                db_user=str(r[4]),
                analyst=str(r[5] or ""),
                old=_flatten(r[6]),
                new=_flatten(r[7]),
            )
            for r in rows
        ]

    # --- adding -----------------------------------------------------------------------------

    def add(
        self,
        rows: list[tuple[str, dict[str, str]]],
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        force: bool = False,
        analyst: str = "",
        today: dt.date | None = None,
    ) -> list[str]:
        """Add ``rows`` in one transaction; return their ids (from the database's sequence).

        Raises
        ------
        IncidentValidationError, DuplicateIncidentError
            As for a CSV store, before anything is written.
        DatabaseStoreError
            The database refused (a read-only role) or the connection was lost.
        """
        rows = [(origin, as_written(row)) for origin, row in rows]
        options: dict[str, Any] = {"admin": admin, "places": places, "force": force,
                                   "today": today, "store_name": self.name}  # fmt: skip
        # Every check that needs no database first: a bad add never waits for a lock.
        check_new_rows(rows, stored=_stored([]), new_id=lambda origin: origin, **options)
        dates_types = sorted(
            {(row["event_date"].strip(), row["sub_event_type"]) for _, row in rows}
        )
        given = [row["event_id_cnty"] for _, row in rows if row.get("event_id_cnty")]
        with session(self.location, what="the add") as conn:
            require_privilege(conn, self.location, "INSERT", what="add incidents")
            set_analyst(conn, analyst)
            conn.execute(
                "SELECT pg_advisory_xact_lock_shared(hashtextextended(%s, 0))",
                [store_lock_key(self.location)],
            )
            for day, sub in dates_types:  # in order: two adds never wait for each other's locks
                conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    [event_lock_key(self.location, day, sub)],
                )
            stored = self._stored(conn, dates_types, given)
            generated: set[str] = set()

            def new_id(origin: str) -> str:
                generated.add(origin)
                return origin  # a stand-in: the database numbers the row on insert

            new = check_new_rows(rows, stored=stored, new_id=new_id, **options)
            ids = self._insert(conn, new, generated)
            commit(conn, self.location, what="the add")
        return ids

    def _stored(
        self,
        conn: psycopg.Connection[Any],
        dates_types: list[tuple[str, str]],
        ids: list[str],
    ) -> IncidentTable:
        """Return the stored rows that share a date and type, or an id, with the new rows."""
        query = sql.SQL(
            "SELECT {} FROM {} WHERE (event_date, sub_event_type) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[])) OR event_id_cnty = ANY(%s)"
        ).format(sql.SQL(", ").join(map(sql.Identifier, ADD_COLUMNS)), self._table("incidents"))
        days = [day for day, _ in dates_types]
        subs = [sub for _, sub in dates_types]
        return _stored(conn.execute(query, [days, subs, ids]).fetchall())

    def _insert(
        self, conn: psycopg.Connection[Any], new: IncidentTable, generated: set[str]
    ) -> list[str]:
        columns = list(INCIDENT_COLUMNS)
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING event_id_cnty").format(
            self._table("incidents"),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        params = []
        for i in range(len(new)):
            row = new.row(i)
            if row["event_id_cnty"] in generated:
                row["event_id_cnty"] = ""  # numbered by the insert trigger
            params.append([row.get(c, "") for c in columns])
        ids = []
        with conn.cursor() as cursor:
            cursor.executemany(query, params, returning=True)
            for _ in cursor.results():
                result = cursor.fetchone()
                if result is not None:
                    ids.append(str(result[0]))
        return ids

    # --- merging (store push, import-acled) -------------------------------------------------

    def import_acled(
        self,
        export: Path,
        *,
        admin: AdminAreas,
        places: dict[str, Place],
        analyst: str = "",
        today: dt.date | None = None,
    ) -> ImportReport:
        """Merge an ACLED export (ACLED's fields only; ours are kept on update)."""
        today = today or dt.datetime.now(tz=dt.UTC).date()
        rows, report = acled_rows(export, admin=admin, today=today)
        incoming = IncidentTable(
            columns=list(ACLED_FIELDS),
            data={name: [row.get(name, "") for row in rows] for name in ACLED_FIELDS},
            lines=list(range(2, 2 + len(rows))),
        )
        merged = merge(
            self.location, incoming, columns=ACLED_FIELDS, extras=[], analyst=analyst,
            check=lambda table: validate(table, today=today, admin=admin, places=places),
            what="the import", origin=str(export),
        )  # fmt: skip
        report.added, report.updated, report.unchanged = merged
        return report


def _stored(records: list[tuple[Any, ...]]) -> IncidentTable:
    table = IncidentTable(
        columns=list(ADD_COLUMNS),
        data={c: [str(r[i]) for r in records] for i, c in enumerate(ADD_COLUMNS)},
        lines=[0] * len(records),
    )
    for name in INCIDENT_COLUMNS:
        table.data.setdefault(name, [""] * len(records))
    return table


def _flatten(row: dict[str, Any] | None) -> dict[str, str] | None:
    if row is None:
        return None
    extra = row.pop("extra", None) or {}
    known = {name: str(row[name]) for name in INCIDENT_COLUMNS if name in row}
    return known | {str(k): str(v) for k, v in sorted(extra.items())}
